"""Pages: sites, one site with its 五个体系, its relocated households, the zero-employment list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.permissions import has_role
from regions.models import Role
from relocation import selectors
from relocation.models import (
    CultureKind,
    FacilityKind,
    GovernanceKind,
    PartyKind,
    SiteKind,
)
from tongren_fupin.pagination import BoundedPaginator

PAGE_SIZE = 25
# Pages are for people; an API client reads the API.
PAGE_ROLES = frozenset(set(Role.values) - {Role.API_CLIENT})


def _require_page_role(request: HttpRequest) -> None:
    if not has_role(request.user, PAGE_ROLES):
        raise PermissionDenied


def _rows(choices: type[TextChoices], table: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """The table's rows that have anything, labelled, in the order of the code list."""
    return [
        {"label": label, **table[value]}
        for value, label in choices.choices
        if any(table[value].values())
    ]


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    _require_page_role(request)
    sites = selectors.site_list(user=request.user)
    page = BoundedPaginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "relocation/site_list.html", {"page": page, "kinds": SiteKind})


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_page_role(request)
    site = selectors.site_get(user=request.user, pk=pk)
    systems = selectors.site_systems(site)
    return render(
        request,
        "relocation/site_detail.html",
        {
            "site": site,
            "systems": systems,
            "population": systems.population,
            "employment": systems.employment,
            "facilities": _rows(FacilityKind, systems.facilities),
            "culture": _rows(CultureKind, systems.culture),
            "governance": _rows(GovernanceKind, systems.governance),
            "party": _rows(PartyKind, systems.party),
            "activities": selectors.site_recent_activities(site),
        },
    )


@login_required
def site_households(request: HttpRequest, pk: int) -> HttpResponse:
    _require_page_role(request)
    site = selectors.site_get(user=request.user, pk=pk)
    relocations = selectors.relocation_list(user=request.user, site=site)
    page = BoundedPaginator(selectors.with_household_facts(relocations), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "relocation/site_households.html", {"site": site, "page": page})


@login_required
def zero_employment(request: HttpRequest) -> HttpResponse:
    _require_page_role(request)
    site_id = request.GET.get("site", "")
    site = selectors.site_get(user=request.user, pk=site_id) if site_id else None
    households = selectors.zero_employment_list(user=request.user, site=site)
    page = BoundedPaginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relocation/zero_employment.html",
        {"page": page, "site": site, "query": f"site={site.pk}" if site else ""},
    )
