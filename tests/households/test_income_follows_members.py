"""Adding or removing a member on the register's pages recomputes the per-capita income of the
household's latest income year (issue 17: derived figures are never stale)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from households import services
from households.models import AnnualIncome
from tests.households.factories import MemberFactory, household_with_head, income, make_id

pytestmark = pytest.mark.django_db


def sizes(household) -> dict[int, tuple[int, Decimal]]:
    return {
        row.year: (row.member_count, row.per_capita_net_income)
        for row in AnnualIncome.objects.filter(household=household)
    }


def test_a_member_added_on_the_page_recomputes_the_latest_income_year(client, cadre_yanhe):
    household = household_with_head()
    MemberFactory(household=household, relation="02")
    income(household, 2019, Decimal("4000"), 2)
    income(household, 2020, Decimal("6000"), 2)  # net 12,000
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/members/new/",
        {"version": "1", "relation": "04", "name": "田小红", "id_number": make_id(sequence=91),
         "ethnicity": "15", "education": "", "schooling": "grade_8", "health": "healthy",
         "labour_ability": "none", "work_months": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    assert sizes(household) == {
        2019: (2, Decimal("4000.00")),  # history: that year's size
        2020: (3, Decimal("4000.00")),
    }
    event = AuditEvent.objects.get(action="income.resized")
    assert event.changes == {
        "member_count": [2, 3],
        "per_capita_net_income": ["6000.00", "4000.00"],
    }
    assert event.subject_id == str(household.pk)


@pytest.mark.sqlite
def test_a_member_removed_recomputes_it_back(cadre_yanhe):
    household = household_with_head()
    child = MemberFactory(household=household, relation="03")
    MemberFactory(household=household, relation="04")
    income(household, 2020, Decimal("3000"), 3)  # net 9,000

    services.member_remove(actor=cadre_yanhe, member=child, expected_version=1)

    assert sizes(household) == {2020: (2, Decimal("4500.00"))}
    assert AuditEvent.objects.filter(action="income.resized").count() == 1


def test_a_household_without_income_or_with_the_right_size_records_no_resize(cadre_yanhe):
    without = household_with_head()
    right = household_with_head()
    income(right, 2020, Decimal("3000"), 2)

    services.member_add(
        actor=cadre_yanhe, household=without, expected_version=1,
        data={"name": "田一", "id_number": make_id(sequence=92), "relation": "02",
              "education": "junior"},
    )  # fmt: skip
    services.member_add(
        actor=cadre_yanhe, household=right, expected_version=1,
        data={"name": "田二", "id_number": make_id(sequence=93), "relation": "02",
              "education": "junior"},
    )  # fmt: skip

    assert sizes(without) == {}
    assert sizes(right) == {2020: (2, Decimal("3000.00"))}
    assert AuditEvent.objects.filter(action="income.resized").count() == 0


# -- recording an income: the latest year counts the members ------------------------------------

STALE = ("年末家庭人口数 填为 5，但该户登记有 2 名家庭成员。最新年度以家庭成员为准："
         "请增减家庭成员，或不填此项。")  # fmt: skip


def two_members():
    household = household_with_head()
    MemberFactory(household=household, relation="02")
    return household


def test_the_income_page_refuses_a_latest_year_size_that_differs_from_the_members(
    client, cadre_yanhe
):
    household = two_members()
    income(household, 2019, Decimal("4000"), 4)  # history: that year the household had 4
    client.force_login(cadre_yanhe)
    url = f"/households/{household.pk}/incomes/record/"

    refused = client.post(url, {"version": "1", "year": "2020", "wage": "9000",
                                "member_count": "5"})  # fmt: skip

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"member_count": [STALE]}
    assert sizes(household) == {2019: (4, Decimal("4000.00"))}

    accepted = client.post(url, {"version": "1", "year": "2020", "wage": "9000"})

    assert accepted.status_code == 302
    assert sizes(household) == {2019: (4, Decimal("4000.00")), 2020: (2, Decimal("4500.00"))}


def test_the_income_api_refuses_a_latest_year_size_that_differs_from_the_members(api, cadre_yanhe):
    household = two_members()
    api.force_authenticate(cadre_yanhe)
    url = f"/api/v1/households/{household.pk}/incomes/"

    refused = api.post(url, {"version": 1, "year": 2020, "wage": "9000", "member_count": 5})

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"member_count": [STALE]}
    assert sizes(household) == {}

    accepted = api.post(url, {"version": 1, "year": 2020, "wage": "9000", "member_count": 2})

    assert accepted.status_code == 201
    assert (accepted.json()["member_count"], accepted.json()["per_capita_net_income"]) == (
        2,
        "4500.00",
    )


def test_correcting_the_latest_year_recounts_a_stale_size(cadre_yanhe):
    household = two_members()
    income(household, 2020, Decimal("3000"), 3)  # recorded before a member left

    services.income_record(actor=cadre_yanhe, household=household, expected_version=1,
                           year=2020, inputs={"wage": Decimal("9000")})  # fmt: skip

    assert sizes(household) == {2020: (2, Decimal("4500.00"))}


def test_an_earlier_year_keeps_its_recorded_size_or_takes_the_one_given(cadre_yanhe):
    household = two_members()
    income(household, 2019, Decimal("1000"), 4)
    income(household, 2020, Decimal("3000"), 2)

    services.income_record(actor=cadre_yanhe, household=household, expected_version=1,
                           year=2019, inputs={"wage": Decimal("6000")})  # fmt: skip
    kept = sizes(household)[2019]
    services.income_record(actor=cadre_yanhe, household=household, expected_version=2,
                           year=2019, inputs={"wage": Decimal("6000")}, member_count=5)  # fmt: skip

    assert kept == (4, Decimal("1500.00"))
    assert sizes(household) == {2019: (5, Decimal("1200.00")), 2020: (2, Decimal("3000.00"))}
