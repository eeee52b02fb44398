"""Export jobs of the register (API and page, one service): scoped, masked, audited, written in
the background; no text cell is ever a formula, and an export imports back unchanged."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from audit.models import AuditEvent
from households.models import Household, Member
from imports import services as import_jobs
from imports.models import ExportJob
from tests.households import import_files as f
from tests.households.factories import BIJIANG_VILLAGE, household_with_head
from tests.permissions import check_permission_matrix
from tests.regions.factories import assigned_user

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
NO_1 = f"{f.VILLAGE}0001"
YANHE, CITY = "520627000000", "520600000000"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _write_exports_at_once(monkeypatch: Any, request: Any) -> None:
    """The tests run in a transaction that never commits, so the outbox would never send."""
    if "transactional_db" in request.fixturenames:
        return
    from imports.tasks import run_export_job

    monkeypatch.setattr(import_jobs, "enqueue_export", lambda job_id: run_export_job.delay(job_id))


@pytest.fixture
def demo_county(db: None) -> Any:
    return assigned_user("demo_county", "county_supervisor", YANHE)


@pytest.fixture
def demo_city(db: None) -> Any:
    return assigned_user("demo_city", "city_supervisor", CITY)


def dangerous_register() -> tuple[Household, str]:
    """A Yanhe household whose head is named like a spreadsheet formula, and one in Bijiang."""
    household = household_with_head(household_no=NO_1)
    head = household.members.get()
    Member.objects.filter(pk=head.pk).update(name=FORMULA)
    household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")
    return household, head.id_number


def export_by_api(api: Any, user: Any, fmt: str = "xlsx") -> tuple[dict[str, Any], bytes]:
    api.force_authenticate(user)
    asked = api.post("/api/v1/exports/", {"format": fmt}, format="json")
    assert asked.status_code == 202, asked.content
    job = api.get(f"/api/v1/exports/{asked.json()['id']}/").json()
    assert (job["status"], job["progress"]) == ("done", 100)
    download = api.get(job["file_url"])
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


def test_api_export_of_a_county_as_demo_county_is_scoped_whole_audited_and_formula_safe(
    api, demo_county
):
    _household, head_id = dangerous_register()

    job, content = export_by_api(api, demo_county)

    # scoped: the Yanhe household only; not masked for a county supervisor
    assert (job["counts"], job["masked"]) == (
        {"households": 1, "members": 1, "incomes": 0}, False
    )  # fmt: skip
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    households = book.get_sheet_by_name("贫困户").to_python()
    assert [row[0] for row in households[1:]] == [NO_1]
    assert households[1][2:4] == [FORMULA, head_id]
    # never a formula cell: a typed string, no <f> element anywhere
    sheet = load_workbook(io.BytesIO(content))["家庭成员"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (FORMULA, "s")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if "worksheets" in n)
    assert b"<f>" not in xml and b"<f " not in xml
    # audited: the export (security) and the download
    event = AuditEvent.objects.get(action="register.exported")
    assert (event.category, event.actor, event.region_code, event.object_id) == (
        "security", demo_county, YANHE, str(job["id"])
    )  # fmt: skip
    assert event.changes["masked"] == [None, False]
    full = AuditEvent.objects.get(action="personal_data.displayed", actor=demo_county)
    assert (full.object_id, full.region_code, full.changes["channel"]) == (
        str(job["id"]), YANHE, [None, "export"]
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="register.export_downloaded").count() == 1
    # and the file imports back unchanged, the name included
    result = f.run(content, demo_county, commit=True)
    assert result.errors == []
    assert sum(c["new"] + c["updated"] for c in result.counts.values()) == 0
    assert Member.objects.get(id_number=head_id).name == FORMULA


def test_api_export_of_the_city_as_demo_city_is_masked_and_audited(api, demo_city):
    _household, head_id = dangerous_register()

    job, content = export_by_api(api, demo_city)

    assert (job["counts"]["households"], job["masked"]) == (2, True)
    members = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("家庭成员")
    ids = [row[2] for row in members.to_python()[1:]]
    assert f"{head_id[:6]}********{head_id[-4:]}" in ids
    assert head_id not in ids
    event = AuditEvent.objects.get(action="register.exported")
    assert (event.actor, event.region_code, event.changes["masked"]) == (
        demo_city, CITY, [None, True]
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="personal_data.displayed").exists() is False


def test_a_csv_export_writes_formula_text_after_an_apostrophe_and_reads_it_back(api, demo_county):
    _household, head_id = dangerous_register()
    Household.objects.filter(household_no=NO_1).update(phone="+8613800000000")

    _job, content = export_by_api(api, demo_county, fmt="zip")

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        households = archive.read("贫困户.csv").decode("utf-8-sig")
        members = archive.read("家庭成员.csv").decode("utf-8-sig")
    assert f"'{FORMULA}" in members.replace('""', '"')
    assert "'+8613800000000" in households
    result = f.run(content, demo_county, name="export.zip", commit=True)
    assert result.errors == []
    assert sum(c["new"] + c["updated"] for c in result.counts.values()) == 0
    assert Member.objects.get(id_number=head_id).name == FORMULA
    assert Household.objects.get(household_no=NO_1).phone == "+8613800000000"


def test_running_an_export_job_again_changes_nothing(api, demo_county):
    dangerous_register()
    job, _content = export_by_api(api, demo_county)
    before = ExportJob.objects.values_list("file", "finished").get(pk=job["id"])

    assert import_jobs.export_job_run(job_id=job["id"]) == "done"

    assert ExportJob.objects.values_list("file", "finished").get(pk=job["id"]) == before
    assert AuditEvent.objects.filter(action="register.exported").count() == 1


def test_an_unknown_format_is_refused_and_queues_nothing(api, demo_county):
    api.force_authenticate(demo_county)

    response = api.post("/api/v1/exports/", {"format": "pdf"}, format="json")

    assert response.status_code == 400
    assert ExportJob.objects.exists() is False


def test_api_export_permission_matrix(
    demo_county, county_supervisor_bijiang, cadre_yanhe, monkeypatch
):
    dangerous_register()
    check_permission_matrix(
        "/api/v1/exports/",
        method="post",
        data={"format": "xlsx"},
        own=demo_county,
        wrong_role=cadre_yanhe,
        own_status=202,
        state=lambda: (
            ExportJob.objects.count(),
            AuditEvent.objects.filter(action="register.exported").count(),
        ),
    )
    job = ExportJob.objects.get()
    downloads = lambda: AuditEvent.objects.filter(  # noqa: E731
        action="register.export_downloaded"
    ).count()
    for url in (f"/api/v1/exports/{job.pk}/", f"/api/v1/exports/{job.pk}/download/"):
        check_permission_matrix(
            url,
            own=demo_county,
            other_jurisdiction=county_supervisor_bijiang,
            wrong_role=cadre_yanhe,
            state=downloads,
        )


def test_another_users_export_in_the_same_jurisdiction_is_not_found(api, demo_county, demo_city):
    """A file is scoped and masked for the one who asked: the city sees Yanhe, but a county
    supervisor's unmasked file is not the city supervisor's to take."""
    dangerous_register()
    job, _content = export_by_api(api, demo_county)
    api.force_authenticate(demo_city)

    assert api.get(f"/api/v1/exports/{job['id']}/download/").status_code == 404
    assert api.get("/api/v1/exports/").json()["results"] == []


def test_the_export_page_asks_for_a_job_and_downloads_it_when_done(client, demo_county):
    dangerous_register()
    client.force_login(demo_county)

    asked = client.post("/households/export/", {"format": "xlsx"})
    job = ExportJob.objects.get()
    page = client.get(f"/households/export/{job.pk}/").content.decode()
    listing = client.get("/households/export/").content.decode()
    download = client.get(f"/households/export/{job.pk}/download/")

    assert asked.status_code == 302 and asked["Location"] == f"/households/export/{job.pk}/"
    assert 'id="download"' in page
    assert f'href="/households/export/{job.pk}/"' in listing
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f"-{job.pk}.xlsx")


def test_the_export_job_page_permission_matrix(client, demo_county, county_supervisor_bijiang,
                                               cadre_yanhe):  # fmt: skip
    dangerous_register()
    job = import_jobs.export_job_create(actor=demo_county, fmt="xlsx")
    for url in (f"/households/export/{job.pk}/", f"/households/export/{job.pk}/download/"):
        check_permission_matrix(
            url,
            api=False,
            own=demo_county,
            other_jurisdiction=county_supervisor_bijiang,
            wrong_role=cadre_yanhe,
        )


@pytest.mark.worker
def test_an_export_is_written_by_a_real_worker_through_the_outbox(
    celery_worker, tongren_regions, monkeypatch
):
    """Queued with the request's transaction, written by a worker process, not on the request."""
    from django.db import transaction

    from tests.worker import wait_for

    monkeypatch.setattr(
        import_jobs,
        "enqueue_export",
        lambda job_id: transaction.on_commit(
            lambda: celery_worker.send("imports.run_export_job", job_id)
        ),
    )
    user = assigned_user("demo_county", "county_supervisor", YANHE)
    household_with_head(household_no=NO_1)

    job = import_jobs.export_job_create(actor=user, fmt="xlsx")

    wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done")
    done = ExportJob.objects.get(pk=job.pk)
    assert (done.counts["households"], done.attempts) == (1, 1)
    assert AuditEvent.objects.filter(action="register.exported", object_id=str(job.pk)).count() == 1


