"""What the import job tests share: uploads, a checked job, media in a temporary folder, and
tasks started at once (the tests run inside a transaction, so an on-commit start would not run;
a test asking for ``transactional_db`` keeps the real path)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from households.models import AnnualIncome, Household, Member
from imports.models import ImportJob
from tests.households import import_files as f


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _start_tasks_at_once(monkeypatch: Any, request: Any) -> None:
    if "transactional_db" in request.fixturenames:
        return
    from imports import services as import_jobs
    from imports.tasks import run_export_job, run_import_job

    monkeypatch.setattr(import_jobs, "enqueue", lambda job_id: run_import_job.delay(job_id))
    monkeypatch.setattr(import_jobs, "enqueue_export", lambda job_id: run_export_job.delay(job_id))


NO_1 = f"{f.VILLAGE}0001"


def good_content(count: int = 2) -> bytes:
    families = [f.family(i) for i in range(1, count + 1)]
    return f.workbook(
        [h for h, _m in families],
        [m for _h, ms in families for m in ms],
        [f.income(h["户编号"]) for h, _m in families],
    )


def upload(client: Any, content: bytes, name: str = "register.xlsx") -> Any:
    return client.post("/households/imports/", {"upload": ContentFile(content, name=name)})


def register_state() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), AnnualIncome.objects.count()


def job_of(user: Any, content: bytes | None = None) -> ImportJob:
    """A checked job (the dry run runs inline here)."""
    from imports.services import import_job_create

    job = import_job_create(actor=user, files=[("register.xlsx", content or good_content())])
    return ImportJob.objects.get(pk=job.pk)
