"""Who may read the supervision's figures and reports (on top of jurisdiction scoping)."""

from __future__ import annotations

from regions.models import Role
from regions.permissions import HasRole

# Pages: the supervisors, from township up.
SUPERVISOR_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})
# The API adds the REST clients (dashboards, statisticians).
READ_ROLES = SUPERVISOR_ROLES | {Role.API_CLIENT}


class SupervisionReadPermission(HasRole):
    roles = READ_ROLES
