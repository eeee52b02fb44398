"""Exit assessment (贫困户退出标准): 一达标, 两不愁, 三保障 and 饮水安全, 五个一致, 七个补.

``assess_exit`` returns every criterion with its code, whether it passed and the evidence that
decided it. Missing evidence is a failed criterion with its reason, never an exception.

The rules are judged by ``judge`` on an ``Evidence`` record, whichever way the evidence was read:
``assess_exit`` reads it for one household; ``assess_exit_many`` reads it for a whole queryset
of households in a fixed number of queries (one stream per table, ordered by household and
merged, so memory stays bounded whatever the size of the register). The querysets that choose
the evidence (the visit window, the latest visit first, the unclosed problems) are shared by
both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.choices import SAFE_HOUSING_GRADES, LineKind
from households.models import AnnualIncome, Household, Member, PovertyLine
from inspections.models import (
    ConsistencyCheck,
    ConsistencyItem,
    FiveLooks,
    Problem,
    ProblemSource,
)
from relocation.models import Relocation
from relocation.selectors import relocation_housing, relocation_housing_evidence

VISIT_WINDOW_DAYS = 365
SCHOOL_AGES = range(6, 16)  # compulsory education: 6 to 15 on 1 September
LATEST_VISIT_FIRST = ("-visit__date", "-visit_id")
CHUNK_SIZE = 2000  # rows fetched at a time from each stream of ``assess_exit_many``

CRITERIA = {
    "income": gettext_lazy("Income above the line"),
    "food": gettext_lazy("Enough to eat"),
    "clothing": gettext_lazy("Enough to wear"),
    "education": gettext_lazy("Compulsory education secured"),
    "medical": gettext_lazy("Basic medical care secured"),
    "housing": gettext_lazy("Safe housing secured"),
    "water": gettext_lazy("Safe drinking water"),
    "consistent": gettext_lazy("Five sources agree"),
    "no_open_problems": gettext_lazy("No open problems"),
}


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    passed: bool
    evidence: str


@dataclass(frozen=True)
class Evidence:
    """What the exit standard of ``year`` is judged on for one household, as of ``on``."""

    household: Household
    year: int
    on: datetime.date
    members: list[Member]
    line: Decimal | None  # the national poverty line of the year
    income: Decimal | None  # the household's per-capita net income of the year
    looks: FiveLooks | None  # the latest five looks within the window, with its visit
    check: ConsistencyCheck | None  # the latest check, with its visit and ``open_problems``
    mismatched: list[str]  # the checked items of ``check`` the sources disagree on
    relocation: str | None  # the relocation home's housing evidence
    open_problems: int  # the household's problems not yet closed


def _criterion(code: str, passed: bool, evidence: str) -> Criterion:
    return Criterion(code=code, label=str(CRITERIA[code]), passed=passed, evidence=evidence)


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
    households: QuerySet[Household], year: int, on: datetime.date | None = None
) -> Iterator[tuple[Household, list[Criterion]]]:
    """``assess_exit`` of every household of the queryset, by primary key, in eight queries
    whatever their number; rows are streamed ``CHUNK_SIZE`` at a time."""
    for evidence in gather_many(households, year, default_on(year, on)):
        yield evidence.household, judge(evidence)


def as_dicts(criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [asdict(criterion) for criterion in criteria]


def is_eligible(criteria: list[Criterion]) -> bool:
    return all(criterion.passed for criterion in criteria)


# The rules.


def judge(evidence: Evidence) -> list[Criterion]:
    members = sorted(evidence.members, key=lambda m: (m.relation, m.birth_date, m.pk or 0))
    return [
        _income(evidence.line, evidence.income, evidence.year),
        *_food_and_clothing(evidence.looks),
        _education(members, evidence.year),
        _medical(members),
        _housing(evidence.household, evidence.relocation),
        _water(evidence.household),
        _consistent(evidence.check, evidence.mismatched),
        _no_open_problems(evidence.open_problems),
    ]


def _income(line: Decimal | None, income: Decimal | None, year: int) -> Criterion:
    if line is None:
        return _criterion(
            "income", False, _("No national poverty line for %(year)s.") % {"year": year}
        )
    if income is None:
        return _criterion("income", False, _("No income recorded for %(year)s.") % {"year": year})
    passed = income > line
    return _criterion(
        "income",
        passed,
        _("Per-capita net income %(income)s yuan against the line of %(line)s yuan (%(year)s).")
        % {"income": income, "line": line, "year": year},
    )


def _food_and_clothing(looks: FiveLooks | None) -> list[Criterion]:
    if looks is None:
        reason = _("No visit with the five looks in the last 12 months.")
        return [_criterion("food", False, reason), _criterion("clothing", False, reason)]
    visit_date = looks.visit.date.isoformat()
    results = []
    for code, fields in (("food", ("pot", "cupboard")), ("clothing", ("clothing", "bedding"))):
        failing = [
            str(getattr(FiveLooks._meta.get_field(name), "verbose_name", name))
            for name in fields
            if not getattr(looks, name)
        ]
        evidence = (
            _("Visit of %(date)s: adequate.") % {"date": visit_date}
            if not failing
            else _("Visit of %(date)s: not adequate — %(looks)s.")
            % {"date": visit_date, "looks": "、".join(failing)}
        )
        results.append(_criterion(code, not failing, evidence))
    return results


def _education(members: list[Member], year: int) -> Criterion:
    first_of_september = datetime.date(year, 9, 1)
    school_age = [m for m in members if m.age_on(first_of_september) in SCHOOL_AGES]
    dropouts = [m for m in school_age if not m.schooling]
    if dropouts:
        return _criterion(
            "education",
            False,
            _("Out of school at compulsory age: %(names)s.")
            % {"names": "、".join(m.name for m in dropouts)},
        )
    return _criterion(
        "education",
        True,
        _("%(count)s member(s) of compulsory school age, all in school.")
        % {"count": len(school_age)},
    )


def _medical(members: list[Member]) -> Criterion:
    uninsured = [m.name for m in members if not m.basic_medical_insurance]
    if uninsured:
        return _criterion(
            "medical",
            False,
            _("Without basic medical insurance: %(names)s.") % {"names": "、".join(uninsured)},
        )
    return _criterion("medical", True, _("Every member has basic medical insurance."))


def housing_secured(household: Household) -> tuple[bool, str]:
    """Safe housing: grade A or B, or the household moved into a relocation home."""
    return _housing_rule(household, relocation_housing(household))  # one query, always


def _housing_rule(household: Household, relocated: str | None) -> tuple[bool, str]:
    if relocated is not None:
        return True, relocated
    if household.is_relocated:
        return True, _("Moved into a relocation home.")
    if household.housing_grade in SAFE_HOUSING_GRADES:
        return True, _("Housing grade %(grade)s.") % {"grade": household.housing_grade}
    if not household.housing_grade:
        return False, _("No housing safety grade recorded.")
    return False, _("Housing grade %(grade)s is dangerous.") % {"grade": household.housing_grade}


def _housing(household: Household, relocated: str | None) -> Criterion:
    passed, evidence = _housing_rule(household, relocated)
    return _criterion("housing", passed, evidence)


def _water(household: Household) -> Criterion:
    if household.water_safe:
        return _criterion("water", True, _("Drinking water is safe."))
    return _criterion("water", False, _("Drinking water is not recorded as safe."))


def _consistent(check: ConsistencyCheck | None, mismatched: list[str]) -> Criterion:
    if check is None:
        return _criterion("consistent", False, _("No consistency check recorded."))
    date = check.visit.date.isoformat()
    if mismatched and check.open_problems:  # type: ignore[attr-defined]
        return _criterion(
            "consistent",
            False,
            _("Check of %(date)s: the sources disagree on %(items)s, not yet rectified.")
            % {"date": date, "items": "、".join(mismatched)},
        )
    return _criterion(
        "consistent", True, _("Check of %(date)s: no open mismatch.") % {"date": date}
    )


def _no_open_problems(count: int) -> Criterion:
    if count:
        return _criterion(
            "no_open_problems", False, _("%(count)s problem(s) not yet closed.") % {"count": count}
        )
    return _criterion("no_open_problems", True, _("No open problems."))


# The evidence: which rows count, shared by both readings.


def national_line(year: int) -> Decimal | None:
    return (
        PovertyLine.objects.filter(year=year, kind=LineKind.NATIONAL)
        .values_list("amount", flat=True)
        .first()
    )


def _incomes(year: int) -> QuerySet[AnnualIncome]:
    return AnnualIncome.objects.filter(year=year)


def _looks(on: datetime.date) -> QuerySet[FiveLooks]:
    """Five looks of visits in the ``VISIT_WINDOW_DAYS`` up to ``on``."""
    since = on - datetime.timedelta(days=VISIT_WINDOW_DAYS)
    return FiveLooks.objects.filter(visit__date__gte=since, visit__date__lte=on).select_related(
        "visit"
    )


def _checks(on: datetime.date) -> QuerySet[ConsistencyCheck]:
    """Consistency checks of visits up to ``on``, each with the number of its problems not yet
    closed (``open_problems``)."""
    problems = Problem.objects.filter(visit=OuterRef("visit_id"), source=ProblemSource.CHECK)
    return (
        ConsistencyCheck.objects.filter(visit__date__lte=on)
        .select_related("visit")
        .annotate(open_problems=_count(problems.unresolved(), "visit"))
    )


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
    return Evidence(
        household=household,
        year=year,
        on=on,
        members=list(household.members.all()),
        line=national_line(year),
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
    households: QuerySet[Household], year: int, on: datetime.date
) -> Iterator[Evidence]:
    """The evidence of every household of the queryset, by primary key: the households (with
    their number of open problems as a subquery) and one stream each of incomes, members, five
    looks, checks, mismatched items and relocations, all ordered by household and merged."""
    line = national_line(year)
    chosen = households.order_by().values("pk")
    rows = (
        households.prefetch_related(None)
        .annotate(
            exit_open_problems=_count(
                _open_problems().filter(household=OuterRef("pk")), "household"
            )
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    # A column, not an annotation: SQLite gives an annotated decimal unrounded.
    incomes = _Stream[tuple[int, Decimal]](
        _incomes(year)
        .filter(household__in=chosen)
        .order_by("household_id")
        .values_list("household_id", "per_capita_net_income"),
        lambda row: row[0],
    )
    members = _Stream[Member](
        Member.objects.filter(household__in=chosen).order_by("household_id", "pk"),
        lambda m: m.household_id,
    )
    looks = _Stream[FiveLooks](
        _looks(on)
        .filter(visit__household__in=chosen)
        .order_by("visit__household_id", *LATEST_VISIT_FIRST),
        lambda looks: looks.visit.household_id,
    )
    checks = _Stream[ConsistencyCheck](
        _checks(on)
        .filter(visit__household__in=chosen)
        .order_by("visit__household_id", *LATEST_VISIT_FIRST),
        lambda check: check.visit.household_id,
    )
    items = _Stream[ConsistencyItem](
        _mismatches()
        .filter(consistency__visit__household__in=chosen, consistency__visit__date__lte=on)
        .annotate(exit_household=F("consistency__visit__household_id"))
        .order_by("exit_household", "pk"),
        lambda item: item.exit_household,  # type: ignore[attr-defined]
    )
    relocations = _Stream[Relocation](
        Relocation.objects.filter(household__in=chosen)
        .select_related("site")
        .order_by("household_id"),
        lambda relocation: relocation.household_id,
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
            line=line,
            income=None if income is None else income[1],
            looks=next(iter(latest_looks), None),
            check=latest_check,
            mismatched=mismatched,
            relocation=None if relocation is None else relocation_housing_evidence(relocation),
            open_problems=household.exit_open_problems,
        )


T = TypeVar("T")


class _Stream(Generic[T]):
    """Rows ordered by household, handed out household by household (a merge join with the
    households, which come in the same order)."""

    def __init__(self, rows: QuerySet[Any], household_of: Callable[[T], int]) -> None:
        self._rows: Iterator[T] = iter(rows.iterator(chunk_size=CHUNK_SIZE))
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
