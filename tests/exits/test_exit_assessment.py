"""Every boundary of the exit standard (DESIGN §4.1)."""

import datetime
from decimal import Decimal

import pytest

from exits.assessment import assess_exit
from inspections.models import Problem
from tests.households.factories import MemberFactory, household_with_head, income
from tests.inspections.helpers import ALL_ADEQUATE, record_visit

pytestmark = pytest.mark.django_db

YEAR = 2019
ON = datetime.date(2019, 12, 15)
LINE_2019 = Decimal("3747")


def criterion(household, code, on=ON):
    return next(c for c in assess_exit(household, YEAR, on=on) if c.code == code)


@pytest.mark.parametrize(
    ("per_capita", "passed"),
    [
        (LINE_2019 - 1, False),
        (LINE_2019, False),
        (LINE_2019 + 1, True),
    ],
    ids=["one-below", "equal-to-the-line", "one-above"],
)
def test_income_must_be_above_the_line(per_capita, passed):
    household = household_with_head()
    income(household, YEAR, per_capita, 1)

    result = criterion(household, "income")

    assert result.passed is passed
    assert str(LINE_2019) in result.evidence


def test_no_income_for_the_year_fails_with_its_reason():
    result = criterion(household_with_head(), "income")

    assert (result.passed, result.evidence) == (False, "2019年没有收入记录。")


@pytest.mark.parametrize(
    ("born", "schooling", "passed"),
    [
        (datetime.date(2013, 9, 1), "", False),
        (datetime.date(2013, 9, 2), "", True),
        (datetime.date(2003, 9, 2), "", False),
        (datetime.date(2003, 9, 1), "", True),
        (datetime.date(2010, 1, 1), "home_taught", True),
        (datetime.date(2010, 1, 1), "grade_7", True),
    ],
    ids=[
        "dropout-aged-6",
        "aged-5-not-counted",
        "dropout-aged-15",
        "aged-16-not-counted",
        "taught-at-home",
        "in-school",
    ],
)
def test_compulsory_education(born, schooling, passed):
    household = household_with_head()
    MemberFactory(
        household=household,
        name="孩子",
        relation="03",
        birth_date=born,
        schooling=schooling,
        education="" if schooling else "primary",
    )

    result = criterion(household, "education")

    assert result.passed is passed
    if not passed:
        assert "孩子" in result.evidence


@pytest.mark.parametrize(
    ("grade", "relocated", "passed"),
    [
        ("A", False, True),
        ("B", False, True),
        ("C", False, False),
        ("D", False, False),
        ("D", True, True),
        ("", False, False),
    ],
    ids=["A", "B", "C", "D", "D-but-relocated", "no-grade"],
)
def test_housing(grade, relocated, passed):
    household = household_with_head(housing_grade=grade, is_relocated=relocated)

    assert criterion(household, "housing").passed is passed


def test_a_member_without_basic_medical_insurance_fails():
    household = household_with_head()
    MemberFactory(household=household, name="田无保", basic_medical_insurance=False)

    result = criterion(household, "medical")

    assert (result.passed, result.evidence) == (False, "未参加基本医疗保险：田无保。")


def test_everyone_insured_passes():
    assert criterion(household_with_head(), "medical").passed is True


def test_no_visit_in_twelve_months_fails_food_and_clothing_with_the_reason(cadre_yanhe):
    household = household_with_head()
    record_visit(cadre_yanhe, household, ON - datetime.timedelta(days=366))

    for code in ("food", "clothing"):
        result = criterion(household, code)
        assert (result.passed, result.evidence) == (False, "近12个月内没有记录“五个看”的走访。")


def test_a_visit_within_twelve_months_with_adequate_looks_passes(cadre_yanhe):
    household = household_with_head()
    record_visit(cadre_yanhe, household, ON - datetime.timedelta(days=365))

    assert criterion(household, "food").passed is True
    assert criterion(household, "clothing").passed is True


@pytest.mark.parametrize(
    ("look", "code"),
    [("pot", "food"), ("cupboard", "food"), ("clothing", "clothing"), ("bedding", "clothing")],
)
def test_an_inadequate_look_fails_its_criterion(cadre_yanhe, look, code):
    household = household_with_head()
    record_visit(cadre_yanhe, household, ON, looks={**ALL_ADEQUATE, look: False})

    assert criterion(household, code).passed is False
    other = "clothing" if code == "food" else "food"
    assert criterion(household, other).passed is True


def test_water():
    assert criterion(household_with_head(water_safe=False), "water").passed is False
    assert criterion(household_with_head(water_safe=True), "water").passed is True


def test_an_open_mismatch_fails_consistency_until_its_problem_is_closed(
    cadre_yanhe, township_reviewer
):
    from inspections import services

    household = household_with_head()
    record_visit(
        cadre_yanhe,
        household,
        ON,
        consistency={"family_size": {"wall": "1", "bag": "1", "spoken": "3", "observed": "1"}},
    )
    assert criterion(household, "consistent").passed is False
    assert criterion(household, "no_open_problems").passed is False

    problem = Problem.objects.get(household=household)
    services.problem_rectify(actor=cadre_yanhe, problem=problem, evidence="已核实并更正")
    services.problem_verify(actor=township_reviewer, problem=problem)

    assert criterion(household, "consistent").passed is True
    assert criterion(household, "no_open_problems").passed is True


def test_no_consistency_check_fails():
    result = criterion(household_with_head(), "consistent")

    assert (result.passed, result.evidence) == (False, "没有“五个一致”比对记录。")


def test_a_household_meeting_everything_is_eligible(cadre_yanhe):
    from exits.assessment import is_eligible

    household = household_with_head()
    income(household, YEAR, Decimal("5000"), 1)
    record_visit(cadre_yanhe, household, ON)

    criteria = assess_exit(household, YEAR, on=ON)
    assert [c.code for c in criteria if not c.passed] == []
    assert is_eligible(criteria) is True
