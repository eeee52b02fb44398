import pytest
from celery.result import EagerResult

from regions.models import Region
from regions.tasks import ping
from tests.worker import wait_for
from tongren_fupin.celery import app


@pytest.mark.django_db
def test_without_a_broker_tasks_run_inline():
    assert app.conf.task_always_eager is True

    result = ping.delay()

    assert isinstance(result, EagerResult)
    assert result.get() == {"pong": True, "regions": Region.objects.count()}


@pytest.mark.worker
def test_a_task_queued_on_redis_runs_in_a_real_worker(celery_worker, tongren_regions):
    result = celery_worker.send("tongren_fupin.ping")

    answer = result.get(timeout=60)

    assert answer == {"pong": True, "regions": Region.objects.count()}
    assert answer["regions"] > 2000
    # The result reaches Redis before the worker writes its log line.
    succeeded = f"Task tongren_fupin.ping[{result.id}] succeeded"
    assert wait_for(lambda: succeeded in celery_worker.log(), seconds=30, worker=celery_worker)
