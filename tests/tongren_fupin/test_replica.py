"""Reads that may lag go to a PostgreSQL hot standby; writes, and the next reads of the client
that wrote, to the primary; and the primary serves everything while the standby is down
(decision 0031).

The tests marked ``replica`` need the primary and the hot standby of ``scripts/pg-replica.sh``
(``make test-replica`` starts them, runs these tests against them and removes them). The others
check the routing rules without a second server.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from households.models import Household
from regions.models import Assignment
from tests.households.factories import household_with_head
from tests.regions.factories import assigned_user
from tests.worker import wait_for
from tongren_fupin import db_router
from tongren_fupin.middleware import _reads_may_lag
from tongren_fupin.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-replica.sh"
LIST = "/api/v1/households/"
YANHE_VILLAGE = "520627100200"
CITY = "520600000000"


@pytest.fixture
def lagging() -> Iterator[None]:
    db_router.set_reads_may_lag(True)
    try:
        yield
    finally:
        db_router.set_reads_may_lag(False)


@pytest.mark.parametrize(
    ("path", "may_lag"),
    [
        ("/api/v1/households/", True),  # an API list
        ("/api/v1/households/1/", False),  # a detail: what was just written is shown
        ("/api/v1/indicators/", True),
        ("/api/v1/reports/1/", True),
        ("/supervision/", True),
        ("/supervision/readiness/520627000000/", True),
        ("/misclassification/", True),
        ("/households/", False),  # the cadres' working list: read right after their writes
    ],
)
def test_the_views_whose_reads_may_lag(path, may_lag):
    assert _reads_may_lag(resolve(path).func) is may_lag


def test_lagging_reads_of_the_register_go_to_the_replica_and_never_sessions_or_users(lagging):
    router = db_router.ReplicaRouter()

    assert router.db_for_read(Household) == "replica"
    assert router.db_for_read(Session) is None
    assert router.db_for_read(get_user_model()) is None
    assert router.db_for_read(OutboxMessage) is None
    assert router.db_for_read(Assignment) is None  # who may see what never lags
    assert router.db_for_write(Household) == "default"
    assert router.allow_migrate("replica", "households") is False
    assert router.allow_migrate("default", "households") is True


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_reads_stay_there(lagging):
    router = db_router.ReplicaRouter()

    with transaction.atomic():
        assert router.db_for_read(Household) is None


def test_without_a_replica_nothing_reads_from_one(settings):
    if "replica" in settings.DATABASES:
        pytest.skip("a replica is configured in this run")

    with db_router.reads_may_lag() as lagging_reads:
        assert lagging_reads is False
        assert db_router.ReplicaRouter().db_for_read(Household) is None


@pytest.mark.django_db
def test_without_a_replica_the_health_check_says_nothing_of_one(settings, client, tmp_path):
    if "replica" in settings.DATABASES:
        pytest.skip("a replica is configured in this run")
    settings.MEDIA_ROOT = tmp_path
    client.force_login(get_user_model().objects.create_user("h_operator", is_staff=True))

    response = client.get("/health/")

    assert response.status_code == 200
    assert "replica" not in response.json() and "database" in response.json()["checks"]


# -- against a real hot standby ------------------------------------------------------------

replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES,
    reason="needs the primary and hot standby of scripts/pg-replica.sh: run `make test-replica`",
)


def scalar(alias: str, sql: str, params: list[Any] | None = None) -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def replayed() -> None:
    """Wait until the standby has replayed everything the primary wrote so far."""
    lsn = scalar("default", "SELECT pg_current_wal_insert_lsn()::text")
    wait_for(
        lambda: scalar("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]),
        seconds=30,
    )


def tables_read(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def households_of(client: Any, replica_up: bool = True) -> tuple[dict[int, int], str, str]:
    """The list as ``client`` reads it ({id: version}), and the SQL each server ran (a stopped
    replica is not watched: watching connects)."""
    with contextlib.ExitStack() as stack:
        primary = stack.enter_context(CaptureQueriesContext(connections["default"]))
        standby = (
            stack.enter_context(CaptureQueriesContext(connections["replica"]))
            if replica_up
            else None
        )
        response = client.get(LIST)
    assert response.status_code == 200, response.content
    rows = {row["id"]: row["version"] for row in response.json()["results"]}
    return rows, tables_read(primary), tables_read(standby) if standby is not None else ""


@pytest.fixture
def standby() -> Iterator[None]:
    db_router.forget_replica_state()
    assert scalar("replica", "SELECT pg_is_in_recovery()") is True  # a hot standby indeed
    try:
        yield
    finally:
        if scalar_or_none("SELECT pg_is_wal_replay_paused()"):
            scalar("replica", "SELECT pg_wal_replay_resume()::text")
        db_router.forget_replica_state()


def scalar_or_none(sql: str) -> Any:
    try:
        return scalar("replica", sql)
    except Exception:  # the standby is stopped
        connections["replica"].close()
        return None


@replica
@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_list_read_goes_to_the_replica(standby, tongren_regions, api):
    household = household_with_head()
    api.force_authenticate(assigned_user("r_city", "city_supervisor", CITY))
    replayed()

    rows, primary, standby_sql = households_of(api)

    assert rows == {household.pk: 1}
    assert "households_household" in standby_sql
    assert "households_household" not in primary


@replica
@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_write_and_the_next_read_of_the_same_client_use_the_primary(
    standby, tongren_regions, api, client
):
    household = household_with_head()
    cadre = assigned_user("r_cadre", "village_cadre", YANHE_VILLAGE)
    other = assigned_user("r_county", "county_supervisor", "520627000000")
    api.force_authenticate(cadre)
    client.force_login(other)
    replayed()
    scalar("replica", "SELECT pg_wal_replay_pause()::text")  # the standby lags from here on

    written = api.patch(f"{LIST}{household.pk}/", {"version": 1, "phone": "13800000001"})
    mine, primary, standby_sql = households_of(api)
    theirs, _, others_standby = households_of(client)

    assert written.status_code == 200, written.content
    assert db_router.PRIMARY_COOKIE in written.cookies
    assert mine == {household.pk: 2}  # the writer reads its write: the primary
    assert "households_household" in primary and "households_household" not in standby_sql
    assert theirs == {household.pk: 1}  # another client reads the lagging replica
    assert "households_household" in others_standby


@replica
@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_app_keeps_serving_from_the_primary_when_the_replica_is_down(
    standby, tongren_regions, api, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the health check writes a file to the storage
    household = household_with_head()
    api.force_authenticate(assigned_user("r_city", "city_supervisor", CITY))
    replayed()
    assert households_of(api)[0] == {household.pk: 1}  # from the replica

    operator = get_user_model().objects.create_user("r_operator", is_staff=True)
    subprocess.run([str(SCRIPT), "stop-standby"], check=True, capture_output=True)
    try:
        rows, primary, _ = households_of(api, replica_up=False)
        again, _, _ = households_of(api, replica_up=False)  # left alone for a while
        client.force_login(operator)
        health = client.get("/health/")
    finally:
        subprocess.run([str(SCRIPT), "start-standby"], check=True, capture_output=True)
        connections["replica"].close()

    assert rows == again == {household.pk: 1}
    assert "households_household" in primary
    assert health.status_code == 200  # the service is whole: the primary serves
    assert health.json()["replica"] == "down"
    wait_for(lambda: scalar_or_none("SELECT pg_is_in_recovery()"), seconds=30)
