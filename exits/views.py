"""Exit pages: propose, the review queue, and an application with its evidence and actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exits import selectors, services, suspect_runs, suspects
from exits.assessment import assess_exit
from exits.models import ExitApplication, ExitState
from households.models import annotate_page
from households.selectors import household_get, latest_national_line_year
from inspections.selectors import (
    latest_consistency_check,
    latest_five_looks,
    problem_list,
    visit_photos,
)
from publicity import views as publicity_pages
from publicity.forms import OBJECTION_ACTIONS, OwnerActionForm
from regions.roles import (
    EXIT_APPROVE_ROLES,
    EXIT_OBJECTION_ROLES,
    SUPERVISION_PAGE_ROLES,
    has_role,
    require_page_role,
    role_of,
)
from regions.scoping import jurisdiction_prefix
from regions.selectors import region_get
from tongren_fupin.bounds import APPRAISAL_ATTENDEES_MAX
from tongren_fupin.db_router import lagging_view
from tongren_fupin.forms import act, error_text, posted, status_of, submit


def _awaiting(role: str | None) -> list[str]:
    """The states in which an application waits for ``role``: those its steps move on from, and
    the publicity while it takes objections; every state for a role with no step."""
    states = [
        before for step, before in services.PREVIOUS.items() if role in services.STEP_ROLES[step]
    ]
    if role in EXIT_OBJECTION_ROLES and ExitState.PUBLICIZED not in states:
        states.append(ExitState.PUBLICIZED)
    return states or list(ExitState.values)


class ProposeForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("exit year"), min_value=2014, max_value=2100)
    proposed_on = forms.DateField(
        label=gettext_lazy("date of the democratic appraisal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("attendees"), min_value=0, max_value=APPRAISAL_ATTENDEES_MAX
    )
    agreeing = forms.IntegerField(
        label=gettext_lazy("attendees agreeing"), min_value=0, max_value=APPRAISAL_ATTENDEES_MAX
    )
    appraisal_result = forms.CharField(label=gettext_lazy("appraisal result"), max_length=200)


class AssessForm(forms.Form):
    year = forms.IntegerField(min_value=2014, max_value=2100, required=False)
    proposed_on = forms.DateField(required=False)


@login_required
def exit_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal (民主评议), with the live assessment shown before it is saved: a household
    with a criterion not passed cannot be proposed."""
    household = household_get(user=request.user, pk=pk)
    today = timezone.localdate()
    year = min(today.year, services.LAST_EXIT_YEAR)
    # ?year=&proposed_on= shows the assessment for the appraisal's year and date before the
    # form is filled (a malformed value is ignored here and refused by the form).
    chosen_first = AssessForm(request.GET)
    if chosen_first.is_valid():
        year = chosen_first.cleaned_data["year"] or year
        today = chosen_first.cleaned_data["proposed_on"] or today
    form = ProposeForm(posted(request), initial={"year": year, "proposed_on": today})
    if form.is_bound and form.is_valid():
        application = submit(
            form,
            lambda: services.exit_propose(
                actor=request.user, household=household, **form.cleaned_data
            ),
        )
        if application is not None:
            messages.success(request, _("The exit was proposed."))
            return redirect("exits:detail", pk=application.pk)
    chosen = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    year = chosen.get("year") or year
    on = chosen.get("proposed_on") or today
    criteria = assess_exit(household, year, on=on) if year <= services.LAST_EXIT_YEAR else []
    return render(
        request,
        "exits/propose.html",
        {
            "form": form,
            "household": household,
            "criteria": criteria,
            "year": year,
            "on": on,
            "eligible": bool(criteria) and all(c.passed for c in criteria),
            "after_last_year": year > services.LAST_EXIT_YEAR,
        },
        status=status_of(form),
    )


