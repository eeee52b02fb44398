"""A household that moved into a relocation home has safe housing in the exit assessment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exits.assessment import assess_exit, housing_secured
from tests.households.factories import household_with_head
from tests.relocation.factories import SiteFactory, relocated_household

pytestmark = pytest.mark.django_db


def test_a_relocated_household_in_a_dangerous_house_has_housing_secured():
    site = SiteFactory(name="响塘龙安置点")
    household = relocated_household(
        site, housing_grade="D", is_relocated=False, moved_in=datetime.date(2019, 6, 1)
    )

    passed, evidence = housing_secured(household)

    assert (passed, evidence) == (True, "已搬迁入住安置点响塘龙安置点（2019-06-01）。")


def test_without_a_relocation_a_dangerous_house_fails():
    household = household_with_head(housing_grade="D")

    assert housing_secured(household) == (False, "住房等级 D，属危房。")


def test_the_assessment_takes_as_many_queries_with_or_without_a_relocation():
    plain = household_with_head(housing_grade="D")
    moved = relocated_household(SiteFactory(), housing_grade="D")

    counts = []
    for household in (plain, moved):
        with CaptureQueriesContext(connection) as queries:
            criteria = assess_exit(household, 2019, on=datetime.date(2019, 12, 15))
        counts.append(len(queries))
        assert criteria[5].code == "housing"

    assert counts[0] == counts[1]
