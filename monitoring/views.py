"""Monitoring pages: the case list, a case with its actions, the village notice, report a case."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from publicity.notices import notice_response
from regions.roles import CAPTURE_ROLES, PAGE_ROLES, require_page_role
from tongren_fupin.errors import DomainError
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


@login_required
def monitoring_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, PAGE_ROLES)
    case = monitoring_selectors.monitoring_case_get(user=request.user, pk=pk)
    if request.method == "POST":
        _act(request, case)
        return redirect("monitoring:detail", pk=case.pk)
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
    form = OpenCaseForm(request.POST or None, initial={"opened": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = monitoring.monitoring_case_open(
                actor=request.user, household=household, **form.cleaned_data
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The monitoring case was opened."))
            return redirect("monitoring:detail", pk=case.pk)
    return render(
        request,
        "households/form.html",
        {"title": _("Report a monitoring case"), "form": form, "household": household},
    )


def _date(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


def _act(request: HttpRequest, case: MonitoringCase) -> None:
    post, actor = request.POST, request.user
    on = _date(post.get("on"))
    action = post.get("action", "")
    try:
        if action == "advance":
            monitoring.monitoring_case_advance(
                actor=actor, case=case, on=on, measures=post.get("measures", "")
            )
        elif action == "dismiss":
            monitoring.monitoring_case_dismiss(
                actor=actor, case=case, on=on, reason=post.get("reason", "")
            )
        elif action == "publicize":
            monitoring.monitoring_case_publicize(
                actor=actor,
                case=case,
                start=_date(post.get("start")),
                days=int(post.get("days") or 7),
            )
        elif action in publicity_pages.PAGE_ACTIONS:
            publicity_pages.objection_page_post(
                post=post, actor=actor, owner=case, on=on, rules=monitoring.MONITORING_PUBLICITY
            )
        elif action == "clear":
            monitoring.monitoring_case_clear(actor=actor, case=case, on=on)
        else:
            raise ValidationError(_("Unknown action."))
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    except (ValidationError, ValueError) as error:
        text: Any = getattr(error, "messages", [str(error)])
        messages.error(request, " ".join(str(t) for t in text))
    else:
        messages.success(request, _("The monitoring case was updated."))