@login_required
def exit_queue(request: HttpRequest) -> HttpResponse:
    """Applications awaiting the user's step (or, with ?state=, any state)."""
    state = request.GET.get("state", "")
    applications = selectors.exit_application_list(user=request.user)
    if state in ExitState.values:
        applications = applications.filter(state=state)
    else:
        state = ""
        applications = applications.filter(state__in=_awaiting(role_of(request.user)))
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    annotate_page([application.household for application in page.object_list])
    return render(
        request,
        "exits/queue.html",
        {"page": page, "state": state, "states": ExitState.choices, "query": f"state={state}"},
    )


class ExitActionForm(OwnerActionForm):
    """The buttons of an application's page."""

    ACTIONS = (
        "verify",
        "agree",
        "publicize",
        *OBJECTION_ACTIONS,
        "review",
        "approve",
        "send_back",
        "reject",
    )
    confirm = forms.BooleanField(label=gettext_lazy("confirmation"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "reject" and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm the rejection."))
        if data.get("action") == "approve" and not data.get("confirm"):
            self.add_error("confirm", _("Approve on the confirmation page, after the criteria."))
        return data


@login_required
def exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.exit_application_get(user=request.user, pk=pk)
    household = household_get(user=request.user, pk=application.household_id)
    status = 200
    if request.method == "POST":
        form = ExitActionForm(posted(request))
        if act(request, form, lambda: _act(request.user, application, form)):
            messages.success(request, _("The application was updated."))
            return redirect("exits:detail", pk=application.pk)
        status = status_of(form)
        application = selectors.exit_application_get(user=request.user, pk=pk)
    rows = _criteria_rows(application, household)
    looks, check = latest_five_looks(household), latest_consistency_check(household)
    return render(
        request,
        "exits/detail.html",
        {
            "application": application,
            "household": household,
            "rows": rows,
            "steps": application.steps.select_related("actor"),
            "objections": application.objections.all(),
            "looks": looks,
            "check": check,
            "evidence_photos": _evidence_photos(request.user, looks, check),
            "problems": problem_list(user=request.user, household=household).exclude(
                state="verified"
            ),
            "publicity_ends": services.publicity_ends(application),
            "next_step": services.next_step(application),
            "all_pass": all(row["live"].passed for row in rows),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _evidence_photos(user: Any, looks: Any, check: Any) -> list[Any]:
    """The photos of the visits whose five looks and 五个一致 the review relies on."""
    visit_ids = sorted({row.visit_id for row in (looks, check) if row is not None})
    return list(visit_photos(user=user, visit_ids=visit_ids)) if visit_ids else []


def _criteria_rows(application: ExitApplication, household: Any) -> list[dict[str, Any]]:
    """Each criterion now (the live assessment) beside the snapshot at the proposal."""
    live = assess_exit(household, application.year)
    before = {c["code"]: c for c in application.snapshot}
    return [
        {
            "live": c,
            "before": before.get(c.code),
            "changed": before.get(c.code, {}).get("passed") != c.passed,
        }
        for c in live
    ]


class ApproveForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("date of the county approval"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the criteria above: the household exits from poverty."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the approval.")},
    )


@login_required
def exit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """县级审定 through a confirmation page: the live criteria beside the snapshot, then the
    approval (it changes the household's status)."""
    application = selectors.exit_application_get(user=request.user, pk=pk)
    household = household_get(user=request.user, pk=application.household_id)
    require_page_role(request.user, EXIT_APPROVE_ROLES)
    if application.state != ExitState.TOWNSHIP_REVIEWED:
        messages.error(request, _("Only an application reviewed by the township is approved."))
        return redirect("exits:detail", pk=application.pk)
    form = ApproveForm(posted(request), initial={"on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        done = submit(
            form,
            lambda: services.exit_approve(
                actor=request.user, application=application, on=form.cleaned_data["on"]
            ),
        )
        if done is not None:
            messages.success(request, _("The exit was approved: the household has exited."))
            return redirect("exits:detail", pk=application.pk)
    rows = _criteria_rows(application, household)
    looks, check = latest_five_looks(household), latest_consistency_check(household)
    return render(
        request,
        "exits/approve.html",
        {
            "application": application,
            "household": household,
            "rows": rows,
            "looks": looks,
            "evidence_photos": _evidence_photos(request.user, looks, check),
            "all_pass": all(row["live"].passed for row in rows),
            "form": form,
        },
        status=status_of(form),
    )


def _act(actor: Any, application: ExitApplication, form: ExitActionForm) -> None:
    """The service of the button pressed (the form is valid)."""
    data = form.cleaned_data
    action, on = data["action"], form.day()
    if action == "verify":
        services.exit_verify(actor=actor, application=application, on=on)
    elif action == "agree":
        services.exit_household_agree(actor=actor, application=application, on=on)
    elif action == "publicize":
        services.exit_publicize(
            actor=actor, application=application, start=form.day("start"), days=data["days"] or 7
        )
    elif action in publicity_pages.PAGE_ACTIONS:
        publicity_pages.objection_page_post(
            form=form, actor=actor, owner=application, rules=services.EXIT_PUBLICITY
        )
    elif action == "review":
        services.exit_township_review(actor=actor, application=application, on=on)
    elif action == "approve":  # confirmed by the form
        services.exit_approve(actor=actor, application=application, on=on)
    elif action == "send_back":
        services.exit_send_back(actor=actor, application=application, reason=data["reason"], on=on)
    else:  # reject, confirmed by the form
        services.exit_reject(actor=actor, application=application, reason=data["reason"], on=on)


SUSPECTS_PER_PAGE = 50


def default_check_year() -> int:
    """Last year, or the latest year with a national poverty line if last year has none yet.

    Without a line every household would be a suspect ("no poverty line for the year").
    """
    last_year = timezone.localdate().year - 1
    latest = latest_national_line_year(up_to=last_year)
    return latest if latest is not None else last_year


class RecomputeForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2014, max_value=2100)
    region = forms.CharField(label=gettext_lazy("region"), required=False, max_length=12)


def _year(value: str) -> int:
    year = int(value) if value.isdigit() else default_check_year()
    return min(max(year, 2014), 2100)


@lagging_view
@login_required
def misclassification(request: HttpRequest) -> HttpResponse:
    """The stored suspects (decision 0027): counts, one keyset page with its evidence, when the
    list was computed and a button to compute it again (a job through the outbox)."""
    if request.method == "POST":
        return _recompute(request)
    year = _year(request.GET.get("year", ""))
    # ?region=<code>: a part of the jurisdiction (a county from its readiness page); 404 outside.
    code = request.GET.get("region", "")
    region = region_get(user=request.user, code=code) if code else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.SUSPECT_KINDS else ""
    listed = selectors.misclassification_list(
        user=request.user,
        on=suspects.year_end(year),
        within=region.prefix if region is not None else "",
        kind=kind,
        cursor=request.GET.get("after", ""),
        size=SUSPECTS_PER_PAGE,
    )
    where = {"year": year, **({"region": region.code} if region else {})}
    return render(
        request,
        "exits/misclassification.html",
        {
            "listed": listed,
            "year": year,
            "kind": kind,
            "region": region,
            "query": urlencode({**where, **({"kind": kind} if kind else {})}),
            "first_page": not request.GET.get("after"),
            "can_recompute": has_role(request.user, SUPERVISION_PAGE_ROLES),
        },
    )


def _recompute(request: HttpRequest) -> HttpResponse:
    """Ask for the list of a year (and part) to be computed again; back to the list."""
    form = RecomputeForm(posted(request))
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(request.path)
    code = form.cleaned_data["region"]
    region = region_get(user=request.user, code=code) if code else None
    prefix = region.prefix if region is not None else jurisdiction_prefix(request.user) or ""
    on = suspects.year_end(form.cleaned_data["year"])
    if act(
        request,
        form,
        lambda: suspect_runs.suspect_run_request(actor=request.user, on=on, prefix=prefix),
    ):
        messages.success(request, _("The list is being computed again."))
    query = {"year": form.cleaned_data["year"], **({"region": code} if code else {})}
    return redirect(f"{request.path}?{urlencode(query)}")
