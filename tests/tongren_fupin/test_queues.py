"""Celery queues per kind of work (decision 0031): every task has its kind's queue, and with one
worker per queue a city export that has not finished does not delay a notification."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import psycopg
import pytest
from django.db import transaction

from households.choices import Status
from imports import services as import_jobs
from imports.models import ExportJob
from inspections.models import Problem
from supervision.models import Notification
from tests.households.factories import household_with_head
from tests.regions.factories import assigned_user
from tests.worker import database_url_of_test_db, redis_url, wait_for
from tongren_fupin import outbox, queues
from tongren_fupin.celery import app

YANHE = "520627000000"


def test_every_task_of_the_project_is_placed_on_a_queue():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}

    assert ours - set(queues.ROUTES) == set()  # a new task must be placed
    assert set(queues.ROUTES) - ours == set()  # and no route names a task that is gone
    assert set(queues.ROUTES.values()) == set(queues.KINDS)


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("imports.run_export_job", "imports"),
        ("households.run_import_job", "imports"),
        ("supervision.monthly_dispatch", "reports"),
        ("households.check_risks", "monitoring"),
        ("workbench.notify_problem_assigned", "notifications"),
        ("tongren_fupin.ping", "celery"),
    ],
)
def test_the_router_sends_a_task_to_its_kind_s_queue_under_the_prefix(settings, task, queue):
    settings.TASK_QUEUE_PREFIX = "site-a-"

    routed = app.amqp.router.route({}, task)

    assert routed["queue"].name == f"site-a-{queue}"


@pytest.fixture
def web_side_broker() -> Iterator[None]:
    """The web side's Celery app publishes to the local Redis (the outbox), not inline."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: app.conf[key] for key in keys}
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url()
    try:
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value


def lock_row(table: str, pk: int) -> psycopg.Connection:
    """Another session holds the row (as a long statement would): its writers wait."""
    conn = psycopg.connect(database_url_of_test_db())
    conn.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [pk])
    return conn


@pytest.mark.worker
def test_an_export_still_running_does_not_delay_a_notification(
    queue_workers, web_side_broker, tongren_regions
):
    exports, notifications = queue_workers("imports"), queue_workers("notifications")
    supervisor = assigned_user("q_county", "county_supervisor", YANHE)
    cadre = assigned_user("q_cadre", "village_cadre", "520627100200")
    household = household_with_head(status=Status.REGISTERED)
    job = ExportJob.objects.create(created_by=supervisor, region_id=YANHE, format="xlsx")
    held = lock_row(ExportJob._meta.db_table, job.pk)
    try:
        with transaction.atomic():  # the export is queued through the outbox, as a page does
            import_jobs.enqueue_export(job.pk)
        wait_for(lambda: "Task imports.run_export_job" in exports.log(), worker=exports)

        problem = Problem.objects.create(
            household=household,
            source="visit",
            category="diligence",
            description="危房改造未验收",
            deadline=datetime.date(2020, 11, 1),
            responsible=cadre,
        )
        with transaction.atomic():
            outbox.enqueue("workbench.notify_problem_assigned", problem.pk)
        wait_for(lambda: Notification.objects.filter(user=cadre).exists(), worker=notifications)

        # The notification is there while the export has not written a byte.
        assert ExportJob.objects.get(pk=job.pk).status == "queued"
        assert "Task workbench.notify_problem_assigned" not in exports.log()
        assert "Task imports.run_export_job" not in notifications.log()
    finally:
        held.close()  # the export goes on
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done", worker=exports)
    assert Notification.objects.filter(user=cadre).count() == 1
