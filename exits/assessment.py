"""Exit assessment (贫困户退出标准): 一达标, 两不愁, 三保障 and 饮水安全, 五个一致, 七个补.

``assess_exit`` returns every criterion with its code, its outcome (passed, failed, missing)
and the evidence that decided it; missing evidence is an outcome with its reason, never an
exception. The rules and the evidence rules are defined once, in ``exits.criteria``.

The rules are judged by ``criteria.judge`` on an ``Evidence`` record, however it was read:
``assess_exit`` reads it for one household; ``assess_exit_many`` reads it for a whole queryset
of households in a fixed number of queries (one stream per table, ordered by household and
merged, so memory stays bounded whatever the size of the register). The querysets that choose
the evidence (the visit window, the latest visit first, the unclosed problems) are shared by
both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import asdict
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from exits.criteria import (
    CRITERIA,
    STANDARD,
    Criterion,
    Evidence,
    Outcome,
    housing_verdict,
    judge,
    line_for,
    window_start,
)
from households.models import AnnualIncome, Household, Member
from inspections.models import (
    ConsistencyCheck,
    ConsistencyItem,
    FiveLooks,
    Problem,
    ProblemSource,
)
from relocation.models import Relocation
from relocation.selectors import relocation_housing, relocation_housing_evidence

LATEST_VISIT_FIRST = ("-visit__date", "-visit_id")
CHUNK_SIZE = 2000  # rows fetched at a time from each stream of ``assess_exit_many``

__all__ = [
    "CRITERIA",
    "STANDARD",
    "Criterion",
    "Evidence",
    "Outcome",
    "as_dicts",
    "assess_exit",
    "assess_exit_many",
    "default_on",
    "gather",
    "gather_many",
    "housing_secured",
    "is_eligible",
    "judge",
    "national_line",
]


def default_on(year: int, on: datetime.date | None = None) -> datetime.date:
    """Today, or the last day of ``year`` for a past year: the evidence for an exit in a year is
    what was known in that year."""
    return on or min(timezone.localdate(), datetime.date(year, 12, 31))


def assess_exit(
    household: Household, year: int, on: datetime.date | None = None
) -> list[Criterion]:
    """Every criterion of the exit standard for ``year``, judged on the date ``on``
    (``default_on`` when not given)."""
    return judge(gather(household, year, default_on(year, on)))


def assess_exit_many(
    households: QuerySet[Household],
    year: int,
    on: datetime.date | None = None,
    *,
    streamed: bool = True,
) -> Iterator[tuple[Household, list[Criterion]]]:
    """``assess_exit`` of every household of the queryset, by primary key, in eight queries
    whatever their number; rows are streamed ``CHUNK_SIZE`` at a time (``streamed``), or read
    at once for a few households (a page: no server-side cursor to open and close)."""
    for evidence in gather_many(households, year, default_on(year, on), streamed=streamed):
        yield evidence.household, judge(evidence)


def as_dicts(criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [asdict(criterion) for criterion in criteria]


def is_eligible(criteria: list[Criterion]) -> bool:
    """Every criterion passed (missing evidence is not enough for an exit)."""
    return all(criterion.passed for criterion in criteria)


def housing_secured(household: Household) -> tuple[bool, str]:
    """Safe housing: grade A or B, or the household moved into a relocation home."""
    outcome, evidence = housing_verdict(household, relocation_housing(household))
    return outcome == Outcome.PASSED, evidence


# The evidence: which rows count, shared by both readings.


def national_line(year: int) -> Decimal | None:
    """The line an exit of ``year`` is judged against (``criteria.line_for``)."""
    found = line_for(year)
    return None if found is None else found[1]


def _incomes(year: int) -> QuerySet[AnnualIncome]:
    return AnnualIncome.objects.filter(year=year)


def _looks(on: datetime.date) -> QuerySet[FiveLooks]:
    """Five looks of visits in the window up to ``on``."""
    return FiveLooks.objects.filter(
        visit__date__gte=window_start(on), visit__date__lte=on
    ).select_related("visit")


def _checks(on: datetime.date) -> QuerySet[ConsistencyCheck]:
    """Consistency checks of visits in the window up to ``on``, each with the number of its
    problems not yet closed (``open_problems``)."""
    problems = Problem.objects.filter(visit=OuterRef("visit_id"), source=ProblemSource.CHECK)
    return (
        ConsistencyCheck.objects.filter(visit__date__gte=window_start(on), visit__date__lte=on)
        .select_related("visit")
        .annotate(open_problems=_count(problems.unresolved(), "visit"))
    )


def _latest_of_each_household(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Of rows that belong to a visit, only the latest visit's row of each household (the
    order of ``LATEST_VISIT_FIRST``): what ``gather`` reads with ``first()``."""
    return rows.annotate(
        latest_of_household=Window(
            RowNumber(),
            partition_by=F("visit__household_id"),
            order_by=[F("visit__date").desc(), F("visit_id").desc()],
        )
    ).filter(latest_of_household=1)


def _mismatches() -> QuerySet[ConsistencyItem]:
    """Checked items the sources disagree on, in the order they were recorded."""
    return ConsistencyItem.objects.filter(mismatch=True).order_by("pk")


def _open_problems() -> QuerySet[Problem]:
    return Problem.objects.unresolved()


