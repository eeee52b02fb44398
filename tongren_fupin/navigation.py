"""Navigation by role: which menu entries a user sees (the sets of ``regions.roles``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
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


@functools.lru_cache(maxsize=256)
def _menu(
    role: str | None, superuser: bool, staff: bool, language: str, prefix: str
) -> tuple[tuple[str, str, bool], ...]:
    """The entries (label, url, marked when open) of a role's menu, built once per role,
    language and script prefix: every page shows it, and resolving its twenty URLs and roles
    took about 2 ms a page."""
    del language, prefix  # part of the cache key: the labels and URLs depend on them
    allowed = roles.ALL_ROLES if superuser else frozenset({role} if role else ())
    items = [
        (str(item.label), reverse(item.url_name), True)
        for item in NAV_ITEMS
        if allowed & item.roles
    ]
    if staff:
        items.append((str(_("Administration")), reverse("admin:index"), False))
    return tuple(items)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    assignment = assignment_of(user)
    role = assignment.role if assignment else None
    menu = _menu(role, user.is_superuser, user.is_staff, get_language(), get_script_prefix())
    return {
        "nav_items": [
            {"label": label, "url": url, "active": marked and request.path == url}
            for label, url, marked in menu
        ],
        "current_assignment": assignment,
        # Who records visits carries the offline pack and the queue (the header's 待上传).
        "offline_app": roles.has_role(user, roles.VISIT_ROLES),
    }
