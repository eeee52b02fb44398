"""拨付率, 报账率, 备案率, 竣工率: one query per call, checked against a hand-computed example."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assistance.selectors import EMPTY_RATES, ProjectRates, project_rates, project_rates_by_region
from tests.assistance.conftest import add_flow, make_project
from tests.conftest import BIJIANG, YANHE, YANHE_TOWNSHIP

START, END = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)


@pytest.fixture
def example(db):
    """沿河 in 2020 (by hand):

    A (2020, completed, township):  allocated 100, disbursed 80 (one of 20 in 2021), reimbursed 50
    B (2020, filed, county):        allocated 100, disbursed 20
    C (2020, planned):              nothing
    D (2019, accepted):             2020 disbursement of 30 on a 2019 allocation of 50
    E (2021, planned, due 2020-11): planned completion inside 2020
    碧江 F (2020, started):          allocated 10, disbursed 10

    沿河 2020: allocated 200, disbursed 60+20+30 = 110, reimbursed 50; projects of 2020: A B C
    → 3, filed A B → 2; planned for 2020: A B C (no date, year 2020) + E (due 2020-11) → 4,
    completed A → 1. Rates 55.00, 25.00, 66.67, 25.00.
    """
    a = make_project(YANHE_TOWNSHIP, name="A", state="completed")
    add_flow(a, "allocated", "100")
    add_flow(a, "disbursed", "60")
    add_flow(a, "disbursed", "20", "2021-02-01")
    add_flow(a, "reimbursed", "50")
    b = make_project(name="B", state="filed")
    add_flow(b, "allocated", "100")
    add_flow(b, "disbursed", "20")
    make_project(name="C")
    d = make_project(name="D", year=2019, state="accepted")
    add_flow(d, "allocated", "50", "2019-03-01")
    add_flow(d, "disbursed", "30", "2020-03-01")
    make_project(name="E", year=2021, planned_completion=datetime.date(2020, 11, 30))
    f = make_project(BIJIANG, name="F", state="started")
    add_flow(f, "allocated", "10")
    add_flow(f, "disbursed", "10")


YANHE_2020 = ProjectRates(
    allocated=Decimal("200.00"),
    disbursed=Decimal("110.00"),
    reimbursed=Decimal("50.00"),
    projects=3,
    filed=2,
    planned_for_year=4,
    completed=1,
)


def test_rates_of_one_region_in_one_query(example, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = project_rates(region=YANHE, start=START, end=END)
    assert rates == YANHE_2020
    assert rates.disbursement_rate == Decimal("55.00")
    assert rates.reimbursement_rate == Decimal("25.00")
    assert rates.filing_rate == Decimal("66.67")
    assert rates.completion_rate == Decimal("25.00")


def test_rates_by_county_in_one_query(example, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_county = project_rates_by_region(level="county", start=START, end=END)
    assert set(by_county) == {YANHE, BIJIANG}
    assert by_county[YANHE] == YANHE_2020
    assert by_county[BIJIANG].disbursement_rate == Decimal("100.00")
    assert by_county[BIJIANG].completion_rate == Decimal("0.00")


def test_rates_by_township_within_a_county(example, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_township = project_rates_by_region(level="township", start=START, end=END, within=YANHE)
    # Only A targets a township; B–E target the county itself and belong to no township.
    assert list(by_township) == [YANHE_TOWNSHIP]
    rates = by_township[YANHE_TOWNSHIP]
    assert (rates.allocated, rates.disbursed, rates.projects) == (
        Decimal("100.00"),
        Decimal("60.00"),
        1,
    )


def test_a_period_without_data_has_no_rates(example):
    rates = project_rates(
        region=YANHE, start=datetime.date(2015, 1, 1), end=datetime.date(2015, 12, 31)
    )
    assert rates == EMPTY_RATES
    assert rates.disbursement_rate is None
    assert rates.completion_rate is None
