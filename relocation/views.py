"""Pages: sites, one site with its 五个体系, its relocated households, the zero-employment list,
and the page forms (a relocation, the hukou transfer, the records of a site's systems).

The forms parse input and call the same services as the API; refusals of the service come
back as field errors (400-like), a 403 for a role that may not act, a 404 outside the
jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import annotate_page
from households.selectors import household_get
from regions.roles import (
    ASSISTANCE_WRITE_ROLES,
    PAGE_ROLES,
    RELOCATION_RECORD_ROLES,
    RELOCATION_SYSTEM_ROLES,
    has_role,
    require_page_role,
)
from regions.scoping import in_jurisdiction, jurisdiction_prefix
from relocation import selectors, services
from relocation.forms import (
    ConfirmForm,
    CultureActivityForm,
    FacilityForm,
    FacilityStatusForm,
    GovernanceUnitForm,
    PartyOrganisationForm,
    RelocationForm,
)
from relocation.models import (
    CultureKind,
    FacilityKind,
    FacilityStatus,
    GovernanceKind,
    PartyKind,
    Relocation,
    SiteKind,
)
from tongren_fupin.forms import act, posted, status_of, submit
from tongren_fupin.pagination import BoundedPaginator

PAGE_SIZE = 25


def _may(request: HttpRequest) -> dict[str, bool]:
    return {
        "may_record": has_role(request.user, RELOCATION_SYSTEM_ROLES),
        "may_relocate": has_role(request.user, RELOCATION_RECORD_ROLES),
    }


def _rows(choices: type[TextChoices], table: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """The table's rows that have anything, labelled, in the order of the code list."""
    return [
        {"kind": value, "label": label, **table[value]}
        for value, label in choices.choices
        if any(table[value].values())
    ]


def _tables(systems: selectors.Systems) -> dict[str, list[dict[str, Any]]]:
    return {
        "facilities": _rows(FacilityKind, systems.facilities),
        "culture": _rows(CultureKind, systems.culture),
        "governance": _rows(GovernanceKind, systems.governance),
        "party": _rows(PartyKind, systems.party),
    }


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    """The sites of the jurisdiction, under its figures (those of the summary endpoint)."""
    require_page_role(request.user, PAGE_ROLES)
    region = selectors.summary_region(user=request.user, code=None)
    summary = selectors.region_systems(region)
    sites = selectors.site_list(user=request.user)
    page = BoundedPaginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relocation/site_list.html",
        {
            "page": page,
            "kinds": SiteKind,
            "region": region,
            "summary": summary,
            "summary_tables": _tables(summary),
            **_may(request),
        },
    )


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
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
            **_tables(systems),
            "activities": selectors.site_recent_activities(site),
            **_may(request),
        },
    )


