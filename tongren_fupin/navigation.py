"""Navigation by role: which menu entries a user sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from regions.models import Role
from regions.scoping import assignment_of

SUPERVISORS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR})
EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


# In the order of the work: the register and its cases, inspections, assistance, relocation,
# supervision, then the data tools.
NAV_ITEMS = (
    NavItem(_("Home"), "home", EVERYONE),
    NavItem(_("Households"), "households:list", EVERYONE - {Role.API_CLIENT}),
    NavItem(_("Monitoring"), "monitoring:list", EVERYONE - {Role.API_CLIENT}),
    NavItem(_("Exits"), "exits:queue", EVERYONE - {Role.API_CLIENT}),
    NavItem(_("Problems"), "inspections:problems", EVERYONE - {Role.API_CLIENT}),
    NavItem(_("Look-back"), "inspections:look-back", EVERYONE - {Role.API_CLIENT}),
    NavItem(_("Misclassification check"), "exits:misclassification", SUPERVISORS),
    NavItem(_("Assistance projects"), "assistance:projects", SUPERVISORS),
    NavItem(_("9+2 action"), "assistance:nine-plus-two", SUPERVISORS),
    NavItem(_("Relocation sites"), "relocation:sites", EVERYONE - {Role.API_CLIENT}),
    NavItem(
        _("Zero-employment households"),
        "relocation:zero-employment",
        EVERYONE - {Role.API_CLIENT},
    ),
    NavItem(_("Supervision dashboard"), "supervision:dashboard", SUPERVISORS),
    NavItem(_("Dispatches, bulletins and analyses"), "supervision:reports", SUPERVISORS),
    NavItem(_("Import and export"), "imports:list", frozenset({Role.COUNTY_SUPERVISOR})),
    NavItem(_("Export"), "imports:export", frozenset({Role.CITY_SUPERVISOR})),
    NavItem(_("API documentation"), "api-docs", SUPERVISORS | {Role.API_CLIENT}),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    assignment = assignment_of(user)
    role = assignment.role if assignment else None
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": request.path == reverse(item.url_name),
        }
        for item in NAV_ITEMS
        if user.is_superuser or (role is not None and role in item.roles)
    ]
    if user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "current_assignment": assignment}
