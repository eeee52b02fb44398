"""Scoped reads of the exit procedure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from exits import suspects
from exits.misclassification import Suspect, misclassification_suspects
from exits.models import ExitApplication, ExitedPeople, ExitState, SuspectRun, SuspectRunState
from exits.models import Suspect as StoredSuspect
from households.choices import Status
from households.models import Member
from publicity.notices import (
    PublicNotice,
    notice_household,
    objection_ways,
    village_committee,
    village_objection_place,
)
from regions.scoping import jurisdiction_prefix, scope_by_region, within_prefix

__all__ = [
    "ExitNotice",
    "announcement_notice",
    "exit_application_get",
    "exit_application_list",
    "misclassification_list",
    "misclassification_summary",
    "misclassification_suspects",
    "publicity_notice",
]


SUSPECT_KINDS = ("wrong_exit", "missing_evidence", "wrongly_registered", "missed")


@dataclass(frozen=True)
class SuspectCount:
    kind: str
    households: int
    people: int
    rate: Decimal | None  # people / exited people (%), for 错退 and 缺少佐证 — the indicator's


def misclassification_summary(
    *, user: Any, year: int, suspects: list[Any], within: str = ""
) -> tuple[list[SuspectCount], int]:
    """Households and people of each kind of suspect, and for 错退 and 缺少佐证 their share of
    the exited people of the jurisdiction (exited by ``year``; of its part whose region codes
    start with ``within``), as 错退率 counts it; with the number of exited people. Two
    queries."""
    exited = within_prefix(
        scope_by_region(
            Member.objects.filter(
                household__status__in=[Status.EXITED, Status.EXITED_NO_POLICY],
                household__exit_year__lte=year,
            ),
            user,
            field="household__region",
        ),
        within,
        field="household__region",
    ).count()
    sizes = dict(
        Member.objects.filter(household_id__in=[s.household.pk for s in suspects])
        .order_by()
        .values_list("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    counts = []
    for kind in SUSPECT_KINDS:
        mine = [s for s in suspects if s.kind == kind]
        people = sum(sizes.get(s.household.pk, 0) for s in mine)
        rate = None
        if kind in ("wrong_exit", "missing_evidence") and exited:
            rate = (Decimal(people) * 100 / exited).quantize(Decimal("0.01"), ROUND_HALF_UP)
        counts.append(SuspectCount(kind, len(mine), people, rate))
    return counts, exited


def exit_application_list(*, user: Any, state: str = "") -> QuerySet[Any]:
    applications = scope_by_region(ExitApplication.objects.all(), user, field="household__region")
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("household", "household__region", "created_by").order_by(
        "-created"
    )


def exit_application_get(*, user: Any, pk: Any) -> Any:
    try:
        return exit_application_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ExitApplication.DoesNotExist):
        raise Http404 from None


@dataclass(frozen=True)
class ExitNotice(PublicNotice):
    exit_year: int


def publicity_notice(application: ExitApplication) -> ExitNotice | None:
    """The village publicity (村内公示) of an application, issued by the village committee:
    from the start of its publicity on (an upheld objection ends it), never for a rejected one."""
    if application.publicity_start is None or application.state == ExitState.REJECTED:
        return None
    household = application.household
    village = household.region
    facts = notice_household(household)
    return ExitNotice(
        title=_("%(place)s: publicity of the households proposed to exit poverty in %(year)s")
        % {"place": f"{facts.township}{facts.village}", "year": application.year},
        issuing_unit=village_committee(village),
        issued_on=application.publicity_start,
        household=facts,
        period_start=application.publicity_start,
        period_days=application.publicity_days,
        objection_place=village_objection_place(village),
        objection_ways=objection_ways(),
        exit_year=application.year,
    )


def announcement_notice(application: ExitApplication) -> ExitNotice | None:
    """The announcement (公告退出) of an approved exit, issued by the county on the day of its
    approval; its period is the village publicity it followed."""
    if application.state != ExitState.APPROVED or application.publicity_start is None:
        return None
    approved_on = (
        application.steps.filter(state=ExitState.APPROVED)
        .order_by("-created", "-id")
        .values_list("on", flat=True)
        .first()
    )
    facts = notice_household(application.household)
    return ExitNotice(
        title=_("%(county)s: announcement of the households that exited poverty in %(year)s")
        % {"county": facts.county, "year": application.year},
        issuing_unit=_("%(county)s poverty alleviation and development leading group")
        % {"county": facts.county},
        issued_on=approved_on or application.updated.date(),
        household=facts,
        period_start=application.publicity_start,
        period_days=application.publicity_days,
        objection_place=_("the office of the %(county)s poverty alleviation leading group")
        % {"county": facts.county},
        objection_ways=objection_ways(),
        exit_year=application.year,
    )


# -- the stored suspects (decision 0027) -------------------------------------------------------


@dataclass(frozen=True)
class SuspectList:
    """One page of the stored suspects of a jurisdiction (or part), with the counts."""

    on: datetime.date
    counts: list[SuspectCount]
    exited: int
    total: int  # suspects of the kind asked for (all kinds when none)
    page: list[Suspect]  # with their evidence, built for this page only
    next_cursor: str | None
    computed: SuspectRun | None  # the latest finished computation covering the part
    latest: SuspectRun | None  # the latest computation asked for, maybe still running


def misclassification_list(
    *,
    user: Any,
    on: datetime.date,
    within: str = "",
    kind: str = "",
    cursor: str = "",
    size: int = suspects.PAGE_SIZE,
) -> SuspectList:
    """The stored suspects as of ``on`` in the user's jurisdiction (its part ``within``), a
    keyset page after ``cursor``: a fixed number of queries whatever the number of suspects,
    the evidence text built for the page's households only."""
    rows = within_prefix(scope_by_region(StoredSuspect.objects.filter(as_of=on), user), within)
    grouped = suspects.counts(rows)
    exited = suspects.exited_people(
        within_prefix(scope_by_region(ExitedPeople.objects.filter(as_of=on), user), within)
    )
    counts = []
    for name in SUSPECT_KINDS:
        households, people = grouped.get(name, (0, 0))
        counts.append(SuspectCount(name, households, people, _rate(name, people, exited)))
    if kind:
        rows = rows.filter(kind=kind)
    page, next_cursor = suspects.suspects_page(rows, suspects.parse_cursor(cursor), size)
    computed, latest = _runs(user=user, on=on, within=within)
    return SuspectList(
        on=on,
        counts=counts,
        exited=exited,
        total=sum(c.households for c in counts if not kind or c.kind == kind),
        page=suspects.with_evidence(page, on=on),
        next_cursor=next_cursor,
        computed=computed,
        latest=latest,
    )


def _rate(kind: str, people: int, exited: int) -> Decimal | None:
    if kind not in ("wrong_exit", "missing_evidence") or not exited:
        return None
    return (Decimal(people) * 100 / exited).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _runs(
    *, user: Any, on: datetime.date, within: str
) -> tuple[SuspectRun | None, SuspectRun | None]:
    """The latest finished computation whose part covers what is shown (its time is how old
    the oldest row shown can be) and the latest one asked for it (one query)."""
    shown = within or jurisdiction_prefix(user) or ""
    covering = [shown[:length] for length in range(len(shown) + 1)]
    runs = list(
        SuspectRun.objects.filter(as_of=on, prefix__in=covering).order_by("-created", "-id")[:20]
    )
    computed = next((r for r in runs if r.state == SuspectRunState.DONE), None)
    return computed, (runs[0] if runs else None)
