"""An import whose worker is killed in the middle of writing leaves the register as it was, and
the job runs to completion when it is sent again (a real worker process on Redis)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from households.models import AnnualIncome, Household, Member
from imports import services as import_jobs
from imports.models import ImportJob
from tests.households import import_files as f
from tests.regions.factories import UserFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def register_state() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), AnnualIncome.objects.count()


def status(job: ImportJob) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def backend_waiting_to_write_incomes() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'COPY households_annualincome%%'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return bool(cursor.fetchone()[0])


def test_a_job_killed_while_writing_writes_nothing_and_completes_when_run_again(
    celery_worker, tongren_regions, monkeypatch
):
    monkeypatch.setattr(
        import_jobs,
        "enqueue",
        lambda job_id: celery_worker.send("households.run_import_job", job_id),
    )
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    families = [f.family(i) for i in range(1, 201)]
    content = f.workbook(
        [h for h, _m in families],
        [m for _h, ms in families for m in ms],
        [f.income(h["户编号"]) for h, _m in families],
    )
    job = import_jobs.import_job_create(actor=operator, files=[("register.xlsx", content)])
    wait_for(lambda: status(job) == "validated")

    # Given the worker is half-way through writing: households and members are written (not yet
    # committed) and it waits for the income table, which another session holds.
    s = connection.settings_dict
    holder = psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"]
    )
    holder.execute("LOCK TABLE households_annualincome IN SHARE MODE")
    import_jobs.import_job_request_commit(actor=operator, job=job, mode="all")
    writer = wait_for(backend_waiting_to_write_incomes)

    # When the worker process is killed there
    celery_worker.stop(kill=True)
    holder.rollback()
    holder.close()
    wait_for(lambda: not backend_alive(writer))

    # Then nothing of the import is in the register, and the job says it was writing
    assert register_state() == (0, 0, 0)
    assert status(job) == "committing"

    # And run again, it completes
    celery_worker.start()
    import_jobs.import_job_retry(actor=operator, job=ImportJob.objects.get(pk=job.pk))
    wait_for(lambda: status(job) == "committed")
    assert register_state() == (200, 600, 200)
    assert ImportJob.objects.get(pk=job.pk).attempts >= 3
