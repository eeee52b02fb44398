"""Exit assessment (贫困户退出标准): 一达标, 两不愁, 三保障 and 饮水安全, 五个一致, 七个补.

``assess_exit`` returns every criterion with its code, whether it passed and the evidence that
decided it. Missing evidence is a failed criterion with its reason, never an exception.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.choices import SAFE_HOUSING_GRADES, LineKind
from households.models import AnnualIncome, Household, PovertyLine
from inspections.models import ConsistencyCheck, FiveLooks, Problem, ProblemSource, ProblemState
from relocation.selectors import relocation_housing

VISIT_WINDOW_DAYS = 365
SCHOOL_AGES = range(6, 16)  # compulsory education: 6 to 15 on 1 September

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


def _criterion(code: str, passed: bool, evidence: str) -> Criterion:
    return Criterion(code=code, label=str(CRITERIA[code]), passed=passed, evidence=evidence)


def assess_exit(
    household: Household, year: int, on: datetime.date | None = None
) -> list[Criterion]:
    """Every criterion of the exit standard for ``year``, judged on the date ``on``.

    By default ``on`` is today, or the last day of ``year`` for a past year: the evidence for
    an exit in a year is what was known in that year.
    """
    on = on or min(timezone.localdate(), datetime.date(year, 12, 31))
    looks = latest_five_looks(household, on)
    return [
        _income(household, year),
        *_food_and_clothing(looks, on),
        _education(household, year),
        _medical(household),
        _housing(household),
        _water(household),
        _consistent(household, on),
        _no_open_problems(household),
    ]


def as_dicts(criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [asdict(criterion) for criterion in criteria]


def is_eligible(criteria: list[Criterion]) -> bool:
    return all(criterion.passed for criterion in criteria)


def _income(household: Household, year: int) -> Criterion:
    line = PovertyLine.objects.filter(year=year, kind=LineKind.NATIONAL).first()
    income = AnnualIncome.objects.filter(household=household, year=year).first()
    if line is None:
        return _criterion(
            "income", False, _("No national poverty line for %(year)s.") % {"year": year}
        )
    if income is None:
        return _criterion("income", False, _("No income recorded for %(year)s.") % {"year": year})
    passed = income.per_capita_net_income > line.amount
    return _criterion(
        "income",
        passed,
        _("Per-capita net income %(income)s yuan against the line of %(line)s yuan (%(year)s).")
        % {"income": income.per_capita_net_income, "line": line.amount, "year": year},
    )


def latest_five_looks(household: Household, on: datetime.date) -> FiveLooks | None:
    since = on - datetime.timedelta(days=VISIT_WINDOW_DAYS)
    return (
        FiveLooks.objects.filter(
            visit__household=household, visit__date__gte=since, visit__date__lte=on
        )
        .select_related("visit")
        .order_by("-visit__date", "-visit_id")
        .first()
    )


def _food_and_clothing(looks: FiveLooks | None, on: datetime.date) -> list[Criterion]:
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


def _education(household: Household, year: int) -> Criterion:
    first_of_september = datetime.date(year, 9, 1)
    school_age = [m for m in household.members.all() if m.age_on(first_of_september) in SCHOOL_AGES]
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


def _medical(household: Household) -> Criterion:
    uninsured = [m.name for m in household.members.all() if not m.basic_medical_insurance]
    if uninsured:
        return _criterion(
            "medical",
            False,
            _("Without basic medical insurance: %(names)s.") % {"names": "、".join(uninsured)},
        )
    return _criterion("medical", True, _("Every member has basic medical insurance."))


def housing_secured(household: Household) -> tuple[bool, str]:
    """Safe housing: grade A or B, or the household moved into a relocation home."""
    relocated = relocation_housing(household)  # one query, whatever the household
    if relocated is not None:
        return True, relocated
    if household.is_relocated:
        return True, _("Moved into a relocation home.")
    if household.housing_grade in SAFE_HOUSING_GRADES:
        return True, _("Housing grade %(grade)s.") % {"grade": household.housing_grade}
    if not household.housing_grade:
        return False, _("No housing safety grade recorded.")
    return False, _("Housing grade %(grade)s is dangerous.") % {"grade": household.housing_grade}


def _housing(household: Household) -> Criterion:
    passed, evidence = housing_secured(household)
    return _criterion("housing", passed, evidence)


def _water(household: Household) -> Criterion:
    if household.water_safe:
        return _criterion("water", True, _("Drinking water is safe."))
    return _criterion("water", False, _("Drinking water is not recorded as safe."))


def _consistent(household: Household, on: datetime.date) -> Criterion:
    check = (
        ConsistencyCheck.objects.filter(visit__household=household, visit__date__lte=on)
        .select_related("visit")
        .order_by("-visit__date", "-visit_id")
        .first()
    )
    if check is None:
        return _criterion("consistent", False, _("No consistency check recorded."))
    mismatched = [item.get_field_display() for item in check.items.all() if item.mismatch]
    open_problems = (
        Problem.objects.filter(visit=check.visit, source=ProblemSource.CHECK)
        .exclude(state=ProblemState.VERIFIED)
        .count()
    )
    date = check.visit.date.isoformat()
    if mismatched and open_problems:
        return _criterion(
            "consistent",
            False,
            _("Check of %(date)s: the sources disagree on %(items)s, not yet rectified.")
            % {"date": date, "items": "、".join(str(m) for m in mismatched)},
        )
    return _criterion(
        "consistent", True, _("Check of %(date)s: no open mismatch.") % {"date": date}
    )


def _no_open_problems(household: Household) -> Criterion:
    count = Problem.objects.filter(household=household).unresolved().count()
    if count:
        return _criterion(
            "no_open_problems", False, _("%(count)s problem(s) not yet closed.") % {"count": count}
        )
    return _criterion("no_open_problems", True, _("No open problems."))
