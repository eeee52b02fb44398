"""Navigation by role: which menu entries a user sees (the sets of ``regions.roles``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from regions import roles
from regions.scoping import assignment_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


# In the order of the work: the register and its cases, inspections, assistance, relocation,
# supervision, then the data tools.
NAV_ITEMS = (
    NavItem(_("Home"), "home", roles.ALL_ROLES),
    NavItem(_("Households"), "households:list", roles.PAGE_ROLES),
    NavItem(_("Monitoring"), "monitoring:list", roles.PAGE_ROLES),
    NavItem(_("Exits"), "exits:queue", roles.PAGE_ROLES),
    NavItem(_("Problems"), "inspections:problems", roles.PAGE_ROLES),
    NavItem(_("Look-back"), "inspections:look-back", roles.LOOK_BACK_ROLES),
    NavItem(_("Offline pack"), "workbench:offline-pack", roles.VISIT_ROLES),
    NavItem(_("Data conflicts"), "fieldsync:conflicts", roles.CONFLICT_RESOLVE_ROLES),
    NavItem(_("Misclassification check"), "exits:misclassification", roles.SUPERVISION_PAGE_ROLES),
    # The assistance's readers, less the API clients (pages are for people).
    NavItem(
        _("Assistance projects"),
        "assistance:projects",
        roles.ASSISTANCE_READ_ROLES & roles.PAGE_ROLES,
    ),
    NavItem(
        _("9+2 action"), "assistance:nine-plus-two", roles.ASSISTANCE_READ_ROLES & roles.PAGE_ROLES
    ),
    NavItem(_("Relocation sites"), "relocation:sites", roles.PAGE_ROLES),
    NavItem(_("Zero-employment households"), "relocation:zero-employment", roles.PAGE_ROLES),
    NavItem(_("Supervision dashboard"), "supervision:dashboard", roles.SUPERVISION_PAGE_ROLES),
    NavItem(
        _("Dispatches, bulletins and analyses"), "supervision:reports", roles.SUPERVISION_PAGE_ROLES
    ),
    NavItem(_("Import and export"), "imports:list", roles.IMPORT_ROLES),
    # Those who import reach the export from the import page.
    NavItem(_("Export"), "imports:export", roles.EXPORT_ROLES - roles.IMPORT_ROLES),
    # The API's readers: the supervisors and the REST clients.
    NavItem(_("API documentation"), "api-docs", roles.SUPERVISION_API_ROLES),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    assignment = assignment_of(user)
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": request.path == reverse(item.url_name),
        }
        for item in NAV_ITEMS
        if roles.has_role(user, item.roles)
    ]
    if user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "active": False})
    return {
        "nav_items": items,
        "current_assignment": assignment,
        # Who records visits carries the offline pack and the queue (the header's 待上传).
        "offline_app": roles.has_role(user, roles.VISIT_ROLES),
    }
