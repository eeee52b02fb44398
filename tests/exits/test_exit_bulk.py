"""The bulk exit assessment agrees with the one-household form, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exits.assessment import CRITERIA, Criterion, assess_exit, assess_exit_many
from exits.misclassification import Suspect, misclassification_suspects
from households.choices import Relation, Status
from households.models import Household
from inspections import services
from inspections.models import LookBackTask, Problem
from supervision.look_back import create_look_back_tasks
from tests.households.factories import MemberFactory, household_with_head, income
from tests.inspections.helpers import ALL_ADEQUATE, record_visit
from tests.relocation.factories import SiteFactory, relocated_household

pytestmark = pytest.mark.django_db

YEAR = 2019
ON = datetime.date(2019, 12, 15)
NONE_ADEQUATE = dict.fromkeys(ALL_ADEQUATE, False)
MISMATCH = {"family_size": {"wall": "1", "bag": "1", "spoken": "3", "observed": "1"}}


def eligible(actor, **kwargs) -> Household:
    """A household meeting every criterion of 2019 (on 15 December 2019)."""
    household = household_with_head(**kwargs)
    income(household, YEAR, Decimal("5000"), 1)
    record_visit(actor, household, ON - datetime.timedelta(days=30))
    return household


def child(household: Household, born: datetime.date, schooling: str = "", **kwargs) -> None:
    MemberFactory(
        household=household,
        name=f"孩子{household.pk}",
        relation=Relation.SON,
        birth_date=born,
        schooling=schooling,
        education="" if schooling else "primary",
        **kwargs,
    )


def register(actor, reviewer) -> list[Household]:
    """Households that, between them, pass and fail every criterion."""
    households = [eligible(actor)]
    # 一达标: no income, income equal to the line, one yuan above it.
    households.append(household_with_head())
    record_visit(actor, households[-1], ON)
    for per_capita in (Decimal("3747"), Decimal("3748")):
        households.append(household_with_head())
        income(households[-1], YEAR, per_capita, 1)
    # 两不愁: no visit in the window, inadequate pot or bedding, an older inadequate visit
    # followed by an adequate one, two visits on the same day (the later one counts).
    households.append(household_with_head())
    record_visit(actor, households[-1], ON - datetime.timedelta(days=366))
    for look in ("pot", "bedding"):
        households.append(household_with_head())
        record_visit(actor, households[-1], ON, looks={**ALL_ADEQUATE, look: False})
    households.append(household_with_head())
    record_visit(actor, households[-1], ON - datetime.timedelta(days=200), looks=NONE_ADEQUATE)
    record_visit(actor, households[-1], ON - datetime.timedelta(days=100))
    households.append(household_with_head())
    record_visit(actor, households[-1], ON, looks={**ALL_ADEQUATE, "cupboard": False})
    record_visit(actor, households[-1], ON, looks={**ALL_ADEQUATE, "clothing": False})
    # A visit after ``on`` does not count.
    households.append(eligible(actor))
    record_visit(actor, households[-1], ON + datetime.timedelta(days=1), looks=NONE_ADEQUATE)
    # 三保障: a dropout, a child too young to count, one taught at home, an uninsured member.
    for born, schooling in (
        (datetime.date(2010, 1, 1), ""),
        (datetime.date(2013, 9, 2), ""),
        (datetime.date(2010, 1, 1), "home_taught"),
    ):
        households.append(eligible(actor))
        child(households[-1], born, schooling)
    households.append(eligible(actor))
    child(households[-1], datetime.date(1990, 1, 1), "", basic_medical_insurance=False)
    # Housing: each grade, none, flagged relocated, and a relocation home of the register.
    for grade, relocated in (("A", False), ("C", False), ("D", False), ("", False), ("D", True)):
        households.append(eligible(actor, housing_grade=grade, is_relocated=relocated))
    moved = relocated_household(SiteFactory(name="响塘龙安置点"), housing_grade="D")
    record_visit(actor, moved, ON)
    households.append(moved)
    # Water.
    households.append(eligible(actor, water_safe=False))
    # 五个一致 and 七个补: no check; an open mismatch; a mismatch rectified and closed; an
    # older open mismatch superseded by an agreeing check; a problem of a visit, not a check.
    households.append(household_with_head())
    income(households[-1], YEAR, Decimal("5000"), 1)
    services.visit_record(
        actor=actor,
        household=households[-1],
        data={"date": ON, "kind": "routine"},
        five_looks=ALL_ADEQUATE,
        consistency={},
    )
    households.append(household_with_head())
    record_visit(actor, households[-1], ON, consistency=MISMATCH)
    closed = household_with_head()
    record_visit(actor, closed, ON, consistency=MISMATCH)
    problem = Problem.objects.get(household=closed)
    services.problem_rectify(actor=actor, problem=problem, evidence="已核实并更正")
    services.problem_verify(actor=reviewer, problem=problem)
    households.append(closed)
    superseded = household_with_head()
    record_visit(actor, superseded, ON - datetime.timedelta(days=60), consistency=MISMATCH)
    record_visit(actor, superseded, ON)
    households.append(superseded)
    with_problem = eligible(actor)
    services.problem_open(
        actor=actor,
        household=with_problem,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "公益岗位工资未发放",
            "deadline": datetime.date(2020, 3, 31),
        },
    )
    households.append(with_problem)
    return households


@pytest.mark.parametrize(
    ("year", "on"),
    [(YEAR, ON), (YEAR, None), (2099, None)],
    ids=["2019-on-15-december", "2019-by-default", "a-year-without-a-line"],
)
@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "read-at-once"])
def test_the_bulk_assessment_agrees_with_the_per_household_one(
    cadre_yanhe, township_reviewer, year, on, streamed
):
    households = register(cadre_yanhe, township_reviewer)
    queryset = Household.objects.filter(pk__in=[h.pk for h in households])

    assessed = assess_exit_many(queryset, year, on=on, streamed=streamed)
    bulk = {h.pk: criteria for h, criteria in assessed}
    single = {h.pk: assess_exit(h, year, on=on) for h in queryset}

    assert list(bulk) == sorted(h.pk for h in households)
    assert bulk == single
    if year == YEAR:  # every criterion both passes and fails somewhere
        outcomes = {(c.code, c.passed) for criteria in bulk.values() for c in criteria}
        assert outcomes == {(code, passed) for code in CRITERIA for passed in (True, False)}
        assert sum(all(c.passed for c in criteria) for criteria in bulk.values()) >= 3
        evidence = {c.evidence for criteria in bulk.values() for c in criteria}
        assert "已搬迁入住安置点响塘龙安置点（2019-06-01）。" in evidence


def test_a_queryset_with_related_rows_and_no_households(cadre_yanhe):
    household = eligible(cadre_yanhe)
    queryset = Household.objects.select_related("region").prefetch_related("members")

    [(assessed, criteria)] = assess_exit_many(queryset, YEAR, on=ON)

    assert assessed.pk == household.pk
    assert criteria == assess_exit(household, YEAR, on=ON)
    assert list(assess_exit_many(Household.objects.none(), YEAR, on=ON)) == []


def _many(actor, count: int, **kwargs) -> list[Household]:
    """``count`` households with members, income, a visit, some mismatches and problems; the
    first moved into a relocation home."""
    households = []
    for n in range(count):
        if n == 0:
            household = relocated_household(SiteFactory(), housing_grade="D", **kwargs)
        else:
            household = household_with_head(**kwargs)
        income(household, YEAR, Decimal("3000" if n % 2 else "5000"), 1)
        record_visit(actor, household, ON, consistency=MISMATCH if n % 3 == 0 else None)
        MemberFactory(household=household, name=f"成员{n}", basic_medical_insurance=n % 4 != 0)
        households.append(household)
    return households


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_the_bulk_assessment_takes_as_many_queries_for_3_and_30_households(cadre_yanhe):
    few = _many(cadre_yanhe, 3)
    assert len(list(assess_exit_many(Household.objects.all(), YEAR, on=ON))) == 3
    counted_few = _queries(lambda: list(assess_exit_many(Household.objects.all(), YEAR, on=ON)))
    _many(cadre_yanhe, 27)

    results: list[tuple[Household, list[Criterion]]] = []
    counted_many = _queries(
        lambda: results.extend(assess_exit_many(Household.objects.all(), YEAR, on=ON))
    )

    assert len(results) == 30
    assert counted_few == counted_many == 8
    assert {h.pk: criteria for h, criteria in results} == {
        h.pk: assess_exit(h, YEAR, on=ON) for h in Household.objects.all()
    }
    per_household = _queries(lambda: assess_exit(few[0], YEAR, on=ON))
    assert per_household * 3 > counted_few  # what the bulk form saves already at 3


def test_misclassification_and_look_back_take_as_many_queries_for_3_and_30(
    cadre_yanhe, city_supervisor
):
    exited = {"status": Status.EXITED, "exit_year": 2019}
    _many(cadre_yanhe, 3, **exited)
    misclassification_suspects(user=city_supervisor, year=YEAR, on=ON)  # the user's assignment
    few_suspects = _queries(
        lambda: misclassification_suspects(user=city_supervisor, year=YEAR, on=ON)
    )
    few_look_back = _queries(lambda: create_look_back_tasks(period="2020-01"))
    _many(cadre_yanhe, 27, **exited)

    suspects: list[Suspect] = []
    many_suspects = _queries(
        lambda: suspects.extend(misclassification_suspects(user=city_supervisor, year=YEAR, on=ON))
    )
    many_look_back = _queries(lambda: create_look_back_tasks(period="2020-02"))

    assert many_suspects == few_suspects
    assert many_look_back == few_look_back
    # Half the households are under the line: every one of them is a wrong-exit suspect.
    assert len([s for s in suspects if s.kind == "wrong_exit"]) >= 15
    assert (
        LookBackTask.objects.filter(period="2020-02", flags__contains=["wrong_exit"]).count() >= 15
    )
