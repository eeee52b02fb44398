"""Reports are scoped when they are read: every kind, read by every role on the page, the API,
the workbook, the printable report and the stored PDF, names no household, problem or person
outside the reader's jurisdiction — while the rankings of every county stay (decision 0020)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pypdfium2
import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from households.choices import Status
from inspections.models import Problem
from supervision import services
from supervision.models import Report
from supervision.periods import parse_period
from tests.households.factories import household_with_head

pytestmark = pytest.mark.django_db

TAILING = "520627100200"  # 太岭村, 甘溪镇, 沿河
YANHE_OTHER_TOWNSHIP = "520627001001"  # a village of another township of 沿河
BIJIANG_VILLAGE = "520602100200"
# The description of each village's overdue problem: unique words to look for in any output.
PROBLEMS = {
    TAILING: "太岭村危房改造未验收",
    YANHE_OTHER_TOWNSHIP: "沿河另一乡饮水未达标",
    BIJIANG_VILLAGE: "碧江村医保未参保",
}
# What each reader's jurisdiction holds of them (None: the role may not read reports).
VISIBLE = {
    "township_reviewer": {TAILING},
    "county_supervisor": {TAILING, YANHE_OTHER_TOWNSHIP},
    "county_supervisor_bijiang": {BIJIANG_VILLAGE},
    "city_supervisor": set(PROBLEMS),
    "api_client_user": set(PROBLEMS),
    "cadre_yanhe": None,
    "work_team_yanhe": None,
}
PAGE_READERS = {"township_reviewer", "county_supervisor", "county_supervisor_bijiang",
                "city_supervisor"}  # fmt: skip


@pytest.fixture
def reports(county_supervisor, django_capture_on_commit_callbacks) -> dict[str, Report]:
    """One overdue problem in each of three villages, then the month's dispatch and bulletin
    and the quarter's analysis, with the jobs they queue (the city's PDFs) run."""
    for number, (village, description) in enumerate(PROBLEMS.items(), start=1):
        household = household_with_head(
            region_id=village,
            household_no=f"{village}{number:06d}",
            status=Status.EXITED,
            exit_year=2019,
        )
        problem = Problem.objects.create(
            household=household,
            source="visit",
            category="diligence",
            description=description,
            deadline=datetime.date(2019, 8, 15),
            responsible=county_supervisor,
        )
        Problem.objects.filter(pk=problem.pk).update(
            created=datetime.datetime(2019, 8, 1, tzinfo=datetime.UTC)
        )
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = services.monthly_dispatch_run(period=parse_period("2019-09"))
        analysis = services.analysis_publish(period=parse_period("2019-Q3"))
    dispatch = Report.objects.get(kind="dispatch", period="2019-09")
    return {"dispatch": dispatch, "bulletin": bulletin, "analysis": analysis}


def _text(response: Any) -> str:
    """Everything a response says, as text (a workbook's cells included)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"%PDF":
        text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(body))
        return "".join(text.split())  # a table cell wraps its text over lines
    if body[:2] == b"PK":
        workbook = load_workbook(io.BytesIO(body))
        return "\n".join(
            str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
            for cell in row if cell is not None
        )  # fmt: skip
    return body.decode()


def _stored_pdf(client: Any, url: str, run_jobs: Any) -> Any:
    """The PDF as a reader gets it: asked for (a job writes it, run here), then served; a
    refusal as it is."""
    with run_jobs(execute=True):
        first = client.get(url)
    return client.get(url) if first.status_code == 202 else first


def _api_reads(user: Any, report: Report, run_jobs: Any) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    base = f"/api/v1/reports/{report.pk}/"
    return {
        "api": client.get(base),
        "api list": client.get("/api/v1/reports/", {"kind": report.kind}),
        "api xlsx": client.get(f"{base}xlsx/"),
        "api html": client.get(f"{base}html/"),
        "api pdf": _stored_pdf(client, f"{base}pdf/", run_jobs),
    }


