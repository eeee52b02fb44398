"""Pages: the visit form, problems with their rectification, misclassification suspects."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import annotate_page
from households.selectors import household_get
from inspections import selectors, services
from inspections.forms import (
    ConsistencyForm,
    FiveLooksForm,
    MotivationForm,
    ProblemActionForm,
    SurveyForm,
    VisitForm,
)
from inspections.look_back_models import PERIOD_PATTERN, LookBackStatus
from inspections.models import ProblemState, VisitKind
from regions.roles import LOOK_BACK_ROLES, VISIT_ROLES, has_role, require_page_role
from tongren_fupin.forms import act, posted, status_of, submit
from tongren_fupin.pagination import BoundedPaginator


@login_required
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(user=request.user, pk=pk)
    require_page_role(request.user, VISIT_ROLES)
    data = posted(request)
    kind = request.GET.get("kind", "")
    form = VisitForm(data, initial={"kind": kind} if kind in VisitKind.values else {})
    sections = {
        "looks": FiveLooksForm(data),
        "check": ConsistencyForm(data, system=services.register_values(household)),
        "survey": SurveyForm(data),
        "motivation": MotivationForm(data),
    }
    if data is not None and form.is_valid() and all(s.is_valid() for s in sections.values()):
        visit = submit(
            form,
            lambda: services.visit_record(
                actor=request.user,
                household=household,
                data={k: v for k, v in form.cleaned_data.items() if k != "client_token"},
                five_looks=sections["looks"].values(),
                consistency=sections["check"].values(),
                survey=sections["survey"].values(),
                motivation=sections["motivation"].values(),
                client_token=form.cleaned_data["client_token"],
            ),
        )
        if visit is not None:
            opened = visit.problems.count()
            messages.success(
                request,
                _("The visit was recorded.")
                + (
                    " " + _("%(count)s problem(s) opened for mismatches.") % {"count": opened}
                    if opened
                    else ""
                ),
            )
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "inspections/visit_form.html",
        {"household": household, "form": form, **sections},
        status=status_of(form),
    )


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    return _problem_list_page(request)


def _problem_list_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in ProblemState.values else ""
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    problems = selectors.problem_list(
        user=request.user,
        state=state,
        overdue_on=timezone.localdate() if overdue else None,
        mine=mine,
    )
    page = Paginator(problems, 25).get_page(request.GET.get("page"))
    annotate_page([problem.household for problem in page.object_list])
    return render(
        request,
        "inspections/problem_list.html",
        {
            "page": page,
            "state": state,
            "overdue": overdue,
            "mine": mine,
            "states": ProblemState.choices,
            "today": timezone.localdate(),
            "query": f"state={state}&overdue={'1' if overdue else ''}&mine={'1' if mine else ''}",
        },
        status=status,
    )


PROBLEM_MOVES: dict[str, Any] = {
    "start": services.problem_start,
    "verify": services.problem_verify,
    "reopen": services.problem_reopen,
}


@login_required
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A button of the problem list; a refusal shows the list again with its message and
    status (409 when someone else moved the problem first or the same person would close it)."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("inspections:problems")
    if action != "rectify" and action not in PROBLEM_MOVES:
        raise PermissionDenied
    form = ProblemActionForm(posted(request))

    def move() -> object:
        if action == "rectify":
            return services.problem_rectify(
                actor=request.user, problem=problem, evidence=form.cleaned_data["evidence"]
            )
        return PROBLEM_MOVES[action](actor=request.user, problem=problem)

    if not act(request, form, move):
        return _problem_list_page(request, status=status_of(form))
    messages.success(request, _("The problem was updated."))
    return redirect("inspections:problems")


@login_required
def look_back_list(request: HttpRequest) -> HttpResponse:
    """回头看 tasks of the jurisdiction: open ones first, by due date (a phone page)."""
    require_page_role(request.user, LOOK_BACK_ROLES)
    status = request.GET.get("status", LookBackStatus.OPEN)
    status = status if status in LookBackStatus.values else ""
    period = request.GET.get("period", "")
    period = period if re.fullmatch(PERIOD_PATTERN, period) else ""
    tasks = selectors.look_back_task_list(user=request.user, status=status, period=period)
    page = BoundedPaginator(tasks, 25).get_page(request.GET.get("page"))
    annotate_page([task.household for task in page.object_list])
    return render(
        request,
        "inspections/look_back_list.html",
        {
            "page": page,
            "status": status,
            "period": period,
            "statuses": LookBackStatus.choices,
            "today": timezone.localdate(),
            "query": f"status={status}&period={period}",
            # The city supervisor reads the list; only the visiting roles get the button.
            "can_visit": has_role(request.user, VISIT_ROLES),
        },
    )
