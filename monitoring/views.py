"""Monitoring pages: the case list, a case with its actions, the village notice, report a case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households import selectors
from households.models import annotate_page
from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring
from monitoring.models import (
    MonitoringCase,
    MonitoringCategory,
    MonitoringStatus,
)
from publicity import views as publicity_pages
from publicity.forms import OBJECTION_ACTIONS, OwnerActionForm
from publicity.notices import notice_response
from regions.roles import CAPTURE_ROLES, PAGE_ROLES, require_page_role
from tongren_fupin.forms import act, posted, status_of, submit
from tongren_fupin.pagination import BoundedPaginator

PAGE_SIZE = 25


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        choices=[("", gettext_lazy("Open cases")), *MonitoringStatus.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("category"),
        choices=[("", gettext_lazy("All categories")), *MonitoringCategory.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=gettext_lazy("Identification overdue"), required=False)


@login_required
def monitoring_case_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    cases = monitoring_selectors.monitoring_case_list(
        user=request.user,
        filters=monitoring_selectors.CaseFilters(
            status=data.get("status", ""),
            category=data.get("category", ""),
            overdue_on=today if data.get("overdue") else None,
        ),
    )
    if not data.get("status"):
        cases = cases.open()  # type: ignore[attr-defined]
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    annotate_page([case.household for case in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": today},
    )


class CaseActionForm(OwnerActionForm):
    """The buttons of a monitoring case's page."""

    ACTIONS = ("advance", "dismiss", "publicize", *OBJECTION_ACTIONS, "clear")
    measures = forms.CharField(
        label=gettext_lazy("assistance measures"), required=False, max_length=2000
    )


@login_required
def monitoring_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    case = monitoring_selectors.monitoring_case_get(user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = CaseActionForm(posted(request))
        if act(request, form, lambda: _act(request.user, case, form)):
            messages.success(request, _("The monitoring case was updated."))
            return redirect("monitoring:detail", pk=case.pk)
        status = status_of(form)
        case = monitoring_selectors.monitoring_case_get(user=request.user, pk=pk)
    household = selectors.household_get(user=request.user, pk=case.household_id)
    return render(
        request,
        "monitoring/detail.html",
        {
            "case": case,
            "household": household,
            "steps": case.steps.select_related("actor"),
            "objections": case.objections.all(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def monitoring_case_notice(request: HttpRequest, pk: int, as_pdf: bool = False) -> HttpResponse:
    """The village notice of a risk clearance, to print and post: a page, or its PDF."""
    require_page_role(request.user, PAGE_ROLES)
    case = monitoring_selectors.monitoring_case_get(user=request.user, pk=pk)
    notice = monitoring_selectors.publicity_notice(case)
    if notice is None:
        messages.error(request, _("The risk clearance has not been publicized."))
        return redirect("monitoring:detail", pk=case.pk)
    context = {
        "notice": notice,
        "back_url": reverse("monitoring:detail", args=[case.pk]),
        "back_label": _("Back to the case"),
        "pdf_url": reverse("monitoring:notice_pdf", args=[case.pk]),
    }
    filename = f"risk-clearance-notice-{notice.household.household_no}.pdf"
    return notice_response(
        request, "monitoring/notice.html", context, as_pdf=as_pdf, filename=filename
    )


class OpenCaseForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=MonitoringCategory.choices)
    opened = forms.DateField(
        label=gettext_lazy("opened on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evidence = forms.CharField(label=gettext_lazy("risk"), max_length=255)


@login_required
def monitoring_case_open(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    require_page_role(request.user, CAPTURE_ROLES)
    form = OpenCaseForm(posted(request), initial={"opened": timezone.localdate()})
    if form.is_bound and form.is_valid():
        case = submit(
            form,
            lambda: monitoring.monitoring_case_open(
                actor=request.user, household=household, **form.cleaned_data
            ),
        )
        if case is not None:
            messages.success(request, _("The monitoring case was opened."))
            return redirect("monitoring:detail", pk=case.pk)
    return render(
        request,
        "households/form.html",
        {"title": _("Report a monitoring case"), "form": form, "household": household},
        status=status_of(form),
    )


def _act(actor: Any, case: MonitoringCase, form: CaseActionForm) -> None:
    """The service of the button pressed (the form is valid)."""
    data = form.cleaned_data
    action, on = data["action"], form.day()
    if action == "advance":
        monitoring.monitoring_case_advance(actor=actor, case=case, on=on, measures=data["measures"])
    elif action == "dismiss":
        monitoring.monitoring_case_dismiss(actor=actor, case=case, on=on, reason=data["reason"])
    elif action == "publicize":
        monitoring.monitoring_case_publicize(
            actor=actor, case=case, start=form.day("start"), days=data["days"] or 7
        )
    elif action in publicity_pages.PAGE_ACTIONS:
        publicity_pages.objection_page_post(
            form=form, actor=actor, owner=case, rules=monitoring.MONITORING_PUBLICITY
        )
    else:  # clear
        monitoring.monitoring_case_clear(actor=actor, case=case, on=on)
