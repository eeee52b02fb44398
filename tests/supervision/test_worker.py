"""The monthly dispatch on a real Celery worker and the local Redis: run twice it leaves one set
of snapshots, one bulletin and one notification per recipient; killed half-way it is delivered
again and ends as an uninterrupted run would."""

from __future__ import annotations

import datetime
from typing import Any

import psycopg
import pytest
import redis
from django.db import connection

from households.choices import Status
from inspections.models import Problem
from regions.models import Region
from supervision import services
from supervision.models import IndicatorSnapshot, Notification, Report
from supervision.periods import parse_period
from tests.households.factories import MemberFactory, household_with_head
from tests.regions.factories import assigned_user
from tests.worker import redis_url, wait_for

pytestmark = pytest.mark.worker

PERIOD = "2019-09"
TASK = "supervision.monthly_dispatch"


@pytest.fixture
def casework(tongren_regions: None) -> list[Any]:
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    MemberFactory(household=household)
    problem = Problem.objects.create(
        household=household,
        source="visit",
        category="diligence",
        description="子女教育资助未落实",
        deadline=datetime.date(2019, 9, 1),
    )
    Problem.objects.filter(pk=problem.pk).update(
        created=datetime.datetime(2019, 8, 1, tzinfo=datetime.UTC)
    )
    recipients = [
        assigned_user("w_city", "city_supervisor", "520600000000"),
        assigned_user("w_yanhe", "county_supervisor", "520627000000"),
        assigned_user("w_bijiang", "county_supervisor", "520602000000"),
    ]
    yield recipients
    redis.Redis.from_url(redis_url()).delete("celery")  # e-mail tasks queued for no worker


def outcome() -> dict[str, Any]:
    snapshots = list(
        IndicatorSnapshot.objects.order_by("indicator", "region").values_list(
            "indicator", "region", "period", "value", "numerator", "denominator"
        )
    )
    return {
        "snapshots": snapshots,
        "reports": sorted(Report.objects.values_list("kind", "period")),
        "notifications": sorted(Notification.objects.values_list("user__username", "key")),
    }


def expected_snapshots() -> list[tuple]:
    results = services.compute_period(parse_period(PERIOD))
    return sorted(
        (code, region, PERIOD, fig.value, fig.numerator, fig.denominator)
        for code, result in results.items()
        for region, fig in result.items()
    )


def test_the_dispatch_run_twice_on_a_worker_makes_one_of_everything(celery_worker, casework):
    first = celery_worker.send(TASK, PERIOD).get(timeout=120)
    after_first = outcome()
    second = celery_worker.send(TASK, PERIOD).get(timeout=120)

    assert first == second
    assert outcome() == after_first
    counties = Region.objects.filter(level="county").count()
    assert len(after_first["snapshots"]) == 16 * (counties + 1)  # 16 indicators
    assert after_first["snapshots"] == expected_snapshots()
    assert after_first["reports"] == [("bulletin", PERIOD), ("dispatch", PERIOD)]
    assert after_first["notifications"] == sorted(
        (user.username, f"bulletin:{PERIOD}") for user in casework
    )
    assert celery_worker.log().count(f"Task {TASK}[") >= 2


def backend_waiting_to_write_snapshots() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'INSERT INTO \"supervision_indicatorsnapshot\"%%'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return bool(cursor.fetchone()[0])


def test_a_dispatch_killed_half_way_is_redelivered_and_ends_as_an_uninterrupted_run(
    celery_worker, casework
):
    # Given the worker is computing the dispatch and waits to write the snapshots, because
    # another session holds the table
    s = connection.settings_dict
    holder = psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"]
    )
    holder.execute("LOCK TABLE supervision_indicatorsnapshot IN SHARE MODE")
    celery_worker.send(TASK, PERIOD)
    writer = wait_for(backend_waiting_to_write_snapshots)

    # When the worker process is killed there
    celery_worker.stop(kill=True)
    holder.rollback()
    holder.close()
    wait_for(lambda: not backend_alive(writer))

    # Then nothing of the dispatch was written
    assert outcome() == {"snapshots": [], "reports": [], "notifications": []}

    # And a new worker gets the same message again (acks_late; not sent a second time) and
    # completes it: one set of snapshots, one bulletin, one notification per recipient
    celery_worker.start()
    wait_for(lambda: Report.objects.filter(kind="bulletin").exists(), seconds=180)
    result = outcome()
    assert result["snapshots"] == expected_snapshots()
    assert result["reports"] == [("bulletin", PERIOD), ("dispatch", PERIOD)]
    assert result["notifications"] == sorted(
        (user.username, f"bulletin:{PERIOD}") for user in casework
    )
