"""Every page every role reaches answers, and its query count does not follow the data.

Each persona walks every page it can reach from its home page (``tests/page_walk.py``); then the
register grows under those same pages — every household gets another member, visit, problem,
measure and income, and more households arrive in the same village — and the same URLs are
opened again. A page whose query count changed runs a query per row somewhere: that is a page
that gets slower with every household, the thing the list pages promise not to do.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from households import services as households
from households.choices import Relation
from households.models import Household
from inspections import services as inspections
from tests.households.factories import MemberFactory, income
from tests.inspections.helpers import record_visit
from tests.page_walk import Page, measure, walk
from tests.tongren_fupin.fuzz_data import (
    YANHE_VILLAGE,
    YEAR,
    _household_with_casework,
    seed_register,
)

PERSONAS = ("cadre_yanhe", "township_reviewer", "county_supervisor", "city_supervisor")


def grow(cadre: Any, round_: int) -> None:
    """More of every kind of casework under the pages already walked."""
    for household in Household.objects.filter(region_id=YANHE_VILLAGE):
        MemberFactory(household=household, relation=Relation.SON, name="儿子")
        income(household, YEAR - 1 - round_, Decimal("3900"), household.members.count())
        households.measure_add(
            actor=cadre,
            household=household,
            data={
                "kind": "employment",
                "year": YEAR,
                "description": "务工",
                "amount": Decimal("800"),
            },
        )
        visit = record_visit(cadre, household, datetime.date(YEAR, 11, 1 + round_))
        problem = inspections.problem_open(
            actor=cadre,
            household=household,
            data={
                "visit": visit,
                "source": "visit",
                "category": "fill_gaps",
                "description": "饮水管道待修",
                "deadline": datetime.date(YEAR, 12, 15),
                "responsible": cadre,
            },
        )
        inspections.problem_start(actor=cadre, problem=problem)
    for _ in range(4):
        _household_with_casework(cadre, YANHE_VILLAGE)


# Pages that, opened first, compute an ended period's missing snapshots once and store them (the
# next request reads them): the dashboard's yearly incidence and fund rates when no dispatch has
# run for those years yet. Listed by route so that a new page doing it fails the test.
COMPUTE_ONCE_ROUTES: set[str] = set()


def differing(before: list[Page], after: list[Page]) -> list[tuple[str, str, int, int]]:
    return [
        (b.route, b.url, b.queries, a.queries)
        for b, a in zip(before, after, strict=True)
        if a.queries != b.queries
    ]


@pytest.mark.django_db
def test_no_page_of_any_role_answers_an_error_or_grows_its_queries_with_the_register():
    users = seed_register()
    clients = {}
    walked = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        clients[persona].force_login(users[persona])
        cache.clear()
        walked[persona] = walk(clients[persona], limit=250, per_route=2)
    urls = {persona: [page.url for page in pages] for persona, pages in walked.items()}

    # Opened again with nothing changed: the same queries, except where a page stored what it
    # computed the first time.
    again = {persona: measure(clients[persona], urls[persona]) for persona in PERSONAS}
    computed_once = [
        row
        for persona in PERSONAS
        for row in differing(walked[persona], again[persona])
        if row[0] not in COMPUTE_ONCE_ROUTES
    ]

    # Every household gets one more of everything (so that no kind goes from none to some
    # between the two measures), then the register grows again under the same pages.
    grow(users["cadre_yanhe"], 1)
    base = {persona: measure(clients[persona], urls[persona]) for persona in PERSONAS}
    grow(users["cadre_yanhe"], 2)
    after = {persona: measure(clients[persona], urls[persona]) for persona in PERSONAS}
    grown = [row for persona in PERSONAS for row in differing(base[persona], after[persona])]

    everything = [
        page for pages in (walked, again, base, after) for p in pages.values() for page in p
    ]
    errors = [(page.url, page.status) for page in everything if page.status >= 500]
    # The walk reached the pages of the casework, not only the menu.
    routes = {page.route for pages in walked.values() for page in pages}
    assert {"households:detail", "inspections:problem-detail", "inspections:visit-detail"} <= routes
    assert sum(len(pages) for pages in walked.values()) > 60
    assert errors == []
    assert computed_once == [], "\n".join(map(str, computed_once))
    assert grown == [], "\n".join(map(str, grown))
