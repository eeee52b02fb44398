"""Concurrent writers never answer 500, on PostgreSQL and on the embedded SQLite of `make run`.

On SQLite a write used to start as a read and take the write lock half-way; a second writer
then failed at once with "database is locked" (a 500 on exit approval, member add, even login).
With WAL, a busy timeout and immediate write transactions (tongren_fupin/settings.py) the
second writer waits its turn instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from households.models import Member
from tests.conftest import YANHE_VILLAGE
from tests.households.factories import household_with_head, make_id
from tests.regions.factories import assigned_user

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]

WRITERS = 6
PASSWORD = "correct horse battery staple"  # tests/regions/factories.py


def _all_at_once(work: Callable[[int], int]) -> list[int]:
    """``work(n)`` for each writer in its own thread (and connection), started together."""
    start = threading.Barrier(WRITERS)

    def run(number: int) -> int:
        try:
            start.wait()
            return work(number)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        return list(pool.map(run, range(WRITERS)))


def _member(number: int) -> dict[str, Any]:
    return {
        "version": 1,
        "name": f"新成员{number}",
        "id_number": make_id(sequence=100 + number),
        "relation": "03",
        "education": "junior",
    }


def test_the_embedded_database_runs_in_wal_mode_with_immediate_writes(tongren_regions):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]

    assert (mode, timeout, connection.transaction_mode) == ("wal", 20000, "IMMEDIATE")


def test_concurrent_logins_all_succeed(tongren_regions):
    for number in range(WRITERS):
        assigned_user(f"cadre{number}", "village_cadre", YANHE_VILLAGE)

    def log_in(number: int) -> int:
        client = Client(raise_request_exception=False)
        response = client.post("/login/", {"username": f"cadre{number}", "password": PASSWORD})
        return response.status_code

    statuses = _all_at_once(log_in)

    assert statuses == [302] * WRITERS
    assert Session.objects.count() == WRITERS
    assert AccessLog.objects.count() == WRITERS


def test_concurrent_member_adds_to_different_households_all_succeed(tongren_regions):
    cadre = assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    households = [
        household_with_head(household_no=f"52062710020000{number:02d}") for number in range(WRITERS)
    ]

    def add_member(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(cadre)
        url = f"/api/v1/households/{households[number].pk}/members/"
        return api.post(url, _member(number), format="json").status_code

    statuses = _all_at_once(add_member)

    assert statuses == [201] * WRITERS
    assert [Member.objects.filter(household=h).count() for h in households] == [2] * WRITERS


def test_concurrent_member_adds_to_one_household_add_one_and_refuse_the_rest(tongren_regions):
    cadre = assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    household = household_with_head()

    def add_member(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(cadre)
        url = f"/api/v1/households/{household.pk}/members/"
        return api.post(url, _member(number), format="json").status_code

    statuses = _all_at_once(add_member)

    # The first writer adds its member and bumps the version; the others had read version 1.
    assert sorted(statuses) == [201] + [409] * (WRITERS - 1)
    assert Member.objects.filter(household=household).count() == 2