def _page_reads(user: Any, report: Report, run_jobs: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    base = f"/supervision/reports/{report.pk}/"
    return {
        "page": client.get(base),
        "page xlsx": client.get(f"{base}xlsx/"),
        "page html": client.get(f"{base}html/"),
        "page pdf": _stored_pdf(client, f"{base}pdf/", run_jobs),
    }


def _reads(user: Any, report: Report, cast: str, run_jobs: Any) -> dict[str, Any]:
    reads = _api_reads(user, report, run_jobs)
    if cast in PAGE_READERS:
        reads.update(_page_reads(user, report, run_jobs))
    return reads


@pytest.mark.parametrize("cast", list(VISIBLE))
def test_every_report_read_by_every_role_names_no_row_outside_the_readers_area(
    request, reports, cast, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(cast)
    visible = VISIBLE[cast]

    reads = {
        (kind, channel): response
        for kind, report in reports.items()
        for channel, response in _reads(
            user, report, cast, django_capture_on_commit_callbacks
        ).items()
    }

    for (kind, channel), response in reads.items():
        if visible is None:
            assert response.status_code == 403, (kind, channel)
            continue
        if kind == "dispatch" and channel.endswith(("xlsx", "html", "pdf")):
            assert response.status_code == 404, channel  # a dispatch has no files
            continue
        assert response.status_code == 200, (kind, channel)
        text = _text(response)
        shown = {village for village, words in PROBLEMS.items() if words in text}
        assert shown == (visible if kind == "bulletin" else set()), (kind, channel)


def test_the_api_bulletin_keeps_the_readers_rows_and_every_countys_ranking(
    reports, township_reviewer
):
    api = APIClient()
    api.force_authenticate(township_reviewer)

    content = api.get(f"/api/v1/reports/{reports['bulletin'].pk}/").json()["content"]

    [row] = content["overdue_problems"]
    assert (row["region"], row["household_no"], row["description"]) == (
        TAILING,
        f"{TAILING}000001",
        PROBLEMS[TAILING],
    )
    ranked = {r["region"] for r in content["rankings"]["overdue_problems"]}
    assert {"520627000000", "520602000000"} <= ranked
    assert content == {**reports["bulletin"].content, "overdue_problems": [row]}


def test_a_bulletin_row_without_its_village_is_kept_for_its_county_only(
    reports, township_reviewer, county_supervisor
):
    """A bulletin written before rows carried their village: a township cannot tell whose."""
    bulletin = reports["bulletin"]
    rows = [
        {k: v for k, v in row.items() if k != "region"}
        for row in bulletin.content["overdue_problems"]
    ]
    Report.objects.filter(pk=bulletin.pk).update(
        content={**bulletin.content, "overdue_problems": rows}
    )
    api = APIClient()

    api.force_authenticate(county_supervisor)
    county = api.get(f"/api/v1/reports/{bulletin.pk}/").json()["content"]["overdue_problems"]
    api.force_authenticate(township_reviewer)
    township = api.get(f"/api/v1/reports/{bulletin.pk}/").json()["content"]["overdue_problems"]

    assert sorted(r["description"] for r in county) == sorted(
        [PROBLEMS[TAILING], PROBLEMS[YANHE_OTHER_TOWNSHIP]]
    )
    assert township == []


def test_the_report_files_are_listed_for_bulletins_and_analyses(reports, city_supervisor):
    api = APIClient()
    api.force_authenticate(city_supervisor)

    files = {
        kind: api.get(f"/api/v1/reports/{report.pk}/").json()["files"]
        for kind, report in reports.items()
    }

    bulletin, analysis = reports["bulletin"].pk, reports["analysis"].pk
    assert files == {
        "dispatch": {},
        "bulletin": {
            "xlsx": f"/api/v1/reports/{bulletin}/xlsx/",
            "html": f"/api/v1/reports/{bulletin}/html/",
            "pdf": f"/api/v1/reports/{bulletin}/pdf/",
        },
        "analysis": {
            "xlsx": f"/api/v1/reports/{analysis}/xlsx/",
            "html": f"/api/v1/reports/{analysis}/html/",
            "pdf": f"/api/v1/reports/{analysis}/pdf/",
        },
    }
