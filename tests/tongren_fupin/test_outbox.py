"""The task outbox: a write succeeds while the broker is down, and its task runs when it returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from households.choices import LineKind, Status
from households.models import PovertyLine
from inspections.models import Visit
from monitoring.models import MonitoringCase
from tests.households.factories import household_with_head, income
from tests.worker import WorkerProcess, redis_url, wait_for
from tongren_fupin import outbox
from tongren_fupin.celery import app
from tongren_fupin.models import OutboxMessage

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


class Broker:
    """Points the web side's Celery app at a real broker, reachable or not."""

    def __init__(self, worker: WorkerProcess) -> None:
        self.worker = worker

    def down(self) -> None:
        app.conf.broker_url = UNREACHABLE

    def up(self) -> None:
        app.conf.broker_url = redis_url()


@pytest.fixture
def broker(celery_worker: WorkerProcess) -> Iterator[Broker]:
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = celery_worker.queue
    try:
        yield Broker(celery_worker)
    finally:
        for key, value in saved.items():
            app.conf[key] = value


def runs_in_worker(worker: WorkerProcess, message: OutboxMessage) -> int:
    return worker.log().count(f"Task {message.task_name}[{message.task_id}] succeeded")


@pytest.mark.django_db
def test_a_message_of_a_rolled_back_write_is_neither_kept_nor_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("tongren_fupin.ping")
        raise RuntimeError("the write fails")

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_task_runs_inline_after_the_commit(tongren_regions):
    with transaction.atomic():
        message = outbox.enqueue("tongren_fupin.ping")
        message.refresh_from_db()
        assert message.sent_at is None  # not before the commit

    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1


@pytest.mark.worker
def test_with_the_broker_down_the_message_waits_and_runs_once_when_it_is_back(broker):
    broker.down()
    with transaction.atomic():
        message = outbox.enqueue("tongren_fupin.ping")

    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "Error" in message.last_error

    broker.up()
    result = outbox.drain()
    assert result["sent"] == 1
    assert result["pending"] == 0
    wait_for(lambda: runs_in_worker(broker.worker, message), worker=broker.worker)

    assert outbox.drain()["sent"] == 0  # sent once: a second drain has nothing to send
    time.sleep(1)
    assert runs_in_worker(broker.worker, message) == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.last_error == ""


@pytest.mark.worker
def test_the_drain_command_sends_what_waited_in_order(broker, capsys):
    broker.down()
    for _ in range(3):
        with transaction.atomic():
            outbox.enqueue("tongren_fupin.ping")
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3

    call_command("drain_outbox")  # still down: nothing sent, nothing lost
    assert "sent 0, still pending 3" in capsys.readouterr().out

    broker.up()
    call_command("drain_outbox")
    assert "sent 3, still pending 0" in capsys.readouterr().out
    for message in OutboxMessage.objects.order_by("pk"):
        wait_for(
            lambda message=message: runs_in_worker(broker.worker, message), worker=broker.worker
        )


def _visit_form(token: str) -> dict[str, str]:
    return {
        "date": "2020-10-05",
        "kind": "routine",
        "client_token": token,
        **{
            f"looks-{look}": "yes"
            for look in ("furnishings", "clothing", "cupboard", "bedding", "pot")
        },
    }


@pytest.mark.worker
def test_a_visit_is_saved_with_the_broker_down_and_its_risk_check_runs_when_it_is_back(
    broker, tongren_regions, cadre_yanhe, client
):
    # An exited household whose income fell under the 2020 monitoring line (6000 yuan): the risk
    # check that follows a visit opens a monitoring case for it.
    # A transactional test may follow another that flushed the seeded lines: seed it again.
    PovertyLine.objects.get_or_create(
        year=2020, kind=LineKind.MONITORING, defaults={"amount": Decimal("6000")}
    )
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    income(household, 2020, Decimal("5200"), 1)
    client.force_login(cadre_yanhe)
    broker.down()

    response = client.post(
        f"/households/{household.pk}/visit/", _visit_form("3f1c3d4e-0000-4000-8000-00000000a001")
    )

    assert response.status_code == 302  # saved, no error for the cadre
    assert Visit.objects.filter(household=household).count() == 1
    message = OutboxMessage.objects.get(task_name="households.check_risks")
    assert message.args == [household.pk]
    assert message.sent_at is None and "Error" in message.last_error
    assert not MonitoringCase.objects.exists()  # the follow-up has not run

    broker.up()
    assert outbox.drain()["sent"] == 1

    case = wait_for(
        lambda: MonitoringCase.objects.filter(household=household).first(), worker=broker.worker
    )
    assert case.risks[0]["key"] == "income:2020"
    wait_for(lambda: runs_in_worker(broker.worker, message), worker=broker.worker)
    assert outbox.drain()["sent"] == 0
    assert MonitoringCase.objects.count() == 1
