"""The exit standard (贫困户退出标准), one definition per criterion: 一达标, 两不愁, 三保障,
饮水安全 (the standard, ``STANDARD``), and 五个一致, 七个补 (the procedure's own two).

Each ``Rule`` holds, side by side, the two forms of one criterion:

- ``judge``: the Python predicate on an ``Evidence`` record, with the evidence text a person
  reads (``exits.assessment`` gathers the record for one household or streams it for many);
- ``failed`` / ``missing``: the SQL conditions on the evidence row of ``outcomes_sql`` (the
  indicators 错退率, 缺少佐证率 and 漏评率 aggregate it in the database).

Every criterion has three outcomes: **passed**, **failed** (the evidence shows it fails) and
**missing** (no evidence in the window). Missing evidence is not a wrong exit: 错退 counts
*failed* only; a household whose standard has no failure but a missing criterion is 缺少佐证
(待核实). An exit proposal needs every criterion *passed*.

The evidence rules (docs/decisions/0014-exit-evidence.md), the same in both forms:

- income: the per-capita net income recorded **for the assessed year**, against the national
  line of that year, or of the latest year before it that has one (no line was published after
  2020; the last one stays the measure of whether an exit holds). No income row → missing;
- food and clothing: the latest 五个看 of a visit in the window of ``VISIT_WINDOW_DAYS`` up to
  the date of the assessment; none → missing;
- education: no member of compulsory school age on 1 September of the year out of school;
  medical: every member insured; water: recorded safe — register facts, never missing;
- housing: a relocation home, or grade A/B; no grade recorded → missing;
- 五个一致: the latest consistency check in the same window; none → missing; failed while a
  mismatch it found has a problem not yet closed;
- 七个补: no problem of the household not yet closed (销号).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.choices import SAFE_HOUSING_GRADES, LineKind
from households.models import AnnualIncome, Household, Member, PovertyLine
from households.standards import NOT_IN_SCHOOL, compulsory_birth_bounds, of_compulsory_age
from inspections.models import (
    ConsistencyCheck,
    ConsistencyItem,
    FiveLooks,
    Problem,
    ProblemSource,
    ProblemState,
    Visit,
)
from relocation.models import Relocation

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

VISIT_WINDOW_DAYS = 365


class Outcome(models.TextChoices):
    PASSED = "passed", gettext_lazy("passed")
    FAILED = "failed", gettext_lazy("failed")
    MISSING = "missing", gettext_lazy("missing evidence")


@dataclass(frozen=True)
class Criterion:
    """One criterion judged for one household: ``passed`` is ``outcome == passed``."""

    code: str
    label: str
    passed: bool
    evidence: str
    outcome: str = Outcome.PASSED


@dataclass(frozen=True)
class Evidence:
    """What the exit standard of ``year`` is judged on for one household, as of ``on``."""

    household: Household
    year: int
    on: datetime.date
    members: list[Member]
    line: Decimal | None  # the national poverty line for the year (``line_year``'s)
    income: Decimal | None  # the household's per-capita net income of the year
    looks: FiveLooks | None  # the latest five looks within the window, with its visit
    check: ConsistencyCheck | None  # the latest check in the window, with ``open_problems``
    mismatched: list[str]  # the checked items of ``check`` the sources disagree on
    relocation: str | None  # the relocation home's housing evidence
    open_problems: int  # the household's problems not yet closed
    line_year: int | None = None


Verdict = tuple[str, str]  # (outcome, evidence text)


@dataclass(frozen=True)
class Rule:
    code: str
    label: StrPromise | str
    standard: bool  # part of 一达标两不愁三保障 (and 饮水安全): what 错退 and 漏评 are judged on
    judge: Callable[[Evidence], Verdict]
    failed: str  # SQL: the evidence row shows the criterion fails
    missing: str  # SQL: no evidence (only read when ``failed`` is not true)


def window_start(on: datetime.date) -> datetime.date:
    """The first day of the visit window ending on ``on``."""
    return on - datetime.timedelta(days=VISIT_WINDOW_DAYS)


def line_for(year: int) -> tuple[int, Decimal] | None:
    """``(line year, amount)``: the national line of ``year``, or of the latest year before it
    with one (none was published after 2020)."""
    row = (
        PovertyLine.objects.filter(kind=LineKind.NATIONAL, year__lte=year)
        .order_by("-year")
        .values_list("year", "amount")
        .first()
    )
    return None if row is None else (int(row[0]), Decimal(row[1]))


# -- the rules, in Python ------------------------------------------------------------------------


def _income(e: Evidence) -> Verdict:
    if e.line is None:
        return Outcome.MISSING, _("No national poverty line for %(year)s.") % {"year": e.year}
    if e.income is None:
        return Outcome.MISSING, _("No income recorded for %(year)s.") % {"year": e.year}
    text = _(
        "Per-capita net income %(income)s yuan against the line of %(line)s yuan (%(year)s)."
    ) % {"income": e.income, "line": e.line, "year": e.line_year or e.year}
    return (Outcome.PASSED if e.income > e.line else Outcome.FAILED), text


def _looks(fields: Sequence[str]) -> Callable[[Evidence], Verdict]:
    def judge(e: Evidence) -> Verdict:
        if e.looks is None:
            return Outcome.MISSING, _("No visit with the five looks in the last 12 months.")
        date = e.looks.visit.date.isoformat()
        failing = [
            str(getattr(FiveLooks._meta.get_field(name), "verbose_name", name))
            for name in fields
            if not getattr(e.looks, name)
        ]
        if not failing:
            return Outcome.PASSED, _("Visit of %(date)s: adequate.") % {"date": date}
        return Outcome.FAILED, _("Visit of %(date)s: not adequate — %(looks)s.") % {
            "date": date,
            "looks": "、".join(failing),
        }

    return judge


def _members(e: Evidence) -> list[Member]:
    return sorted(e.members, key=lambda m: (m.relation, m.birth_date, m.pk or 0))


def _education(e: Evidence) -> Verdict:
    september = datetime.date(e.year, 9, 1)
    school_age = [m for m in _members(e) if of_compulsory_age(m.birth_date, september)]
    dropouts = [m for m in school_age if m.schooling in NOT_IN_SCHOOL]
    if dropouts:
        return Outcome.FAILED, _("Out of school at compulsory age: %(names)s.") % {
            "names": "、".join(m.name for m in dropouts)
        }
    return Outcome.PASSED, _("%(count)s member(s) of compulsory school age, all in school.") % {
        "count": len(school_age)
    }


def _medical(e: Evidence) -> Verdict:
    uninsured = [m.name for m in _members(e) if not m.basic_medical_insurance]
    if uninsured:
        return Outcome.FAILED, _("Without basic medical insurance: %(names)s.") % {
            "names": "、".join(uninsured)
        }
    return Outcome.PASSED, _("Every member has basic medical insurance.")


def housing_verdict(household: Household, relocated: str | None) -> Verdict:
    """Safe housing: a relocation home (``relocated``, its evidence), or grade A or B."""
    if relocated is not None:
        return Outcome.PASSED, relocated
    if household.is_relocated:
        return Outcome.PASSED, _("Moved into a relocation home.")
    if household.housing_grade in SAFE_HOUSING_GRADES:
        return Outcome.PASSED, _("Housing grade %(grade)s.") % {"grade": household.housing_grade}
    if not household.housing_grade:
        return Outcome.MISSING, _("No housing safety grade recorded.")
    return Outcome.FAILED, _("Housing grade %(grade)s is dangerous.") % {
        "grade": household.housing_grade
    }


def _housing(e: Evidence) -> Verdict:
    return housing_verdict(e.household, e.relocation)


def _water(e: Evidence) -> Verdict:
    if e.household.water_safe:
        return Outcome.PASSED, _("Drinking water is safe.")
    return Outcome.FAILED, _("Drinking water is not recorded as safe.")


def _consistent(e: Evidence) -> Verdict:
    if e.check is None:
        return Outcome.MISSING, _("No consistency check recorded.")
    date = e.check.visit.date.isoformat()
    if e.mismatched and e.check.open_problems:  # type: ignore[attr-defined]
        return Outcome.FAILED, _(
            "Check of %(date)s: the sources disagree on %(items)s, not yet rectified."
        ) % {"date": date, "items": "、".join(e.mismatched)}
    return Outcome.PASSED, _("Check of %(date)s: no open mismatch.") % {"date": date}


def _no_open_problems(e: Evidence) -> Verdict:
    if e.open_problems:
        return Outcome.FAILED, _("%(count)s problem(s) not yet closed.") % {
            "count": e.open_problems
        }
    return Outcome.PASSED, _("No open problems.")


# -- the rules: the SQL of each beside it (columns of ``outcomes_sql``'s row) ------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "income",
        gettext_lazy("Income above the line"),
        True,
        _income,
        failed="inc.amount IS NOT NULL AND %(line)s IS NOT NULL AND inc.amount <= %(line)s",
        missing="inc.amount IS NULL OR %(line)s IS NULL",
    ),
    Rule(
        "food",
        gettext_lazy("Enough to eat"),
        True,
        _looks(("pot", "cupboard")),
        failed="looks.household_id IS NOT NULL AND NOT looks.fed",
        missing="looks.household_id IS NULL",
    ),
    Rule(
        "clothing",
        gettext_lazy("Enough to wear"),
        True,
        _looks(("clothing", "bedding")),
        failed="looks.household_id IS NOT NULL AND NOT looks.clothed",
        missing="looks.household_id IS NULL",
    ),
    Rule(
        "education",
        gettext_lazy("Compulsory education secured"),
        True,
        _education,
        failed="COALESCE(mb.dropouts, 0) > 0",
        missing="FALSE",
    ),
    Rule(
        "medical",
        gettext_lazy("Basic medical care secured"),
        True,
        _medical,
        failed="COALESCE(mb.uninsured, 0) > 0",
        missing="FALSE",
    ),
    Rule(
        "housing",
        gettext_lazy("Safe housing secured"),
        True,
        _housing,
        failed="rl.household_id IS NULL AND NOT t.is_relocated AND t.housing_grade <> ''"
        " AND t.housing_grade NOT IN (%(safe_grades)s)",
        missing="rl.household_id IS NULL AND NOT t.is_relocated AND t.housing_grade = ''",
    ),
    Rule(
        "water",
        gettext_lazy("Safe drinking water"),
        True,
        _water,
        failed="NOT t.water_safe",
        missing="FALSE",
    ),
    Rule(
        "consistent",
        gettext_lazy("Five sources agree"),
        False,
        _consistent,
        failed="co.household_id IS NOT NULL",
        missing="chk.household_id IS NULL",
    ),
    Rule(
        "no_open_problems",
        gettext_lazy("No open problems"),
        False,
        _no_open_problems,
        failed="COALESCE(pr.n, 0) > 0",
        missing="FALSE",
    ),
)
RULE_BY_CODE = {rule.code: rule for rule in RULES}
CRITERIA = {rule.code: rule.label for rule in RULES}
STANDARD = frozenset(rule.code for rule in RULES if rule.standard)


def judge(evidence: Evidence) -> list[Criterion]:
    """Every criterion of the exit standard judged on ``evidence``."""
    results = []
    for rule in RULES:
        outcome, text = rule.judge(evidence)
        results.append(
            Criterion(
                code=rule.code,
                label=str(rule.label),
                passed=outcome == Outcome.PASSED,
                evidence=text,
                outcome=str(outcome),
            )
        )
    return results


def standard_outcome(criteria: Sequence[Criterion]) -> str:
    """The household's outcome on the standard: failed when one of its criteria fails, else
    missing when one has no evidence, else passed."""
    outcomes = {c.outcome for c in criteria if c.code in STANDARD}
    if Outcome.FAILED in outcomes:
        return Outcome.FAILED
    return Outcome.MISSING if Outcome.MISSING in outcomes else Outcome.PASSED


# -- the SQL -------------------------------------------------------------------------------------


def _latest(columns: str, source: str, where: str) -> str:
    """The latest row per household of ``source`` (aliased ``v`` for the visit), by visit date
    then id: ``DISTINCT ON`` on PostgreSQL, a ``ROW_NUMBER()`` window on SQLite."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT DISTINCT ON (v.household_id) {columns} FROM {source} WHERE {where} "
            "ORDER BY v.household_id, v.date DESC, v.id DESC"
        )
    return (
        f"SELECT * FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY v.household_id "
        f"ORDER BY v.date DESC, v.id DESC) AS row_number FROM {source} WHERE {where}) ranked "
        "WHERE row_number = 1"
    )