def _count(rows: QuerySet[Any], by: str) -> Coalesce:
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())


def latest_five_looks(household: Household, on: datetime.date) -> FiveLooks | None:
    return _looks(on).filter(visit__household=household).order_by(*LATEST_VISIT_FIRST).first()


def gather(household: Household, year: int, on: datetime.date) -> Evidence:
    """The evidence of one household (about nine queries)."""
    check = _checks(on).filter(visit__household=household).order_by(*LATEST_VISIT_FIRST).first()
    mismatched = (
        [str(item.get_field_display()) for item in _mismatches().filter(consistency=check)]
        if check is not None
        else []
    )
    line = line_for(year)
    return Evidence(
        household=household,
        year=year,
        on=on,
        members=list(household.members.all()),
        line=None if line is None else line[1],
        line_year=None if line is None else line[0],
        income=_incomes(year)
        .filter(household=household)
        .values_list("per_capita_net_income", flat=True)
        .first(),
        looks=latest_five_looks(household, on),
        check=check,
        mismatched=mismatched,
        relocation=relocation_housing(household),
        open_problems=_open_problems().filter(household=household).count(),
    )


def gather_many(
    households: QuerySet[Household], year: int, on: datetime.date, *, streamed: bool = True
) -> Iterator[Evidence]:
    """The evidence of every household of the queryset, by primary key: the households (with
    their number of open problems as a subquery) and one stream each of incomes, members, the
    latest five looks, the latest check, mismatched items and relocations, all ordered by
    household and merged. ``streamed``: each stream read ``CHUNK_SIZE`` rows at a time through
    a server-side cursor (a whole register); otherwise read at once (a page of households)."""
    line = line_for(year)
    chosen = households.order_by().values("pk")
    rows = _rows(
        households.prefetch_related(None)
        .annotate(
            exit_open_problems=_count(
                _open_problems().filter(household=OuterRef("pk")), "household"
            )
        )
        .order_by("pk"),
        streamed,
    )
    # A column, not an annotation: SQLite gives an annotated decimal unrounded.
    incomes = _Stream[tuple[int, Decimal]](
        _incomes(year)
        .filter(household__in=chosen)
        .order_by("household_id")
        .values_list("household_id", "per_capita_net_income"),
        lambda row: row[0],
        streamed,
    )
    members = _Stream[Member](
        Member.objects.filter(household__in=chosen).order_by("household_id", "pk"),
        lambda m: m.household_id,
        streamed,
    )
    looks = _Stream[FiveLooks](
        _latest_of_each_household(_looks(on).filter(visit__household__in=chosen)).order_by(
            "visit__household_id"
        ),
        lambda looks: looks.visit.household_id,
        streamed,
    )
    checks = _Stream[ConsistencyCheck](
        _latest_of_each_household(_checks(on).filter(visit__household__in=chosen)).order_by(
            "visit__household_id"
        ),
        lambda check: check.visit.household_id,
        streamed,
    )
    items = _Stream[ConsistencyItem](
        _mismatches()
        .filter(
            consistency__visit__household__in=chosen,
            consistency__visit__date__gte=window_start(on),
            consistency__visit__date__lte=on,
        )
        .annotate(exit_household=F("consistency__visit__household_id"))
        .order_by("exit_household", "pk"),
        lambda item: item.exit_household,  # type: ignore[attr-defined]
        streamed,
    )
    relocations = _Stream[Relocation](
        Relocation.objects.filter(household__in=chosen)
        .select_related("site")
        .order_by("household_id"),
        lambda relocation: relocation.household_id,
        streamed,
    )
    for household in rows:
        pk = household.pk
        latest_looks = looks.take(pk)
        latest_check = next(iter(checks.take(pk)), None)
        relocation = next(iter(relocations.take(pk)), None)
        income = next(iter(incomes.take(pk)), None)
        mismatched = [
            str(item.get_field_display())
            for item in items.take(pk)
            if latest_check is not None and item.consistency_id == latest_check.pk
        ]
        yield Evidence(
            household=household,
            year=year,
            on=on,
            members=members.take(pk),
            line=None if line is None else line[1],
            line_year=None if line is None else line[0],
            income=None if income is None else income[1],
            looks=next(iter(latest_looks), None),
            check=latest_check,
            mismatched=mismatched,
            relocation=None if relocation is None else relocation_housing_evidence(relocation),
            open_problems=household.exit_open_problems,
        )


T = TypeVar("T")


def _rows(rows: QuerySet[Any], streamed: bool) -> Iterator[Any]:
    return iter(rows.iterator(chunk_size=CHUNK_SIZE) if streamed else list(rows))


class _Stream(Generic[T]):
    """Rows ordered by household, handed out household by household (a merge join with the
    households, which come in the same order)."""

    def __init__(
        self, rows: QuerySet[Any], household_of: Callable[[T], int], streamed: bool = True
    ) -> None:
        self._rows: Iterator[T] = _rows(rows, streamed)
        self._household_of = household_of
        self._head: T | None = next(self._rows, None)

    def take(self, household_id: int) -> list[T]:
        """The rows of ``household_id``; rows of households before it are skipped."""
        taken: list[T] = []
        while self._head is not None:
            key = self._household_of(self._head)
            if key > household_id:
                break
            if key == household_id:
                taken.append(self._head)
            self._head = next(self._rows, None)
        return taken
