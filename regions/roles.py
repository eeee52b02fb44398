"""Who may do what: every role set of the project, and the one check that reads them.

A set is named for what it allows. Services refuse with ``require_role`` (the domain error,
403), pages with ``require_page_role`` (Django's ``PermissionDenied``, the 403 page), DRF
permissions (``regions.permissions``), the menu (``tongren_fupin.navigation``) and templates
(``may.<name>``, ``regions.context_processors``) ask ``has_role`` about the same sets.
Operators (superusers) hold every role. Jurisdiction is ``regions.scoping``'s; a check given a
``region`` asks it too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from regions.models import Role
from regions.scoping import assignment_of, in_jurisdiction
from tongren_fupin.errors import DomainError

ALL_ROLES = frozenset(Role.values)
# Pages are for people; an API client reads the API.
PAGE_ROLES = ALL_ROLES - {Role.API_CLIENT}

# -- the register (households, imports) -------------------------------------------------------
# Record data in the field (capture scope: their village); also report a monitoring case.
CAPTURE_ROLES = frozenset({Role.VILLAGE_CADRE, Role.WORK_TEAM})
# Change a household's status outside the exit procedure (清退, 返贫).
STATUS_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# See full ID numbers; everyone else sees them masked (``regions.masking``).
FULL_ID_ROLES = frozenset(
    {Role.VILLAGE_CADRE, Role.WORK_TEAM, Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR}
)
# The other personal data (``regions.masking``): phones, health status and disability details go
# with the ID number — the people who visit, assess and decide on a household see them whole; the
# city and the API clients compare figures and see them masked. A bank account only where
# subsidies are paid from: the village cadre who keeps the register and the county.
FULL_PHONE_ROLES = FULL_ID_ROLES
FULL_HEALTH_ROLES = FULL_ID_ROLES
FULL_DISABILITY_ROLES = FULL_ID_ROLES
FULL_BANK_ACCOUNT_ROLES = frozenset({Role.VILLAGE_CADRE, Role.COUNTY_SUPERVISOR})
# Import the national register (operators too), within their jurisdiction.
IMPORT_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# Export the register of their jurisdiction (masked where they see IDs masked).
EXPORT_ROLES = frozenset({Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})

# -- inspections -------------------------------------------------------------------------------
# Record a visit (五个看, 五个一致, 四个好, 六个不).
VISIT_ROLES = CAPTURE_ROLES | {Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR}
# Close (销号) or reopen a rectified problem.
PROBLEM_VERIFY_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR})
# Open a problem, start and report its rectification.
PROBLEM_RECTIFY_ROLES = CAPTURE_ROLES | PROBLEM_VERIFY_ROLES
# Read the look-back (回头看) tasks: the visiting roles and the city.
LOOK_BACK_ROLES = VISIT_ROLES | {Role.CITY_SUPERVISOR}

# -- offline field work (fieldsync) ------------------------------------------------------------
# Download the offline pack of the jurisdiction: whoever records visits.
OFFLINE_PACK_ROLES = VISIT_ROLES
# Read and settle the data conflicts of offline records (a field changed on both sides).
CONFLICT_RESOLVE_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR})

# -- assistance --------------------------------------------------------------------------------
# Read projects, pairings and activities touching the jurisdiction.
ASSISTANCE_READ_ROLES = frozenset(
    {Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR, Role.API_CLIENT}
)
# Write fund flows, project progress, projects, trainings and job placements.
ASSISTANCE_WRITE_ROLES = frozenset({Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})

# -- relocation --------------------------------------------------------------------------------
# Create sites and keep their tallies.
RELOCATION_SITE_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# Keep the records of a site's 五个体系 (facilities, culture, governance, party).
RELOCATION_SYSTEM_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR})
# Record a household's relocation and its hukou transfer: whoever keeps its register entry.
RELOCATION_RECORD_ROLES = CAPTURE_ROLES | RELOCATION_SYSTEM_ROLES

# -- exits: each step of the procedure ---------------------------------------------------------
EXIT_PROPOSE_ROLES = frozenset({Role.VILLAGE_CADRE})
EXIT_VERIFY_ROLES = frozenset({Role.WORK_TEAM})
EXIT_AGREE_ROLES = frozenset({Role.VILLAGE_CADRE, Role.WORK_TEAM})
EXIT_PUBLICIZE_ROLES = frozenset({Role.VILLAGE_CADRE})
EXIT_REVIEW_ROLES = frozenset({Role.TOWNSHIP_REVIEWER})
EXIT_APPROVE_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
EXIT_REJECT_ROLES = frozenset(
    {Role.VILLAGE_CADRE, Role.WORK_TEAM, Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR}
)
# Record and decide objections during the publicity.
EXIT_OBJECTION_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_REVIEWER})
# 退回: the reviewers send an application back to the village.
EXIT_SEND_BACK_ROLES = EXIT_REVIEW_ROLES | EXIT_APPROVE_ROLES

# -- monitoring (防返贫监测); reporting a case is ``CAPTURE_ROLES`` ------------------------------
MONITORING_IDENTIFY_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR})
MONITORING_PUBLICITY_ROLES = frozenset({Role.VILLAGE_CADRE})
MONITORING_OBJECTION_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_REVIEWER})
MONITORING_CLEAR_ROLES = frozenset({Role.COUNTY_SUPERVISOR})

# -- supervision -------------------------------------------------------------------------------
# The dashboard, readiness and report pages: the supervisors, from township up.
SUPERVISION_PAGE_ROLES = frozenset(
    {Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR}
)
# The indicator and report API adds the REST clients (dashboards, statisticians).
SUPERVISION_API_ROLES = SUPERVISION_PAGE_ROLES | {Role.API_CLIENT}
# 我的任务 (the home page): the field lists (look-back visits, my problems, the exit steps of the
# village, cases to identify, households not visited) and the review lists (applications to
# review, problems awaiting 销号, overdue rectification, cases past their deadline).
FIELD_TASK_ROLES = CAPTURE_ROLES
REVIEW_TASK_ROLES = SUPERVISION_PAGE_ROLES
# Receive the monthly bulletin as a notification.
BULLETIN_RECIPIENT_ROLES = frozenset({Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR})
# Ask for a past month's bulletin or a past quarter's analysis on the reports page.
REPORT_REQUEST_ROLES = frozenset({Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR})


def role_of(user: Any) -> str | None:
    assignment = assignment_of(user)
    return assignment.role if assignment else None


def has_role(user: Any, roles: frozenset[str], region: str | tuple[str, ...] | None = None) -> bool:
    """``user`` holds one of ``roles`` (an operator holds them all) and, when ``region`` is
    given, that region — or one of several — lies in the user's jurisdiction."""
    if not (user.is_authenticated and (user.is_superuser or role_of(user) in roles)):
        return False
    if region is None:
        return True
    codes = (region,) if isinstance(region, str) else region
    return any(in_jurisdiction(user, code) for code in codes)


