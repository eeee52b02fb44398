"""Who may do what in the assistance app (on top of jurisdiction scoping).

Reading: township reviewers, county and city supervisors and API clients, each for the
projects, pairings and activities touching their jurisdiction. Village cadres and work teams
have no access. Writing (fund flows, project progress, projects, trainings, job placements):
county and city supervisors, for targets inside their jurisdiction. Operators may do
everything.
"""

from __future__ import annotations

from regions.models import Role

READ_ROLES = frozenset(
    {Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR, Role.API_CLIENT}
)
WRITE_ROLES = frozenset({Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})
