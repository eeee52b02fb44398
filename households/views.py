"""Register pages: list, detail (members, income, measures, history) and the entry forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.display import events_with_rows
from households import selectors, services
from households.forms import (
    ChangeHeadForm,
    HeadForm,
    HouseholdForm,
    HouseholdRegisterForm,
    HouseholdSearchForm,
    IncomeForm,
    MeasureForm,
    MemberForm,
    RemoveForm,
    StatusForm,
)
from households.models import Household, annotate_page
from households.standards import LAST_EXIT_YEAR
from regions.masking import Personal, displayed
from regions.roles import CAPTURE_ROLES, STATUS_ROLES, has_role, require_page_role
from tongren_fupin.forms import error_text, posted, status_of, submit
from tongren_fupin.pagination import BoundedPaginator

PAGE_SIZE = 25


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdSearchForm(request.GET or None)
    form.is_valid()  # a refused filter is named on the page; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    filters = selectors.HouseholdFilters(
        search=data.get("q", ""),
        region=data.get("region", ""),
        status=data.get("status", ""),
        poverty_attribute=data.get("poverty_attribute", ""),
        cause=data.get("cause", ""),
    )
    households = selectors.household_list(user=request.user, filters=filters)
    page = BoundedPaginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = annotate_page(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/household_list.html",
        {
            "form": form,
            "error": error_text(form) if form.is_bound else "",
            "page": page,
            "query": query.urlencode(),
            "can_register": has_role(request.user, CAPTURE_ROLES),
            "search_limited": bool(filters.search)
            and selectors.search_reached_limit(page.paginator.count),
            "search_limit": selectors.SEARCH_LIMIT,
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    members = list(selectors.household_members(household))
    for member in members:
        member.shown_id = displayed(request.user, Personal.ID_NUMBER, member.id_number)  # type: ignore[attr-defined]
        shown_health = displayed(request.user, Personal.HEALTH, member.health)
        member.shown_health = (  # type: ignore[attr-defined]
            member.get_health_display() if shown_health else _("health hidden")
        )
    household.shown_cadre_phone = displayed(request.user, Personal.PHONE, household.cadre_phone)  # type: ignore[attr-defined]
    selectors.log_full_display(
        user=request.user,
        household=household,
        members=members,
        shown=(*selectors.MEMBER_SHOWN, Personal.PHONE),
        channel="page",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    history = events_with_rows(selectors.household_history(household)[:50], request.user)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": members,
            # Lists, read once: the timeline below takes them too.
            "incomes": list(selectors.household_incomes(household)),
            "measures": list(household.measures.all()),
            "applications": list(household.exit_applications.order_by("-created")),
            "monitoring_cases": list(household.monitoring_cases.order_by("-opened", "-id")),
            "history": history,
            "can_capture": has_role(request.user, CAPTURE_ROLES, household.region_id),
            "can_change_status": has_role(request.user, STATUS_ROLES),
            "after_exits": household.identification_year > LAST_EXIT_YEAR,
        },
    )


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    household: Household | None,
    save: Callable[[], Any],
    success: str,
    extra_forms: tuple[Any, ...] = (),
) -> HttpResponse:
    """Shared POST handling: valid forms → the service → redirect; errors stay on the form."""
    if form.is_bound and form.is_valid() and all(f.is_valid() for f in extra_forms):
        done = submit(form, lambda: save() or True, extra=extra_forms)
        if done is not None:
            messages.success(request, success)
            return redirect(
                reverse("households:detail", args=[household.pk])
                if household
                else reverse("households:list")
            )
    return render(
        request,
        "households/form.html",
        {
            "title": title,
            "form": form,
            "extra_forms": extra_forms,
            "household": household,
        },
        status=status_of(form),
    )


def _household_for_capture(request: HttpRequest, pk: int) -> Household:
    household = selectors.household_get(user=request.user, pk=pk)
    require_page_role(request.user, CAPTURE_ROLES, household.region_id)
    return household


@login_required
def household_register(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, CAPTURE_ROLES)
    data = posted(request)
    form = HouseholdRegisterForm(data, user=request.user)
    head = HeadForm(data)
    created: dict[str, Household] = {}

    def save() -> None:
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        created["household"] = services.household_register(
            actor=request.user, data=fields, head=head.cleaned_data
        )

    response = _form_page(
        request,
        title=_("Register a household"),
        form=form,
        household=None,
        save=save,
        success=_("The household was registered."),
        extra_forms=(head,),
    )
    if "household" in created:
        return redirect("households:detail", pk=created["household"].pk)
    return response


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    form = HouseholdForm(posted(request), instance=household, user=request.user)

    def save() -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.household_update(
            actor=request.user,
            household=household,
            expected_version=form.cleaned_data.get("version"),
            data=data,
        )

    return _form_page(
        request,
        title=_("Edit household %(no)s") % {"no": household.household_no},
        form=form,
        household=household,
        save=save,
        success=_("The household was saved."),
    )


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    form = MemberForm(posted(request), initial={"version": household.version})

    def save() -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.member_add(
            actor=request.user,
            household=household,
            expected_version=form.cleaned_data["version"],
            data=data,
        )

    return _form_page(
        request,
        title=_("Add a member"),
        form=form,
        household=household,
        save=save,
        success=_("The member was added."),
    )


@login_required
def member_edit(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    member = selectors.member_get(user=request.user, household=household, pk=member_id)
    form = MemberForm(
        posted(request),
        instance=member,
        initial={"version": household.version},
    )

    def save() -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.member_update(
            actor=request.user,
            member=member,
            expected_version=form.cleaned_data["version"],
            data=data,
        )

    return _form_page(
        request,
        title=_("Edit member %(name)s") % {"name": member.name},
        form=form,
        household=household,
        save=save,
        success=_("The member was saved."),
    )


@login_required
def member_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    member = selectors.member_get(user=request.user, household=household, pk=member_id)
    form = RemoveForm(posted(request))
    if form.is_bound and form.is_valid():
        done = submit(
            form,
            lambda: (
                services.member_remove(
                    actor=request.user, member=member, expected_version=form.cleaned_data["version"]
                )
                or True
            ),
        )
        if done is not None:
            messages.success(request, _("The member was removed."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/member_remove.html",
        {
            "household": household,
            "member": member,
            "error": error_text(form) if form.is_bound else "",
        },
        status=status_of(form),
    )


@login_required
def income_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    year = _int(request.GET.get("year"))
    existing = household.incomes.filter(year=year).first() if year else None
    form = IncomeForm(
        posted(request),
        instance=existing,
        initial={"version": household.version},
    )

    def save() -> None:
        data = dict(form.cleaned_data)
        services.income_record(
            actor=request.user,
            household=household,
            expected_version=data.pop("version"),
            year=data.pop("year"),
            member_count=data.pop("member_count", None),
            inputs=data,
        )

    return _form_page(
        request,
        title=_("Record income"),
        form=form,
        household=household,
        save=save,
        success=_("The income was recorded."),
    )


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    form = MeasureForm(posted(request))
    return _form_page(
        request,
        title=_("Add an assistance measure"),
        form=form,
        household=household,
        save=lambda: services.measure_add(
            actor=request.user, household=household, data=form.cleaned_data
        ),
        success=_("The measure was added."),
    )


@login_required
def household_status(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    require_page_role(request.user, STATUS_ROLES)
    form = StatusForm(posted(request), initial={"version": household.version})

    def save() -> None:
        data = form.cleaned_data
        services.household_change_status(
            actor=request.user,
            household=household,
            expected_version=data["version"],
            status=data["status"],
            year=data.get("year"),
            reason=data["reason"],
        )

    return _form_page(
        request,
        title=_("Change status"),
        form=form,
        household=household,
        save=save,
        success=_("The status was changed."),
    )


@login_required
def household_change_head(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_capture(request, pk)
    form = ChangeHeadForm(
        posted(request),
        household=household,
        initial={"version": household.version},
    )

    def save() -> None:
        data = form.cleaned_data
        services.household_change_head(
            actor=request.user,
            household=household,
            expected_version=data["version"],
            new_head=data["new_head"],
            old_head_relation=data["old_head_relation"],
        )

    return _form_page(
        request,
        title=_("Change the head"),
        form=form,
        household=household,
        save=save,
        success=_("The head was changed."),
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
