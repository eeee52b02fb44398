"""Import jobs: the upload size limit and discarding a checked job (pages, API, who may)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from audit.models import AuditEvent
from imports.models import ImportJob
from tests.households import import_files as f
from tests.imports.jobs import (  # noqa: F401 (fixtures)
    _media_in_tmp,
    _start_tasks_at_once,
    good_content,
    job_of,
    register_state,
    upload,
)
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


# -- upload size limit ---------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_refused_in_chinese_and_stores_nothing(
    client, county_supervisor, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(county_supervisor)
    too_large = b"x" * (1024 * 1024 + 1)

    response = upload(client, too_large)

    assert response.status_code == 413  # the refusal keeps its status
    page = response.content.decode()
    assert "文件过大（1.0 MB）：一次最多可导入 1 MB" in page
    assert ImportJob.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import.uploaded").exists()


def test_an_upload_at_the_limit_is_accepted(client, county_supervisor, settings):
    content = good_content()
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(county_supervisor)

    response = upload(client, content + b"")

    assert response.status_code == 302
    assert ImportJob.objects.get().status == "validated"


def test_api_upload_over_the_limit_answers_413_and_stores_nothing(api, county_supervisor, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    api.force_authenticate(county_supervisor)
    part = ContentFile(b"x" * (600 * 1024), name="贫困户.csv")
    other = ContentFile(b"x" * (600 * 1024), name="家庭成员.csv")

    response = api.post("/api/v1/imports/", {"file": [part, other]}, format="multipart")

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large"
    assert "一次最多可导入 1 MB" in body["message"]
    assert body["errors"]["file"] == [body["message"]]
    assert ImportJob.objects.count() == 0


def test_the_service_itself_refuses_an_oversized_upload(county_supervisor, settings):
    from imports.services import import_job_create
    from tongren_fupin.errors import DomainError

    settings.IMPORT_MAX_UPLOAD_MB = 1

    with pytest.raises(DomainError) as refused:
        import_job_create(actor=county_supervisor, files=[("r.xlsx", b"x" * (1024 * 1024 + 1))])

    assert (refused.value.code, refused.value.status) == ("file_too_large", 413)
    assert ImportJob.objects.count() == 0


# -- discarding a checked job --------------------------------------------------------------------


def invalid_job(user: Any) -> ImportJob:
    families = [f.family(1), f.family(2)]
    households = [h for h, _ in families]
    households[1]["联系电话"] = "?"
    content = f.workbook(households, [m for _h, ms in families for m in ms], [])
    return job_of(user, content)


def test_discarding_asks_for_confirmation_first_and_changes_nothing_on_get(
    client, county_supervisor
):
    job = invalid_job(county_supervisor)
    client.force_login(county_supervisor)

    job_page = client.get(f"/households/imports/{job.pk}/").content.decode()
    confirmation = client.get(f"/households/imports/{job.pk}/discard/")

    assert f"/households/imports/{job.pk}/discard/" in job_page
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "上传的文件及其错误报告将被删除" in page
    assert 'method="post"' in page
    job.refresh_from_db()
    assert job.status == "validated"
    assert job.file.storage.exists(job.file.name)
    assert not AuditEvent.objects.filter(action="import.discarded").exists()


def test_discarding_deletes_the_file_and_report_and_is_audited(
    client, county_supervisor, django_capture_on_commit_callbacks
):
    job = invalid_job(county_supervisor)
    file_name, report_name = job.file.name, job.report.name
    storage = job.file.storage
    assert storage.exists(file_name) and storage.exists(report_name)
    counts, error_count = job.counts, job.error_count
    assert error_count > 0
    client.force_login(county_supervisor)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once it commits
        response = client.post(f"/households/imports/{job.pk}/discard/")

    assert response.status_code == 302
    assert response["Location"] == "/households/imports/"
    job.refresh_from_db()
    assert (job.status, job.errors, job.file.name, job.report.name) == ("discarded", [], "", "")
    assert (job.counts, job.error_count) == (counts, error_count)  # the record stays
    assert not storage.exists(file_name) and not storage.exists(report_name)
    event = AuditEvent.objects.get(action="import.discarded")
    assert (event.actor, event.object_id, event.region_code) == (
        county_supervisor,
        str(job.pk),
        "520627000000",
    )
    assert event.changes["status"] == ["validated", "discarded"]
    page = client.get(f"/households/imports/{job.pk}/").content.decode()
    assert "已放弃" in page and "discard/" not in page
    assert register_state() == (0, 0, 0)


def test_a_discarded_job_cannot_be_committed(client, county_supervisor):
    job = job_of(county_supervisor)
    client.force_login(county_supervisor)
    client.post(f"/households/imports/{job.pk}/discard/")

    client.post(f"/households/imports/{job.pk}/commit/", {"mode": "all"})

    job.refresh_from_db()
    assert job.status == "discarded"
    assert register_state() == (0, 0, 0)


def test_a_written_job_cannot_be_discarded(api, county_supervisor):
    job = job_of(county_supervisor)
    api.force_authenticate(county_supervisor)
    api.post(f"/api/v1/imports/{job.pk}/commit/", {"mode": "all"}, format="json")
    job.refresh_from_db()
    assert job.status == "committed"

    response = api.post(f"/api/v1/imports/{job.pk}/discard/")

    assert response.status_code == 409
    assert response.json()["message"] == "只有已校验且未写入的导入任务才能放弃。"
    job.refresh_from_db()
    assert job.status == "committed" and job.file.storage.exists(job.file.name)
    assert not AuditEvent.objects.filter(action="import.discarded").exists()


def test_api_discard(api, county_supervisor):
    job = invalid_job(county_supervisor)
    api.force_authenticate(county_supervisor)

    response = api.post(f"/api/v1/imports/{job.pk}/discard/")

    assert response.status_code == 200
    assert response.json()["status"] == "discarded"
    assert response.json()["errors"] == [] and response.json()["report_url"] is None
    assert AuditEvent.objects.filter(action="import.discarded", object_id=str(job.pk)).count() == 1


def test_discard_permission_matrix_changes_nothing(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    job = job_of(county_supervisor)

    def state() -> Any:
        return (
            list(ImportJob.objects.values_list("status", "file")),
            AuditEvent.objects.filter(action="import.discarded").count(),
        )

    check_permission_matrix(
        f"/households/imports/{job.pk}/discard/",
        api=False,
        method="post",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        own_status=302,
        state=state,
    )


def test_api_discard_permission_matrix_changes_nothing(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    job = job_of(county_supervisor)

    check_permission_matrix(
        f"/api/v1/imports/{job.pk}/discard/",
        method="post",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        state=lambda: list(ImportJob.objects.values_list("status", "file")),
    )
