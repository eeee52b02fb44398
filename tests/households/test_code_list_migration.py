"""The register's rows move to the national code lists and back without losing a member.

Forward (households 0010): 高中, 中职 and 高职 get a grade from the member's age on 1 September
of the household's latest income year (this school year without one); every other value stays.
Backward: the grades collapse again and what the earlier lists did not have becomes its nearest
earlier value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from households.models import Member
from tests.households.factories import HouseholdFactory, MemberFactory, make_id

BEFORE = ("households", "0008_move_exits_and_monitoring_out")
VILLAGE = "990101100200"


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    """Leaves the database at the latest migrations whatever the test did."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(sorted(executor.loader.applied_migrations or {})).apps


def _this_school_year() -> int:
    today = datetime.date.today()
    return today.year if (today.month, today.day) >= (9, 1) else today.year - 1


@pytest.mark.django_db(transaction=True)
def test_the_collapsed_schooling_values_get_a_grade_by_age_and_come_back(executor):
    apps = _migrate([BEFORE])
    region = apps.get_model("regions", "Region")
    household_model = apps.get_model("households", "Household")
    member_model = apps.get_model("households", "Member")
    income_model = apps.get_model("households", "AnnualIncome")
    city = region.objects.create(code="990100000000", name="迁移市", level="city")
    county = region.objects.create(code="990101000000", name="迁移县", level="county", parent=city)
    town = region.objects.create(
        code="990101100000", name="迁移镇", level="township", parent=county
    )
    village = region.objects.create(code=VILLAGE, name="迁移村", level="village", parent=town)
    with_income = household_model.objects.create(
        household_no="MIG-0001", region=village, identification_year=2014, main_cause="illness"
    )
    income_model.objects.create(household=with_income, year=2019, member_count=6)
    income_model.objects.create(household=with_income, year=2020, member_count=6)
    without_income = household_model.objects.create(
        household_no="MIG-0002", region=village, identification_year=2014, main_cause="illness"
    )
    # (household, born, schooling before, education, schooling after)
    people = [
        (with_income, datetime.date(2004, 3, 1), "senior", "", "senior_2"),  # 16 on 2020-09-01
        (with_income, datetime.date(2005, 9, 1), "senior", "", "senior_1"),  # 15
        (
            with_income,
            datetime.date(2006, 1, 5),
            "vocational_secondary",
            "",
            "vocational_secondary_1",
        ),  # 14: the first year
        (
            with_income,
            datetime.date(2003, 9, 2),
            "vocational_secondary",
            "",
            "vocational_secondary_2",
        ),  # 16
        (
            with_income,
            datetime.date(2001, 1, 1),
            "vocational_higher",
            "",
            "vocational_higher_2",
        ),  # 19
        (with_income, datetime.date(1999, 1, 1), "senior", "", "senior_3"),  # 21: the last year
        (with_income, datetime.date(2008, 5, 1), "grade_7", "", "grade_7"),
        (with_income, datetime.date(1970, 5, 1), "", "junior", ""),
        (without_income, datetime.date(1990, 1, 1), "vocational_higher", "", "vocational_higher_3"),
        (without_income, datetime.date(_this_school_year() - 15, 1, 1), "senior", "", "senior_1"),
    ]
    ids = []
    for sequence, (household, born, schooling, education, _after) in enumerate(people, start=1):
        member = member_model.objects.create(
            household=household,
            name=f"成员{sequence}",
            id_number=make_id(born, sequence),
            sex="male",
            birth_date=born,
            relation="01" if sequence in (1, 9) else "03",
            education=education,
            schooling=schooling,
        )
        ids.append(member.pk)

    _migrate([("households", "0010_schooling_by_grade")])

    after = dict(Member.objects.filter(pk__in=ids).values_list("pk", "schooling"))
    assert [after[pk] for pk in ids] == [person[4] for person in people]
    assert Member.objects.count() == len(people)

    apps = _migrate([BEFORE])

    back = dict(apps.get_model("households", "Member").objects.values_list("pk", "schooling"))
    assert [back[pk] for pk in ids] == [person[2] for person in people]


@pytest.mark.django_db(transaction=True)
def test_going_back_turns_the_new_codes_into_their_nearest_earlier_value(executor, tongren_regions):
    household = HouseholdFactory()
    rows = [
        MemberFactory(household=household, relation="01", education="junior"),
        MemberFactory(household=household, relation="23", education="junior"),
        MemberFactory(
            household=household,
            relation="04",
            education="primary",
            schooling="not_in_school",
            health="chronic_disabled",
        ),
        MemberFactory(
            household=household,
            relation="26",
            education="",
            schooling="grade_8",
            health="serious_disabled",
        ),
        MemberFactory(
            household=household,
            relation="03",
            education="junior",
            work_status="other",
            work_months=5,
        ),
    ]

    apps = _migrate([BEFORE])

    earlier = {
        row["pk"]: row
        for row in apps.get_model("households", "Member").objects.values(
            "pk", "relation", "schooling", "education", "health", "work_status", "work_months"
        )
    }
    assert [
        tuple(earlier[m.pk][k] for k in ("relation", "schooling", "health", "work_status"))
        for m in rows
    ] == [
        ("01", "", "healthy", ""),
        ("99", "", "healthy", ""),
        ("04", "", "disabled", ""),
        ("99", "grade_8", "serious", ""),
        ("03", "", "healthy", ""),
    ]
    assert earlier[rows[4].pk]["work_months"] == 0
    assert earlier[rows[2].pk]["education"] == "primary"


@pytest.mark.django_db(transaction=True)
def test_nationalities_get_their_gb_3304_code_and_come_back(executor, tongren_regions):
    household = HouseholdFactory()
    names = ["han", "tujia", "miao", "dong", "gelao", "buyi", "other"]
    rows = [MemberFactory(household=household, relation="01" if n == 0 else "03") for n in range(8)]
    shui = rows.pop()

    apps = _migrate([("households", "0010_schooling_by_grade")])
    earlier = apps.get_model("households", "Member").objects
    for row, name in zip(rows, names, strict=True):
        earlier.filter(pk=row.pk).update(ethnicity=name)
    earlier.filter(pk=shui.pk).update(ethnicity="other")

    _migrate([("households", "0011_ethnicity_gb3304_and_political_status")])

    codes = dict(Member.objects.values_list("pk", "ethnicity"))
    assert [codes[row.pk] for row in rows] == ["01", "15", "06", "12", "37", "09", "97"]
    Member.objects.filter(pk=shui.pk).update(ethnicity="25", political_status="03")
    assert Member.objects.count() == 8

    apps = _migrate([("households", "0010_schooling_by_grade")])

    back = dict(apps.get_model("households", "Member").objects.values_list("pk", "ethnicity"))
    assert [back[row.pk] for row in rows] == names
    assert back[shui.pk] == "other"