def _case(rule: Rule, line: str, grades: str) -> str:
    values = {"line": line, "safe_grades": grades}
    failed, missing = rule.failed % values, rule.missing % values
    return (
        f"CASE WHEN {failed} THEN '{Outcome.FAILED.value}' "
        f"WHEN {missing} THEN '{Outcome.MISSING.value}' ELSE '{Outcome.PASSED.value}' END"
    )


def outcomes_sql(
    target: str, target_params: Sequence[Any], *, year: int, on: datetime.date
) -> tuple[str, list[Any]]:
    """SQL and its parameters for one row per household of ``target`` (an SQL condition on the
    household table aliased ``h``): ``id``, ``region_id``, ``people`` (its members), one
    outcome column per rule (``o_<code>``) and ``standard`` (``standard_outcome``)."""
    tables = {
        "household": Household._meta.db_table,
        "member": Member._meta.db_table,
        "income": AnnualIncome._meta.db_table,
        "visit": Visit._meta.db_table,
        "looks": FiveLooks._meta.db_table,
        "check": ConsistencyCheck._meta.db_table,
        "item": ConsistencyItem._meta.db_table,
        "problem": Problem._meta.db_table,
        "relocation": Relocation._meta.db_table,
    }
    born_after, born_on_or_before = compulsory_birth_bounds(datetime.date(year, 9, 1))
    since = window_start(on)
    grades = ", ".join(f"'{grade}'" for grade in sorted(SAFE_HOUSING_GRADES))
    # The line of ``line_for``, read in the statement (no query of its own).
    line = (
        f"(SELECT pl.amount FROM {PovertyLine._meta.db_table} pl WHERE pl.kind = "
        f"'{LineKind.NATIONAL.value}' AND pl.year <= {int(year)} ORDER BY pl.year DESC LIMIT 1)"
    )
    cases = [f"{_case(rule, line, grades)} AS o_{rule.code}" for rule in RULES]
    latest_looks = _latest(
        "v.household_id AS household_id, (f.pot AND f.cupboard) AS fed, "
        "(f.clothing AND f.bedding) AS clothed",
        f"{tables['visit']} v JOIN {tables['looks']} f ON f.visit_id = v.id "
        "JOIN target t ON t.id = v.household_id",
        "v.date >= %s AND v.date <= %s",
    )
    latest_check = _latest(
        "v.household_id AS household_id, c.id AS check_id, v.id AS visit_id",
        f"{tables['visit']} v JOIN {tables['check']} c ON c.visit_id = v.id "
        "JOIN target t ON t.id = v.household_id",
        "v.date >= %s AND v.date <= %s",
    )
    unresolved = f"p.state <> '{ProblemState.VERIFIED.value}'"
    out_of_school = ", ".join(["%s"] * len(NOT_IN_SCHOOL))
    sql = f"""
        WITH target AS (
            SELECT h.id, h.region_id, h.housing_grade, h.is_relocated, h.water_safe
            FROM {tables["household"]} h WHERE {target}
        ),
        mb AS (
            SELECT m.household_id, COUNT(*) AS people,
                SUM(CASE WHEN NOT m.basic_medical_insurance THEN 1 ELSE 0 END) AS uninsured,
                SUM(CASE WHEN m.schooling IN ({out_of_school}) AND m.birth_date > %s
                    AND m.birth_date <= %s THEN 1 ELSE 0 END) AS dropouts
            FROM {tables["member"]} m JOIN target t ON t.id = m.household_id
            GROUP BY m.household_id
        ),
        inc AS (
            SELECT i.household_id, i.per_capita_net_income AS amount
            FROM {tables["income"]} i JOIN target t ON t.id = i.household_id WHERE i.year = %s
        ),
        looks AS ({latest_looks}),
        chk AS ({latest_check}),
        co AS (
            SELECT chk.household_id FROM chk
            WHERE EXISTS (SELECT 1 FROM {tables["item"]} it
                          WHERE it.consistency_id = chk.check_id AND it.mismatch)
              AND EXISTS (SELECT 1 FROM {tables["problem"]} p
                          WHERE p.visit_id = chk.visit_id AND p.source = %s AND {unresolved})
        ),
        rl AS (
            SELECT DISTINCT r.household_id FROM {tables["relocation"]} r
            JOIN target t ON t.id = r.household_id
        ),
        pr AS (
            SELECT p.household_id, COUNT(*) AS n FROM {tables["problem"]} p
            JOIN target t ON t.id = p.household_id WHERE {unresolved}
            GROUP BY p.household_id
        ),
        judged AS (
            SELECT t.id, t.region_id, COALESCE(mb.people, 0) AS people, {", ".join(cases)}
            FROM target t
            LEFT JOIN mb ON mb.household_id = t.id
            LEFT JOIN inc ON inc.household_id = t.id
            LEFT JOIN looks ON looks.household_id = t.id
            LEFT JOIN chk ON chk.household_id = t.id
            LEFT JOIN co ON co.household_id = t.id
            LEFT JOIN rl ON rl.household_id = t.id
            LEFT JOIN pr ON pr.household_id = t.id
        )
        SELECT judged.*, CASE
            WHEN {" OR ".join(f"o_{r.code} = 'failed'" for r in RULES if r.standard)}
                THEN 'failed'
            WHEN {" OR ".join(f"o_{r.code} = 'missing'" for r in RULES if r.standard)}
                THEN 'missing'
            ELSE 'passed' END AS standard
        FROM judged
    """
    params = [
        *target_params,
        *NOT_IN_SCHOOL,
        born_after,
        born_on_or_before,
        year,
        since,
        on,
        since,
        on,
        ProblemSource.CHECK.value,
    ]
    return sql, params
