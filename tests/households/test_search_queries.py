"""The household search reads two bounded queries of candidates (decision 0027), on both
databases, and the list of a search that reached the bound says so."""

from __future__ import annotations

import pytest

from households import selectors
from households.models import Household
from regions.scoping import scope_by_region
from tests.households.factories import household_with_head

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_the_search_reads_two_bounded_queries_of_candidates(
    django_assert_num_queries, city_supervisor
):
    found = household_with_head()
    household_with_head()
    households = scope_by_region(Household.objects.all(), city_supervisor)

    with django_assert_num_queries(2):
        ids = selectors.search_candidates(households, f"户主{found.pk}")

    assert ids == [found.pk]


def test_a_list_search_reaching_the_bound_says_so(client, city_supervisor, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    for _ in range(3):
        household_with_head()
    client.force_login(city_supervisor)

    reached = client.get("/households/", {"q": "5206"}).content.decode()
    narrow = client.get("/households/", {"q": "户主"}).content.decode()

    assert 'data-search-limited="2"' in reached
    assert "data-search-limited" in narrow  # three heads named 户主…: the bound again
    assert "data-search-limited" not in client.get("/households/").content.decode()


def test_member_names_keep_finer_statistics_for_the_search_plan():
    """Migration 0012: with the default target a prefix's matches were underestimated twenty
    times at 2.7 million households and the planner sorted every match of the city."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's per-column statistics target")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'households_member'::regclass AND attname = 'name'"
        )
        assert cursor.fetchone()[0] == 1000
