"""The misclassification page counts as 错退率 counts: the households exited by the end of the
year asked for, in the jurisdiction or the part of it the page is narrowed to (?region=)."""

from __future__ import annotations

import re

import pytest

from households.choices import Status
from supervision import indicators
from supervision.periods import parse_period
from tests.exits.helpers import compute_suspects
from tests.households.factories import household_with_head
from tests.permissions import check_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

YANHE, BIJIANG = "520627000000", "520602000000"
BIJIANG_VILLAGE = "520602100200"


def unsafe_water(exit_year: int, **fields: object) -> object:
    """An exited household whose register fails the standard (drinking water not safe)."""
    return household_with_head(
        status=Status.EXITED, exit_year=exit_year, water_safe=False, **fields
    )


def wrong_exits(html: str) -> tuple[int, int]:
    households, people = re.search(
        r'data-households="(\d+)" data-people="(\d+)" data-kind="wrong_exit"', html
    ).groups()
    return int(households), int(people)


def test_a_household_exiting_after_the_year_is_not_a_wrong_exit_of_that_year(
    client, city_supervisor
):
    exited_2019 = unsafe_water(2019)
    exited_2020 = unsafe_water(2020)
    compute_suspects(2019)
    client.force_login(city_supervisor)

    html = client.get("/misclassification/", {"year": 2019}).content.decode()

    assert wrong_exits(html) == (1, 1)
    assert exited_2019.household_no in html and exited_2020.household_no not in html
    rate = indicators.wrong_exit_rate(level="county", period=parse_period("2019"))[YANHE]
    assert (rate.numerator, rate.denominator) == (1, 1)


def test_the_page_narrowed_to_a_county_counts_that_county_only(client, city_supervisor):
    yanhe = unsafe_water(2019)
    bijiang = unsafe_water(2019, region_id=BIJIANG_VILLAGE)
    household_with_head(status=Status.EXITED, exit_year=2019, region_id=BIJIANG_VILLAGE)
    compute_suspects(2019)
    client.force_login(city_supervisor)

    html = client.get("/misclassification/", {"year": 2019, "region": BIJIANG}).content.decode()

    assert wrong_exits(html) == (1, 1)
    assert re.search(r'data-exited="(\d+)"', html).group(1) == "2"
    assert bijiang.household_no in html and yanhe.household_no not in html
    assert f"region={BIJIANG}" in html  # the kind links keep the county


def test_a_county_outside_the_jurisdiction_answers_404(
    county_supervisor, county_supervisor_bijiang
):
    unsafe_water(2019)
    compute_suspects(2019)

    response = check_permission_matrix(
        f"/misclassification/?year=2019&region={YANHE}",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
    )

    assert wrong_exits(response.content.decode()) == (1, 1)