def _unfinished(user: Any, status: str) -> ExportJob:
    """A job as a dead worker or a failed run leaves it."""
    return ExportJob.objects.create(
        created_by=user, region_id=YANHE, format="xlsx", masked=False, status=status
    )


@pytest.mark.parametrize("left", ["queued", "running", "failed"])
def test_an_export_that_did_not_finish_is_run_again_by_its_requester(api, demo_county, left):
    dangerous_register()
    job = _unfinished(demo_county, left)
    api.force_authenticate(demo_county)

    response = api.post(f"/api/v1/exports/{job.pk}/retry/")

    assert response.status_code == 202
    job.refresh_from_db()
    assert (job.status, job.progress, job.counts) == (
        "done",
        100,
        {"households": 1, "members": 1, "incomes": 0},
    )
    assert AuditEvent.objects.filter(action="register.exported").count() == 1
    assert api.get(f"/api/v1/exports/{job.pk}/download/").status_code == 200


def test_a_finished_export_is_not_run_again_and_another_user_cannot_retry(
    api, demo_county, demo_city, county_supervisor_bijiang
):
    dangerous_register()
    job, _content = export_by_api(api, demo_county)

    again = api.post(f"/api/v1/exports/{job['id']}/retry/")

    assert again.status_code == 409
    assert again.json()["code"] == "job_state"
    assert AuditEvent.objects.filter(action="register.exported").count() == 1
    for other in (demo_city, county_supervisor_bijiang):
        api.force_authenticate(other)
        assert api.post(f"/api/v1/exports/{job['id']}/retry/").status_code == 404
