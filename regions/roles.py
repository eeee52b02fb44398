"""Who may do what (on top of jurisdiction scoping), and the masking policy of personal data.

The register's role sets and checks live here, below every app, so that services, DRF
permissions, navigation and templates read the same sets."""

from __future__ import annotations

from typing import Any

from regions.models import Role
from regions.scoping import assignment_of, in_jurisdiction

# Roles that record data in the field (capture scope: their village).
CAPTURE_ROLES = frozenset({Role.VILLAGE_CADRE, Role.WORK_TEAM})
# Roles that change a household's status outside the exit procedure (清退, 返贫).
STATUS_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# Roles that see full ID numbers; everyone else sees them masked.
FULL_ID_ROLES = frozenset(
    {Role.VILLAGE_CADRE, Role.WORK_TEAM, Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR}
)
# Roles that import the national register (operators too), within their jurisdiction.
IMPORT_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# Roles that export the register of their jurisdiction (masked where they see IDs masked).
EXPORT_ROLES = frozenset({Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})


def role_of(user: Any) -> str | None:
    assignment = assignment_of(user)
    return assignment.role if assignment else None


def has_role(user: Any, roles: frozenset[str]) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or role_of(user) in roles))


def may_capture(user: Any, region_code: str | None = None) -> bool:
    """A capture role, and (when given) the region is in the user's jurisdiction."""
    if not has_role(user, CAPTURE_ROLES):
        return False
    return region_code is None or in_jurisdiction(user, region_code)


def sees_full_id(user: Any) -> bool:
    return has_role(user, FULL_ID_ROLES)


def mask_id_number(number: str) -> str:
    """``522201********123X``: area code and the last four characters stay visible."""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