def require_role(
    actor: Any, roles: frozenset[str], region: str | tuple[str, ...] | None = None
) -> None:
    """For services: the domain error ``forbidden`` (403) unless ``has_role(actor, roles,
    region)``. Pages turn it into the 403 page, the API into a 403 answer."""
    if not has_role(actor, roles, region):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)


def require_page_role(
    user: Any, roles: frozenset[str], region: str | tuple[str, ...] | None = None
) -> None:
    """For pages: ``PermissionDenied`` (the 403 page) unless ``has_role(user, roles, region)``."""
    if not has_role(user, roles, region):
        raise PermissionDenied


# Every set above by its name without ``_ROLES``: ``EXIT_VERIFY_ROLES`` is ``"exit_verify"``.
ROLE_SETS: dict[str, frozenset[str]] = {
    name.removesuffix("_ROLES").lower(): value
    for name, value in list(globals().items())
    if name.endswith("_ROLES") and isinstance(value, frozenset)
}


class May(Mapping[str, bool]):
    """What a user may do, by role set, for templates: ``{% if may.exit_verify %}``."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, name: str) -> bool:
        return self.user is not None and has_role(self.user, ROLE_SETS[name])

    def __iter__(self) -> Iterator[str]:
        return iter(ROLE_SETS)

    def __len__(self) -> int:
        return len(ROLE_SETS)
