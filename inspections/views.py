"""Pages: the visit form, problems with their rectification, misclassification suspects."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import annotate_page
from households.selectors import household_get, household_measures
from inspections import selectors, services
from inspections.forms import (
    ConsistencyForm,
    FiveLooksForm,
    MotivationForm,
    ProblemActionForm,
    ProblemReportForm,
    SurveyForm,
    VisitForm,
    measure_names,
)
from inspections.look_back_models import PERIOD_PATTERN, LookBackStatus
from inspections.models import CheckedField, FiveLooks, ProblemState, VisitKind
from regions.roles import (
    LOOK_BACK_ROLES,
    PAGE_ROLES,
    PROBLEM_RECTIFY_ROLES,
    VISIT_ROLES,
    has_role,
    require_page_role,
)
from tongren_fupin.forms import act, posted, posted_files, status_of, submit
from tongren_fupin.pagination import BoundedPaginator
from tongren_fupin.photos import photo_response


@login_required
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(user=request.user, pk=pk)
    require_page_role(request.user, VISIT_ROLES)
    data, files = posted(request), posted_files(request)
    kind = request.GET.get("kind", "")
    form = VisitForm(data, files, initial={"kind": kind} if kind in VisitKind.values else {})
    looks = FiveLooksForm(data, files)
    sections: dict[str, Any] = {
        "looks": looks,
        "check": ConsistencyForm(
            data,
            system=services.register_values(household),
            details={CheckedField.MEASURES: measure_names(household_measures(household))},
        ),
        "survey": SurveyForm(data),
        "motivation": MotivationForm(data),
    }
    if data is not None and form.is_valid() and all(s.is_valid() for s in sections.values()):
        visit = submit(
            form,
            lambda: services.visit_record(
                actor=request.user,
                household=household,
                data=form.visit_data(),
                five_looks=sections["looks"].values(),
                consistency=sections["check"].values(),
                survey=sections["survey"].values(),
                motivation=sections["motivation"].values(),
                client_token=form.cleaned_data["client_token"],
                photos=form.cleaned_data["photos"],
                look_photos=looks.photos(),
            ),
        )
        if visit is not None:
            messages.success(request, _("The visit was recorded."))
            return redirect("inspections:visit-detail", pk=visit.pk)
    return render(
        request,
        "inspections/visit_form.html",
        {
            "household": household,
            "form": form,
            **sections,
            "looks_rows": _look_rows(looks),
            "progress": _progress(sections),
        },
        status=status_of(form),
    )


def _look_rows(looks: FiveLooksForm) -> list[dict[str, Any]]:
    """Each look with its answer, note and photos, for the template."""
    return [
        {"answer": looks[name], "note": looks[f"{name}_note"], "photos": looks[f"{name}_photos"]}
        for name in FiveLooks.LOOKS
    ]


def _progress(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """The progress line of the long form: 五个看 3/5 · 五个一致 2/7 · …"""
    totals = {"looks": 5, "check": len(sections["check"].rows()), "survey": 4, "motivation": 6}
    names = {
        "looks": _("Five looks"),
        "check": _("Five sources agree"),
        "survey": _("Four goods survey"),
        "motivation": _("Six nots"),
    }
    return [
        {"key": key, "name": names[key], "done": sections[key].answered(), "total": total}
        for key, total in totals.items()
    ]


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit: its five looks with their photos, 五个一致, the position, the problems it
    opened (each a link) and a button to report another."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    require_page_role(request.user, PAGE_ROLES)
    annotate_page([visit.household])
    photos = list(visit.photos.all())
    looks = getattr(visit, "five_looks", None)
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "household": visit.household,
            "visit_photos": [p for p in photos if not p.look],
            "looks": [
                {
                    "label": getattr(FiveLooks._meta.get_field(name), "verbose_name", name),
                    "adequate": getattr(looks, name) if looks else None,
                    "note": getattr(looks, f"{name}_note") if looks else "",
                    "photos": [p for p in photos if p.look == name],
                }
                for name in FiveLooks.LOOKS
            ],
            "problems": list(visit.problems.all()),
            "may_report": has_role(request.user, PROBLEM_RECTIFY_ROLES),
        },
    )


@login_required
def problem_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem reported by hand on a household, or on one of its visits (``?visit=``)."""
    household = household_get(user=request.user, pk=pk)
    visit = None
    if request.GET.get("visit"):
        visit = selectors.visit_get(user=request.user, pk=request.GET["visit"])
        if visit.household_id != household.pk:
            raise Http404
    require_page_role(request.user, PROBLEM_RECTIFY_ROLES)
    form = ProblemReportForm(
        posted(request),
        posted_files(request),
        people=selectors.responsible_choices(household=household),
        actor=request.user,
    )
    if form.is_bound and form.is_valid():
        problem = submit(
            form,
            lambda: services.problem_open(
                actor=request.user,
                household=household,
                visit=visit,
                data=form.problem_data(from_visit=visit is not None),
                photos=form.cleaned_data["photos"],
            ),
        )
        if problem is not None:
            messages.success(request, _("The problem was reported."))
            return redirect("inspections:problem-detail", pk=problem.pk)
    return render(
        request,
        "inspections/problem_report.html",
        {"household": household, "visit": visit, "form": form},
        status=status_of(form),
    )


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    require_page_role(request.user, PAGE_ROLES)
    return _problem_detail_page(request, problem, ProblemActionForm())


def _problem_detail_page(
    request: HttpRequest, problem: Any, form: ProblemActionForm, status: int = 200
) -> HttpResponse:
    photos = list(selectors.problem_photos(user=request.user, problem=problem))
    annotate_page([problem.household])
    return render(
        request,
        "inspections/problem_detail.html",
        {
            "problem": problem,
            "form": form,
            "reported_photos": [p for p in photos if p.subject == "problem"],
            "rectification_photos": [p for p in photos if p.subject == "rectification"],
            "may_rectify": has_role(request.user, PROBLEM_RECTIFY_ROLES)
            and problem.state in {ProblemState.OPEN, ProblemState.RECTIFYING},
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def photo(request: HttpRequest, pk: int, size: str = "full") -> HttpResponseBase:
    """A photo's file, for a user whose jurisdiction holds its household (else 404)."""
    found = selectors.photo_get(user=request.user, pk=pk)
    require_page_role(request.user, PAGE_ROLES)
    return photo_response(found, thumbnail=size == "thumb")


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
    form = ProblemActionForm(posted(request), posted_files(request))

    def move() -> object:
        if action == "rectify":
            return services.problem_rectify(
                actor=request.user,
                problem=problem,
                evidence=form.cleaned_data["evidence"],
                photos=form.cleaned_data["photos"],
            )
        return PROBLEM_MOVES[action](actor=request.user, problem=problem)

    done = act(request, form, move)
    to_detail = form.is_valid() and form.cleaned_data.get("back") == "detail"
    if not done:
        if to_detail:
            return _problem_detail_page(request, problem, form, status=status_of(form))
        return _problem_list_page(request, status=status_of(form))
    messages.success(request, _("The problem was updated."))
    if to_detail:
        return redirect("inspections:problem-detail", pk=problem.pk)
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
