"""Household search reads a bounded candidate set (decision 0027): on the demo register it finds
the same households as the unbounded search did, and a prefix matching more than the bound
lists the bound, the same households each time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import TestCase

from demo.register import generate_register
from households import selectors
from households.models import Household, Member
from regions.scoping import scope_by_region
from tests.regions.factories import assigned_user

pytestmark = pytest.mark.django_db


def unbounded(user: Any, term: str) -> set[int]:
    """The search as it was: every household whose number or a member's name starts with the
    term (two characters at least for a name)."""
    matches = Q(household_no__startswith=term)
    if len(term) >= selectors.MIN_NAME_SEARCH:
        matches |= Q(pk__in=Member.objects.filter(name__startswith=term).values("household_id"))
    return set(
        scope_by_region(Household.objects.filter(matches), user).values_list("pk", flat=True)
    )


def searched(user: Any, term: str) -> list[int]:
    filters = selectors.HouseholdFilters(search=term)
    return list(selectors.household_list(user=user, filters=filters).values_list("pk", flat=True))


@pytest.fixture(scope="module")
def register(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo register at 1/100 (what ``make run`` loads), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", "--allow", stdout=io.StringIO())
            generate_register(scale=0.01, batch_size=20000)
            users = {
                "city": assigned_user("search_city", "city_supervisor", "520600000000"),
                "county": assigned_user("search_county", "county_supervisor", "520627000000"),
            }
        yield users
        transaction.set_rollback(True)


def terms() -> list[str]:
    """Prefixes of every length a person types: surnames with a first given character, whole
    names, number prefixes."""
    names = list(Member.objects.order_by("pk").values_list("name", flat=True)[:400:20])
    numbers = list(Household.objects.order_by("pk").values_list("household_no", flat=True)[:200:25])
    return sorted(
        {name[:2] for name in names}
        | set(names)
        | {number[:k] for number in numbers for k in (4, 9, 14)}
        | {"5206"}  # every household of the city by number
    )


def test_the_search_finds_what_the_unbounded_search_found_on_the_demo_register(register):
    checked = 0
    for who in ("city", "county"):
        user = register[who]
        for term in terms():
            expected = unbounded(user, term)
            if len(expected) >= selectors.SEARCH_LIMIT:
                continue  # past the bound: the next test
            assert set(searched(user, term)) == expected, (who, term)
            checked += 1
    assert checked > 40


def test_a_prefix_matching_more_than_the_bound_lists_the_bound_each_time(register):
    city = register["city"]
    assert len(unbounded(city, "5206")) > selectors.SEARCH_LIMIT

    first = searched(city, "5206")
    again = searched(city, "5206")

    assert len(first) == selectors.SEARCH_LIMIT
    assert first == again
    expected = list(
        Household.objects.order_by("region_id", "household_no").values_list("pk", flat=True)[
            : selectors.SEARCH_LIMIT
        ]
    )
    assert first == expected  # the first villages' households, in the list's order
