"""Columns the import format does not know: the job lists them by sheet — on its page before
the commit, in the API, in the error report — and imports the rest (decision 0017)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from python_calamine import CalamineWorkbook

from imports.models import ImportJob
from tests.households import import_files as f
from tests.imports.jobs import (  # noqa: F401 (fixtures)
    _media_in_tmp,
    _start_tasks_at_once,
    job_of,
    register_state,
    upload,
)

pytestmark = pytest.mark.django_db

EXTRA: dict[str, dict[str, Any]] = {
    "贫困户": {"住房面积": 86, "卫生厕所": "是"},
    "家庭成员": {"是否会讲普通话": "是"},
}
LISTED = [
    {"sheet": "贫困户", "columns": ["住房面积", "卫生厕所"]},
    {"sheet": "家庭成员", "columns": ["是否会讲普通话"]},
]


def national_file(*, refused_phone: bool = False) -> bytes:
    """Two families and their incomes, with columns the register does not keep."""
    families = [f.family(1), f.family(2)]
    households = [{**h, **EXTRA["贫困户"]} for h, _m in families]
    members = [{**m, **EXTRA["家庭成员"]} for _h, ms in families for m in ms]
    if refused_phone:
        households[1]["联系电话"] = "?"
    headers = {
        "贫困户": [*f.HOUSEHOLD_SHEET.headers, *EXTRA["贫困户"]],
        "家庭成员": [*f.MEMBER_SHEET.headers, *EXTRA["家庭成员"]],
    }
    incomes = [f.income(h["户编号"]) for h, _m in families]
    return f.workbook(households, members, incomes, headers=headers)


def test_the_job_page_lists_the_columns_not_imported_before_the_commit(client, county_supervisor):
    client.force_login(county_supervisor)
    upload(client, national_file())
    job = ImportJob.objects.get()

    page = client.get(f"/households/imports/{job.pk}/").content.decode()

    assert (job.status, job.error_count, job.ignored_columns) == ("validated", 0, LISTED)
    assert 'id="ignored-columns"' in page and 'value="all"' in page
    assert "贫困户：以下列不在导入格式中，未导入：住房面积、卫生厕所" in page
    assert "家庭成员：以下列不在导入格式中，未导入：是否会讲普通话" in page
    assert register_state() == (0, 0, 0)

    client.post(f"/households/imports/{job.pk}/commit/", {"mode": "all"})

    job.refresh_from_db()
    assert (job.status, job.ignored_columns) == ("committed", LISTED)
    assert register_state() == (2, 6, 2)


def test_a_job_of_a_file_in_the_format_lists_no_columns(client, county_supervisor):
    client.force_login(county_supervisor)
    data = [f.family(1)]
    upload(client, f.workbook([data[0][0]], data[0][1], [f.income(data[0][0]["户编号"])]))
    job = ImportJob.objects.get()

    page = client.get(f"/households/imports/{job.pk}/").content.decode()

    assert job.ignored_columns == []
    assert 'id="ignored-columns"' not in page


def test_api_gives_the_columns_not_imported(api, county_supervisor):
    api.force_authenticate(county_supervisor)

    created = api.post(
        "/api/v1/imports/",
        {"file": [ContentFile(national_file(), name="register.xlsx")]},
        format="multipart",
    )
    job_id = created.json()["id"]
    shown = api.get(f"/api/v1/imports/{job_id}/").json()
    committed = api.post(f"/api/v1/imports/{job_id}/commit/", {"mode": "all"}, format="multipart")

    assert created.status_code == 201
    assert (shown["status"], shown["ignored_columns"]) == ("validated", LISTED)
    assert committed.status_code == 202
    assert committed.json()["ignored_columns"] == LISTED
    assert register_state() == (2, 6, 2)


def test_the_error_report_has_a_sheet_of_the_columns_not_imported(
    client: Any, county_supervisor: Any
):
    job = job_of(county_supervisor, national_file(refused_phone=True))
    client.force_login(county_supervisor)

    response = client.get(f"/households/imports/{job.pk}/report/")

    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["错误", "整户未导入", "未导入的列"]
    assert book.get_sheet_by_name("未导入的列").to_python() == [
        ["工作表", "列", "原因"],
        ["贫困户", "住房面积", "此列不在导入格式中，未导入。"],
        ["贫困户", "卫生厕所", "此列不在导入格式中，未导入。"],
        ["家庭成员", "是否会讲普通话", "此列不在导入格式中，未导入。"],
    ]
