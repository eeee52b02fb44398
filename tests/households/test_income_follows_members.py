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
