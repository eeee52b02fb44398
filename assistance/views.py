"""Pages: the 9+2 view, partners and pairings, projects with their fund flows and progress
(and the confirmed step to the next state), and the entry forms for projects, fund flows,
trainings and job placements."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assistance import selectors, services
from assistance.forms import (
    AdvanceForm,
    FundFlowForm,
    JobPlacementForm,
    ProjectForm,
    TrainingForm,
)
from assistance.models import (
    PROJECT_STATE_ORDER,
    PairingLevel,
    PartnerKind,
    ProjectState,
    Scheme,
)
from regions.roles import (
    ASSISTANCE_READ_ROLES,
    ASSISTANCE_WRITE_ROLES,
    PAGE_ROLES,
    has_role,
    require_page_role,
)
from tongren_fupin.forms import error_text, posted, posted_files, status_of, submit
from tongren_fupin.pagination import BoundedPaginator
from tongren_fupin.photos import photo_response

PAGE_SIZE = 25
# Pairing levels whose targets are schools and hospitals (``Institution`` rows).
INSTITUTION_LEVELS = (PairingLevel.SCHOOL_SCHOOL, PairingLevel.HOSPITAL_HOSPITAL)


def _choice(request: HttpRequest, name: str, values: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in values else ""


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v})


@login_required
def nine_plus_two(request: HttpRequest) -> HttpResponse:
    """Each helper county/zone of the 9+2 action: its agreement, project list and progress."""
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    region = selectors.summary_region(user=request.user)
    figures = selectors.published_figures(
        user=request.user,
        filters=selectors.SummaryFilters(scheme=Scheme.NINE_PLUS_TWO, region=region),
        names=("funds", "projects"),
    )
    return render(
        request,
        "assistance/nine_plus_two.html",
        {
            "helpers": selectors.nine_plus_two_helpers(user=request.user),
            "figures": figures,
            "may_write": has_role(request.user, ASSISTANCE_WRITE_ROLES),
        },
    )


@login_required
def pairing_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    scheme = _choice(request, "scheme", Scheme.values)
    level = _choice(request, "level", PairingLevel.values)
    pairings = selectors.pairing_list(user=request.user, scheme=scheme, level=level)
    page = BoundedPaginator(pairings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/pairing_list.html",
        {
            "page": page,
            "scheme": scheme,
            "level": level,
            "schemes": Scheme.choices,
            "levels": PairingLevel.choices,
            "query": _query(scheme=scheme, level=level),
            "institutions_recorded": selectors.institutions_recorded(),
            "institution_levels": level in INSTITUTION_LEVELS or not level,
        },
    )


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    scheme = _choice(request, "scheme", Scheme.values)
    kind = _choice(request, "kind", PartnerKind.values)
    partners = selectors.partner_list(user=request.user, scheme=scheme, kind=kind)
    page = BoundedPaginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/partner_list.html",
        {
            "page": page,
            "scheme": scheme,
            "kind": kind,
            "schemes": Scheme.choices,
            "kinds": PartnerKind.choices,
            "query": _query(scheme=scheme, kind=kind),
        },
    )


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    partner = selectors.partner_get(user=request.user, pk=pk)
    pairings = list(selectors.pairing_list(user=request.user, partner=partner)[:200])
    return render(
        request,
        "assistance/partner_detail.html",
        {
            "partner": partner,
            "pairings": pairings,
            "institution_note": any(p.level in INSTITUTION_LEVELS for p in pairings)
            and not selectors.institutions_recorded(),
            "projects": selectors.project_list(user=request.user, partner=partner)[:200],
        },
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    scheme = _choice(request, "scheme", Scheme.values)
    state = _choice(request, "state", ProjectState.values)
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() and 2000 <= int(year_param) <= 2100 else None
    projects = selectors.project_list(user=request.user, scheme=scheme, state=state, year=year)
    page = BoundedPaginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/project_list.html",
        {
            "page": page,
            "scheme": scheme,
            "state": state,
            "year": year or "",
            "schemes": Scheme.choices,
            "states": ProjectState.choices,
            "query": _query(scheme=scheme, state=state, year=year),
            "may_write": has_role(request.user, ASSISTANCE_WRITE_ROLES),
        },
    )


def _progress(state: str) -> list[dict[str, Any]]:
    reached = PROJECT_STATE_ORDER.index(state)
    return [
        {"label": ProjectState(value).label, "done": i <= reached, "current": i == reached}
        for i, value in enumerate(PROJECT_STATE_ORDER)
    ]


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    may_write = has_role(request.user, ASSISTANCE_WRITE_ROLES)
    return render(
        request,
        "assistance/project_detail.html",
        {
            "project": project,
            "flows": selectors.project_flows(project),
            "outputs": project.outputs.all(),
            "progress": _progress(project.state),
            "may_write": may_write,
            "is_last_state": project.state == ProjectState.ACCEPTED,
            "next_state": _next_state_label(project.state),
        },
    )


@login_required
def fund_flow_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_WRITE_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    form = FundFlowForm(posted(request), posted_files(request))
    if form.is_bound and form.is_valid():
        flow = submit(
            form,
            lambda: services.fund_flow_record(
                actor=request.user, project=project, **form.cleaned_data
            ),
        )
        if flow is not None:
            messages.success(request, _("The fund flow was recorded."))
            return redirect("assistance:project", pk=project.pk)
    return render(
        request,
        "assistance/fund_flow_form.html",
        {"project": project, "form": form},
        status=status_of(form),
    )


@login_required
def voucher_photo(request: HttpRequest, pk: int, size: str = "full") -> HttpResponseBase:
    """A fund flow's voucher photo, for a reader of a project targeting the jurisdiction."""
    voucher = selectors.voucher_get(user=request.user, pk=pk)
    require_page_role(request.user, ASSISTANCE_READ_ROLES & PAGE_ROLES)  # a file is for a person
    return photo_response(voucher, thumbnail=size == "thumb")


