"""Pages: the 9+2 view, partners and pairings, projects with their fund flows and progress,
and the entry forms for fund flows and trainings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assistance import selectors, services
from assistance.forms import AdvanceForm, FundFlowForm, TrainingForm, apply_error
from assistance.models import (
    PROJECT_STATE_ORDER,
    PairingLevel,
    PartnerKind,
    ProjectState,
    Scheme,
)
from assistance.permissions import READ_ROLES, WRITE_ROLES
from households.permissions import has_role
from tongren_fupin.errors import DomainError
from tongren_fupin.pagination import BoundedPaginator

PAGE_SIZE = 25


def _require(request: HttpRequest, roles: frozenset[str]) -> None:
    if not has_role(request.user, roles):
        raise PermissionDenied


def _choice(request: HttpRequest, name: str, values: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in values else ""


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v})


@login_required
def nine_plus_two(request: HttpRequest) -> HttpResponse:
    """Each helper county/zone of the 9+2 action: its agreement, project list and progress."""
    _require(request, READ_ROLES)
    region = selectors.summary_region(user=request.user)
    summary = selectors.assistance_summary(
        user=request.user,
        filters=selectors.SummaryFilters(scheme=Scheme.NINE_PLUS_TWO, region=region),
    )
    return render(
        request,
        "assistance/nine_plus_two.html",
        {
            "helpers": selectors.nine_plus_two_helpers(user=request.user),
            "summary": summary,
            "may_write": has_role(request.user, WRITE_ROLES),
        },
    )


@login_required
def pairing_list(request: HttpRequest) -> HttpResponse:
    _require(request, READ_ROLES)
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
        },
    )


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    _require(request, READ_ROLES)
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
    _require(request, READ_ROLES)
    partner = selectors.partner_get(user=request.user, pk=pk)
    return render(
        request,
        "assistance/partner_detail.html",
        {
            "partner": partner,
            "pairings": selectors.pairing_list(user=request.user, partner=partner)[:200],
            "projects": selectors.project_list(user=request.user, partner=partner)[:200],
        },
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    _require(request, READ_ROLES)
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
    _require(request, READ_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    may_write = has_role(request.user, WRITE_ROLES)
    return render(
        request,
        "assistance/project_detail.html",
        {
            "project": project,
            "flows": selectors.project_flows(project),
            "outputs": project.outputs.all(),
            "progress": _progress(project.state),
            "may_write": may_write,
            "advance_form": AdvanceForm(initial={"on": None}) if may_write else None,
            "is_last_state": project.state == ProjectState.ACCEPTED,
        },
    )


@login_required
def fund_flow_new(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, WRITE_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    form = FundFlowForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_flow_record(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            form.add_error("amount" if "amount" in error.errors else None, error.message)
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The fund flow was recorded."))
            return redirect("assistance:project", pk=project.pk)
    return render(request, "assistance/fund_flow_form.html", {"project": project, "form": form})


@login_required
def project_advance(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, WRITE_ROLES)
    project = selectors.project_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("assistance:project", pk=project.pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the project reached its next state."))
        return redirect("assistance:project", pk=project.pk)
    try:
        services.project_advance(actor=request.user, project=project, on=form.cleaned_data["on"])
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The project moved to its next state."))
    return redirect("assistance:project", pk=project.pk)


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    _require(request, READ_ROLES)
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
            "may_write": has_role(request.user, WRITE_ROLES),
        },
    )


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    _require(request, WRITE_ROLES)
    form = TrainingForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The training was recorded."))
            return redirect("assistance:trainings")
    return render(request, "assistance/training_form.html", {"form": form})
