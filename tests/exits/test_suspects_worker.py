"""The misclassification job on a real Celery worker and the local Redis: a requested run is
computed county by county, ends done at 100 %, and delivered twice leaves one set of rows."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from exits.models import Suspect, SuspectRun
from exits.suspect_runs import SUSPECTS_TASK
from households.choices import Status
from tests.households.factories import household_with_head
from tests.regions.factories import assigned_user
from tests.worker import wait_for

pytestmark = pytest.mark.worker

ON = datetime.date(2020, 12, 31)
SUCCEEDED = re.compile(rf"{re.escape(SUSPECTS_TASK)}\[[^\]]+\] succeeded")


def test_a_requested_run_is_computed_by_the_worker_once_whatever_the_deliveries(
    celery_worker: Any, tongren_regions: None
) -> None:
    wrong = household_with_head(status=Status.EXITED, exit_year=2019, water_safe=False)
    city = assigned_user("w_city_suspects", "city_supervisor", "520600000000")
    run = SuspectRun.objects.create(as_of=ON, prefix="", requested_by=city)

    celery_worker.send(SUSPECTS_TASK, run.pk)
    wait_for(
        lambda: SuspectRun.objects.filter(pk=run.pk, state="done").exists(),
        worker=celery_worker,
    )
    celery_worker.send(SUSPECTS_TASK, run.pk)  # delivered again: a finished run is left alone
    wait_for(lambda: len(SUCCEEDED.findall(celery_worker.log())) == 2, worker=celery_worker)

    run.refresh_from_db()
    assert (run.state, run.progress, run.counts["wrong_exit"]) == ("done", 100, 1)
    assert list(Suspect.objects.values_list("household_id", "kind")) == [(wrong.pk, "wrong_exit")]