def _next_state_label(state: str) -> str:
    index = PROJECT_STATE_ORDER.index(state)
    if index + 1 >= len(PROJECT_STATE_ORDER):
        return ""
    return str(ProjectState(PROJECT_STATE_ORDER[index + 1]).label)


@login_required
def project_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """The step to the next state: GET shows what will change and asks to confirm (with the
    date); POST, from the confirmation, makes it."""
    require_page_role(request.user, ASSISTANCE_WRITE_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    if project.state == ProjectState.ACCEPTED:
        messages.error(request, _("The project has been accepted; there is no later state."))
        return redirect("assistance:project", pk=project.pk)
    if request.method == "POST":
        form = AdvanceForm(posted(request))
        if not form.is_valid() and "state" in form.errors:
            # The confirmed state comes from the confirmation page; without it, start again.
            messages.error(request, _("Confirm the step on the confirmation page."))
            return redirect("assistance:project-advance", pk=project.pk)
        moved = None
        if form.is_valid():
            moved = submit(
                form,
                lambda: services.project_advance(
                    actor=request.user,
                    project=project,
                    on=form.cleaned_data["on"],
                    expected_state=form.cleaned_data["state"],
                ),
            )
        if moved:
            messages.success(request, _("The project moved to its next state."))
            return redirect("assistance:project", pk=project.pk)
        if status_of(form) == 409:
            # Someone moved the project first: say so, and confirm again from its new state.
            messages.error(request, error_text(form))
            project = selectors.project_get(user=request.user, pk=pk)
            form = AdvanceForm(initial={"on": form.cleaned_data["on"], "state": project.state})
            form.refusal_status = 409  # type: ignore[attr-defined]
    else:
        initial = {"on": request.GET.get("on") or None, "state": project.state}
        form = AdvanceForm(initial=initial)
    return render(
        request,
        "assistance/project_advance.html",
        {
            "project": project,
            "form": form,
            "current_state": project.get_state_display(),
            "next_state": _next_state_label(project.state),
        },
        status=status_of(form),
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_WRITE_ROLES)
    form = ProjectForm(posted(request), user=request.user)
    if form.is_bound and form.is_valid():
        project = submit(
            form, lambda: services.project_create(actor=request.user, data=form.cleaned_data)
        )
        if project is not None:
            messages.success(request, _("The project was created."))
            return redirect("assistance:project", pk=project.pk)
    return render(request, "assistance/project_form.html", {"form": form}, status=status_of(form))


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    scheme = _choice(request, "scheme", Scheme.values)
    trainings = selectors.training_list(user=request.user, scheme=scheme)
    page = BoundedPaginator(trainings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/training_list.html",
        {
            "page": page,
            "scheme": scheme,
            "schemes": Scheme.choices,
            "query": _query(scheme=scheme),
            "may_write": has_role(request.user, ASSISTANCE_WRITE_ROLES),
        },
    )


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_WRITE_ROLES)
    form = TrainingForm(posted(request), user=request.user)
    if form.is_bound and form.is_valid():
        training = submit(
            form, lambda: services.training_record(actor=request.user, data=form.cleaned_data)
        )
        if training is not None:
            messages.success(request, _("The training was recorded."))
            return redirect("assistance:trainings")
    return render(request, "assistance/training_form.html", {"form": form}, status=status_of(form))


@login_required
def job_placement_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, ASSISTANCE_READ_ROLES)
    scheme = _choice(request, "scheme", Scheme.values)
    placements = selectors.job_placement_list(user=request.user, scheme=scheme)
    page = BoundedPaginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/job_placement_list.html",
        {
            "page": page,
            "scheme": scheme,
            "schemes": Scheme.choices,
            "query": _query(scheme=scheme),
            "may_write": has_role(request.user, ASSISTANCE_WRITE_ROLES),
        },
    )


@login_required
def job_placement_new(request: HttpRequest) -> HttpResponse:
    """Record a placement. The member picker searches the jurisdiction's register by name or ID
    number (``q``); ID numbers are shown as the register shows them to the user."""
    require_page_role(request.user, ASSISTANCE_WRITE_ROLES)
    form = JobPlacementForm(posted(request), user=request.user)
    term = str((form["q"].value() if form.is_bound else request.GET.get("q")) or "")
    term = term.strip()[:30]
    if form.is_bound and form.is_valid():
        member = form.cleaned_data.pop("member")
        form.cleaned_data.pop("q", None)
        placement = submit(
            form,
            lambda: services.job_placement_record(
                actor=request.user, member=member, data=form.cleaned_data
            ),
        )
        if placement is not None:
            messages.success(request, _("The job placement was recorded."))
            return redirect("assistance:job-placements")
    candidates = selectors.member_search(user=request.user, term=term) if term else []
    chosen = None
    if request.method == "POST":
        chosen = selectors.member_for_placement(user=request.user, pk=form["member"].value())
        if chosen is not None and all(m.pk != chosen.pk for m in candidates):
            candidates.insert(0, chosen)
    selectors.show_member_ids(user=request.user, members=candidates, channel="assistance")
    return render(
        request,
        "assistance/job_placement_form.html",
        {
            "form": form,
            "term": term,
            "candidates": candidates,
            "chosen": chosen.pk if chosen else None,
            "short_term": bool(term) and len(term) < selectors.MIN_MEMBER_NAME_SEARCH,
        },
        status=status_of(form),
    )
