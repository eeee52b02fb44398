"""Import jobs (pages, API, admin), the export, and who may do what.

Without a broker tasks run inline; the tests here run inside a transaction, so a job's task is
started at once instead of after the commit (one transactional test keeps the real path).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from python_calamine import CalamineWorkbook

from audit.models import AuditEvent
from households.models import AnnualIncome, Household
from imports.models import ImportJob
from tests.households import import_files as f
from tests.households.factories import BIJIANG_VILLAGE, household_with_head
from tests.imports.jobs import (  # noqa: F401 (fixtures)
    NO_1,
    _media_in_tmp,
    _start_tasks_at_once,
    good_content,
    job_of,
    register_state,
    upload,
)
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


# -- the page flow ---------------------------------------------------------------------------


def test_a_job_starts_when_the_upload_is_committed(transactional_db, tongren_regions):
    from django.test import Client

    from tests.regions.factories import assigned_user

    supervisor = assigned_user("county_supervisor", "county_supervisor", "520627000000")
    client = Client()
    client.force_login(supervisor)

    upload(client, good_content())

    assert ImportJob.objects.get().status == "validated"


def test_upload_checks_the_file_and_writes_nothing_until_committed(client, county_supervisor):
    client.force_login(county_supervisor)

    response = upload(client, good_content())

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/households/imports/{job.pk}/"
    assert (job.status, job.progress, job.error_count, job.region_id) == (
        "validated",
        100,
        0,
        "520627000000",
    )
    assert job.counts["贫困户"] == {"new": 2, "updated": 0, "unchanged": 0, "invalid": 0}
    assert register_state() == (0, 0, 0)
    page = client.get(f"/households/imports/{job.pk}/").content.decode()
    assert "校验结果（尚未写入）" in page
    assert 'value="all"' in page

    client.post(f"/households/imports/{job.pk}/commit/", {"mode": "all"})

    job.refresh_from_db()
    assert job.status == "committed"
    assert register_state() == (2, 6, 2)
    committed = AuditEvent.objects.get(action="import.committed")
    assert committed.actor == county_supervisor
    assert committed.changes["mode"] == [None, "all"]


def test_a_file_with_errors_offers_only_the_explicit_valid_rows_choice(client, county_supervisor):
    families = [f.family(1), f.family(2)]
    members = [m for _h, ms in families for m in ms]
    members[4]["务工时间"] = 13
    content = f.workbook([h for h, _ in families], members, [])
    client.force_login(county_supervisor)
    upload(client, content)
    job = ImportJob.objects.get()

    page = client.get(f"/households/imports/{job.pk}/").content.decode()
    refused = client.post(f"/households/imports/{job.pk}/commit/", {"mode": "all"})
    unconfirmed = client.post(f"/households/imports/{job.pk}/commit/", {"mode": "valid_only"})

    reason = {"sheet": "家庭成员", "row": 6, "column": "务工时间", "value": "13",
              "message": "务工时间 不能大于 12。"}  # fmt: skip
    assert job.error_count == 4  # the reason, and the household's three other rows
    assert reason in job.errors
    assert job.skipped == [{"household_no": f"{f.VILLAGE}0002", "reasons": [reason]}]
    assert 'id="skipped"' in page and f"{f.VILLAGE}0002" in page
    assert 'value="valid_only"' in page and 'value="all"' not in page
    assert refused.status_code == unconfirmed.status_code == 302
    assert register_state() == (0, 0, 0)
    assert AuditEvent.objects.filter(action="import.valid_only_chosen").exists() is False

    client.post(f"/households/imports/{job.pk}/commit/", {"mode": "valid_only", "confirm": "yes"})

    job.refresh_from_db()
    assert (job.status, job.mode) == ("committed", "valid_only")
    assert register_state() == (1, 3, 0)  # household 2 is left out whole
    assert Household.objects.filter(household_no=f"{f.VILLAGE}0002").exists() is False
    chosen = AuditEvent.objects.get(action="import.valid_only_chosen")
    assert chosen.actor == county_supervisor
    assert chosen.changes["invalid_rows"] == [None, 4]


def test_the_error_report_lists_every_error(client, county_supervisor):
    data = [f.family(i) for i in (1, 2)]
    households = [h for h, _ in data]
    households[0]["识别年度"] = ""
    households[1]["联系电话"] = "?"
    client.force_login(county_supervisor)
    upload(client, f.workbook(households, [m for _h, ms in data for m in ms], []))
    job = ImportJob.objects.get()

    response = client.get(f"/households/imports/{job.pk}/report/")

    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("错误").to_python()
    assert rows[0] == ["工作表", "行号", "列", "值", "原因"]
    assert [row[:3] for row in rows[1:3]] == [
        ["贫困户", 2.0, "识别年度"],
        ["贫困户", 3.0, "联系电话"],
    ]
    assert rows[1][4] == "识别年度 不能为空。"
    assert len(rows) == 1 + job.error_count == 1 + 2 + 6


def test_an_unreadable_file_fails_with_its_reason(client, county_supervisor):
    client.force_login(county_supervisor)

    upload(client, b"not a workbook", name="register.xlsx")

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors[0]["message"] == "这不是 XLSX 工作簿（可能是把其他文件改成了 .xlsx 扩展名）。"
    page = client.get(f"/households/imports/{job.pk}/").content.decode()
    assert "这不是 XLSX 工作簿" in page


def test_the_progress_fragment_polls_while_running_and_reloads_when_done(client, county_supervisor):
    job = job_of(county_supervisor)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", progress=40)
    client.force_login(county_supervisor)

    running = client.get(f"/households/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    page = client.get(f"/households/imports/{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="validated", progress=100)
    done = client.get(f"/households/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert '<progress value="40" max="100"' in running.content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in page
    assert "<script>" not in page
    assert done["HX-Refresh"] == "true"


# -- the API ---------------------------------------------------------------------------------


def test_api_upload_status_and_commit(api, county_supervisor):
    api.force_authenticate(county_supervisor)

    created = api.post(
        "/api/v1/imports/",
        {"file": ContentFile(good_content(), name="register.xlsx")},
        format="multipart",
    )
    job_id = created.json()["id"]
    status = api.get(f"/api/v1/imports/{job_id}/").json()
    committed = api.post(f"/api/v1/imports/{job_id}/commit/", {"mode": "all"}, format="multipart")

    assert created.status_code == 201
    assert (status["status"], status["progress"], status["error_count"], status["errors"]) == (
        "validated",
        100,
        0,
        [],
    )
    assert status["counts"]["家庭成员"]["new"] == 6
    assert committed.status_code == 202
    assert committed.json()["status"] == "committed"
    assert register_state() == (2, 6, 2)


def test_api_refuses_to_commit_a_file_with_invalid_rows_as_a_whole(api, county_supervisor):
    families = [f.family(1)]
    households = [h for h, _ in families]
    households[0]["饮水安全"] = "也许"
    job = job_of(county_supervisor, f.workbook(households, families[0][1], []))
    api.force_authenticate(county_supervisor)

    response = api.post(f"/api/v1/imports/{job.pk}/commit/", {"mode": "all"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rows"
    assert register_state() == (0, 0, 0)


def test_api_names_the_households_left_out_and_commits_the_others_whole(api, county_supervisor):
    families = [f.family(1), f.family(2)]
    members = [m for _h, ms in families for m in ms]
    members[1]["大病保险"] = "不知道"
    incomes = [f.income(h["户编号"]) for h, _m in families]
    job = job_of(county_supervisor, f.workbook([h for h, _ in families], members, incomes))
    api.force_authenticate(county_supervisor)

    status = api.get(f"/api/v1/imports/{job.pk}/").json()
    committed = api.post(
        f"/api/v1/imports/{job.pk}/commit/", {"mode": "valid_only"}, format="multipart"
    )

    assert [(s["household_no"], [r["row"] for r in s["reasons"]]) for s in status["skipped"]] == [
        (f"{f.VILLAGE}0001", [3])
    ]
    assert status["skipped"][0]["reasons"][0]["column"] == "大病保险"
    assert committed.status_code == 202
    assert register_state() == (1, 3, 1)
    assert Household.objects.filter(household_no=f"{f.VILLAGE}0001").exists() is False


def test_api_csv_files_are_uploaded_together(api, county_supervisor):
    import csv

    family_row, members = f.family(1)
    files = {}
    for sheet, rows in ((f.HOUSEHOLD_SHEET, [family_row]), (f.MEMBER_SHEET, members)):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([sheet.headers, *f.sheet_rows(sheet, rows)])
        files[sheet.name] = ContentFile(buffer.getvalue().encode(), name=f"{sheet.name}.csv")
    api.force_authenticate(county_supervisor)

    created = api.post(
        "/api/v1/imports/", {"file": list(files.values())}, format="multipart"
    ).json()

    assert created["status"] == "validated"
    assert created["counts"]["家庭成员"]["new"] == 3


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "progress/", "report/"])
def test_job_pages_permission_matrix(
    client, county_supervisor, county_supervisor_bijiang, cadre_yanhe, suffix
):
    families = [f.family(1)]
    households = [h for h, _ in families]
    households[0]["联系电话"] = "?"
    job = job_of(county_supervisor, f.workbook(households, families[0][1], []))

    check_permission_matrix(
        f"/households/imports/{job.pk}/{suffix}",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )


@pytest.mark.parametrize("action", ["commit", "retry"])
def test_job_actions_permission_matrix_change_nothing(
    client, county_supervisor, county_supervisor_bijiang, cadre_yanhe, action
):
    job = job_of(county_supervisor)

    def state() -> Any:
        return (list(ImportJob.objects.values_list("status", "mode")), register_state())

    check_permission_matrix(
        f"/households/imports/{job.pk}/{action}/",
        api=False,
        method="post",
        data={"mode": "all"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        own_status=302,
        state=state,
    )


def test_imports_page_permission_matrix_and_scope(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    mine = job_of(county_supervisor)
    theirs = job_of(
        county_supervisor_bijiang,
        f.workbook(members=[f.member("5206021002000001", f.ids(1, start=900)[0])]),
    )

    html = check_permission_matrix(
        "/households/imports/", api=False, own=county_supervisor, wrong_role=cadre_yanhe
    ).content.decode()

    assert f"/households/imports/{mine.pk}/" in html
    assert f"/households/imports/{theirs.pk}/" not in html


@pytest.mark.parametrize("suffix", ["", "report/"])
def test_api_job_permission_matrix(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe, suffix
):
    families = [f.family(1)]
    households = [h for h, _ in families]
    households[0]["联系电话"] = "?"
    job = job_of(county_supervisor, f.workbook(households, families[0][1], []))

    check_permission_matrix(
        f"/api/v1/imports/{job.pk}/{suffix}",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )


def test_api_commit_permission_matrix_changes_nothing(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    job = job_of(county_supervisor)

    check_permission_matrix(
        f"/api/v1/imports/{job.pk}/commit/",
        method="post",
        data={"mode": "all"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        own_status=202,
        state=register_state,
    )


def test_api_upload_permission_matrix_changes_nothing(county_supervisor, cadre_yanhe):
    check_permission_matrix(
        "/api/v1/imports/",
        method="post",
        data={},
        own=county_supervisor,
        wrong_role=cadre_yanhe,
        own_status=400,
        state=lambda: ImportJob.objects.count(),
    )


def test_operators_see_every_job_and_supervisors_not_the_operators(
    api, operator, county_supervisor
):
    theirs = job_of(operator)
    api.force_authenticate(county_supervisor)

    assert api.get(f"/api/v1/imports/{theirs.pk}/").status_code == 404
    api.force_authenticate(operator)
    assert api.get(f"/api/v1/imports/{theirs.pk}/").status_code == 200


def test_the_admin_lists_jobs_read_only(client, operator):
    job = job_of(operator)
    client.force_login(operator)

    listing = client.get("/admin/imports/importjob/")
    change = client.get(f"/admin/imports/importjob/{job.pk}/change/")

    assert listing.status_code == 200
    assert "register.xlsx" in listing.content.decode()
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()


# -- export ------------------------------------------------------------------------------------


def export_content(client: Any, user: Any, fmt: str = "xlsx") -> bytes:
    """Ask for an export on the page, follow it to its page and download the file."""
    client.force_login(user)
    asked = client.post("/households/export/", {"format": fmt})
    assert asked.status_code == 302
    page = client.get(asked["Location"])
    assert page.status_code == 200 and 'id="download"' in page.content.decode()
    response = client.get(f"{asked['Location']}download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_an_export_imports_back_with_zero_changes(client, operator):
    content = good_content(3)
    f.run(content, operator, commit=True)
    household = Household.objects.get(household_no=NO_1)
    income = household.incomes.get()
    # The register splits income finer than the file: the export writes the totals.
    AnnualIncome.objects.filter(pk=income.pk).update(
        property_dividend=50, property_other=150, transfer_dibao=800, transfer_other=1000.25
    )

    for fmt, name in (("xlsx", "export.xlsx"), ("zip", "export.zip")):
        exported = export_content(client, operator, fmt)
        result = f.run(exported, operator, name=name)

        assert result.errors == []
        assert {sheet: c["unchanged"] for sheet, c in result.counts.items()} == {
            "贫困户": 3,
            "家庭成员": 9,
            "收入": 3,
        }
        assert sum(c["new"] + c["updated"] for c in result.counts.values()) == 0


def test_a_changed_total_replaces_the_split_with_one_item(operator):
    f.run(good_content(1), operator, commit=True)
    income = AnnualIncome.objects.get()
    AnnualIncome.objects.filter(pk=income.pk).update(property_dividend=50, property_other=150)
    content = f.workbook(incomes=[f.income(NO_1, 财产性收入=300)])

    result = f.run(content, operator, commit=True)

    income.refresh_from_db()
    assert result.counts["收入"]["updated"] == 1
    assert (income.property_dividend, income.property_other, income.property_total) == (0, 300, 300)
    assert str(income.net_income) == "16600.75"
    household = Household.objects.get()
    assert household.version == 2
    event = AuditEvent.objects.get(action="household.imported")
    assert (event.subject_id, event.actor) == (str(household.pk), operator)


def test_the_export_keeps_to_the_jurisdiction_and_is_a_security_event(client, county_supervisor):
    household_with_head(household_no=NO_1)
    household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")

    content = export_content(client, county_supervisor)

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("贫困户")
    rows = sheet.to_python()
    assert [row[0] for row in rows[1:]] == [NO_1]
    event = AuditEvent.objects.get(action="register.exported")
    assert (event.category, event.actor, event.region_code) == (
        "security",
        county_supervisor,
        "520627000000",
    )
    assert event.changes["households"] == [None, 1]
    assert event.changes["masked"] == [None, False]


def test_a_city_supervisor_exports_masked_ids_that_cannot_be_imported(
    client, city_supervisor, operator
):
    household = household_with_head(household_no=NO_1)
    number = household.members.get().id_number

    content = export_content(client, city_supervisor)

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("家庭成员")
    masked = rows.to_python()[1][2]
    assert masked == f"{number[:6]}********{number[-4:]}"
    result = f.run(content, operator)
    reason = "证件号码应为18位（最后一位可为X），旧版身份证为15位，残疾人证号为20位。"
    # The city's workbook masks health too (decision 0021): the member row is refused on its
    # first masked cell.
    health = "健康状况 应为 健康、长期慢性病、患有大病、残疾、长期慢性病及残疾、大病残疾 之一。"
    assert f.errors_of(result) == [
        ("贫困户", 2, "户主证件号码", reason),
        ("家庭成员", 2, "健康状况", health),
    ]


def test_export_page_permission_matrix(client, county_supervisor, cadre_yanhe):
    check_permission_matrix(
        "/households/export/", api=False, own=county_supervisor, wrong_role=cadre_yanhe
    )
    check_permission_matrix(
        "/households/export/",
        api=False,
        method="post",
        data={"format": "xlsx"},
        own=county_supervisor,
        wrong_role=cadre_yanhe,
        own_status=302,
        state=lambda: AuditEvent.objects.filter(action="register.exported").count(),
    )