@login_required
def site_households(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    site = selectors.site_get(user=request.user, pk=pk)
    relocations = selectors.relocation_list(user=request.user, site=site)
    page = BoundedPaginator(selectors.with_household_facts(relocations), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    annotate_page([relocation.household for relocation in page.object_list])
    for relocation in page.object_list:
        # A site's county sees the households moved in from other counties, but their register
        # pages belong to the county of origin: no link that would answer 404.
        relocation.household_visible = in_jurisdiction(request.user, relocation.household.region_id)
    return render(
        request,
        "relocation/site_households.html",
        {"site": site, "page": page, **_may(request)},
    )


@login_required
def zero_employment(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    site_id = request.GET.get("site", "")
    site = selectors.site_get(user=request.user, pk=site_id) if site_id else None
    households = selectors.zero_employment_list(user=request.user, site=site)
    page = BoundedPaginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    _placement_links(request, page.object_list)
    return render(
        request,
        "relocation/zero_employment.html",
        {"page": page, "site": site, "query": f"site={site.pk}" if site else ""},
    )


def _placement_links(request: HttpRequest, households: Any) -> None:
    """Where a row's "record employment" leads: the job-placement form (searching the head's
    name) for those who record placements and keep the household's region; otherwise the
    household's members, whose work status a cadre keeps."""
    prefix = jurisdiction_prefix(request.user) or "-"
    places = has_role(request.user, ASSISTANCE_WRITE_ROLES)
    for household in households:
        if places and household.region_id.startswith(prefix):
            query = urlencode({"q": household.head_name or household.household_no})
            household.employment_url = f"{reverse('assistance:job-placement-new')}?{query}"
        else:
            household.employment_url = (
                f"{reverse('households:detail', args=[household.pk])}#members"
            )


# Page forms.


def _site_back(request: HttpRequest, relocation: Relocation) -> str:
    """The site's household list when the user sees the site, else the household's page."""
    prefix = jurisdiction_prefix(request.user)
    if prefix is not None and relocation.site.region_id.startswith(prefix):
        return reverse("relocation:site-households", args=[relocation.site_id])
    return reverse("households:detail", args=[relocation.household_id])


@login_required
def relocation_new(request: HttpRequest) -> HttpResponse:
    """Record a relocation. The household picker searches the user's jurisdiction by household
    number or the head's name (``q``); ``?household=`` and ``?site=`` preselect."""
    require_page_role(request.user, RELOCATION_RECORD_ROLES)
    site = request.GET.get("site", "")
    form = RelocationForm(
        posted(request),
        sites=selectors.site_choices(),
        initial={
            "household": request.GET.get("household", ""),
            "site": site if site.isdigit() else None,
            "q": request.GET.get("q", ""),
        },
    )
    # The picker's values, as sent (the form validates them when saving).
    term = str(form["q"].value() or "").strip()[:30]
    chosen_id = str(form["household"].value() or "")
    chosen = household_get(user=request.user, pk=chosen_id) if chosen_id else None
    if form.is_bound and form.is_valid() and chosen is not None:
        values = form.cleaned_data
        relocation = submit(
            form,
            lambda: services.relocation_record(
                actor=request.user,
                household=chosen,
                site=values["site"],
                moved_in=values["moved_in"],
                hukou_transferred=values["hukou_transferred"],
            ),
        )
        if relocation is not None:
            messages.success(
                request,
                _("Household %(no)s was recorded as moved to %(site)s.")
                % {"no": chosen.household_no, "site": relocation.site.name},
            )
            return redirect("households:detail", pk=chosen.pk)
    candidates = selectors.relocation_candidates(user=request.user, term=term)
    if chosen is not None and all(h.pk != chosen.pk for h in candidates):
        candidates.insert(0, chosen)
    return render(
        request,
        "relocation/relocation_form.html",
        {"form": form, "term": term, "candidates": candidates, "chosen": chosen},
        status=status_of(form),
    )


@login_required
def relocation_transfer_hukou(request: HttpRequest, pk: int) -> HttpResponse:
    """迁户办证, after a confirmation page (it cannot be undone from a page)."""
    require_page_role(request.user, PAGE_ROLES)
    relocation = selectors.relocation_get(user=request.user, pk=pk)
    require_page_role(request.user, RELOCATION_RECORD_ROLES)
    form = ConfirmForm(posted(request))
    if form.is_bound:
        if act(
            request,
            form,
            lambda: services.relocation_transfer_hukou(actor=request.user, relocation=relocation),
        ):
            messages.success(
                request,
                _("The hukou of household %(no)s was recorded as transferred.")
                % {"no": relocation.household.household_no},
            )
            return redirect(_site_back(request, relocation))
        relocation = selectors.relocation_get(user=request.user, pk=pk)
    return render(
        request,
        "relocation/hukou_confirm.html",
        {"relocation": relocation, "back": _site_back(request, relocation)},
        status=status_of(form),
    )


SITE_RECORDS: dict[str, tuple[Any, Callable[..., Any], Any, Any, str]] = {
    "facility": (
        FacilityForm,
        services.facility_record,
        gettext_lazy("Add a facility"),
        gettext_lazy("The facility was recorded."),
        "services",
    ),
    "culture-activity": (
        CultureActivityForm,
        services.culture_activity_record,
        gettext_lazy("Record a culture activity"),
        gettext_lazy("The culture activity was recorded."),
        "culture",
    ),
    "governance-unit": (
        GovernanceUnitForm,
        services.governance_unit_record,
        gettext_lazy("Add a governance unit"),
        gettext_lazy("The governance unit was recorded."),
        "governance",
    ),
    "party-organisation": (
        PartyOrganisationForm,
        services.party_organisation_record,
        gettext_lazy("Add a party organisation"),
        gettext_lazy("The party organisation was recorded."),
        "party",
    ),
}


@login_required
def site_record_new(request: HttpRequest, pk: int, record: str) -> HttpResponse:
    """A facility, culture activity, governance unit or party organisation of a site."""
    require_page_role(request.user, PAGE_ROLES)
    site = selectors.site_get(user=request.user, pk=pk)
    require_page_role(request.user, RELOCATION_SYSTEM_ROLES)
    form_class, service, title, done, section = SITE_RECORDS[record]
    form = form_class(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if submit(form, lambda: service(actor=request.user, site=site, data=data)) is not None:
            messages.success(request, str(done))
            return redirect(f"{reverse('relocation:site', args=[site.pk])}#{section}")
    return render(
        request,
        "relocation/record_form.html",
        {"form": form, "site": site, "title": title, "section": section},
        status=status_of(form),
    )


@login_required
def site_facilities(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    site = selectors.site_get(user=request.user, pk=pk)
    page = BoundedPaginator(selectors.facility_list(site), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "relocation/facility_list.html",
        {"site": site, "page": page, "statuses": FacilityStatus.choices, **_may(request)},
    )


@login_required
def facility_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A facility moves on (planned → built → in use), or is corrected back."""
    require_page_role(request.user, PAGE_ROLES)
    facility = selectors.facility_get(user=request.user, pk=pk)
    require_page_role(request.user, RELOCATION_SYSTEM_ROLES)
    form = FacilityStatusForm(posted(request), initial={"status": facility.status})
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        if submit(
            form,
            lambda: services.facility_set_status(
                actor=request.user, facility=facility, status=status
            ),
        ):
            messages.success(
                request,
                _("%(facility)s: %(status)s")
                % {"facility": facility, "status": facility.get_status_display()},
            )
            return redirect("relocation:site-facilities", pk=facility.site_id)
    return render(
        request,
        "relocation/facility_status.html",
        {"form": form, "facility": facility},
        status=status_of(form),
    )
