"""A report's PDF is stored, never rendered on a request (decision 0026): the job that writes a
bulletin stores the city's PDF; a reader whose scope has none gets a page (202 in the API) while
one job, queued once through the outbox, writes it; readers of different counties get different
files, each with the rows of their own jurisdiction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pypdfium2
import pytest
from django.test import Client
from rest_framework.test import APIClient

from households.choices import Status
from inspections.models import Problem
from supervision import report_files, services
from supervision.models import ExitThreshold, Report, ReportPdf
from supervision.periods import parse_period
from tests.households.factories import household_with_head
from tongren_fupin.models import OutboxMessage

pytestmark = pytest.mark.django_db

CITY, YANHE, BIJIANG = "520600000000", "520627000000", "520602000000"
PDF_TASK = "supervision.write_report_pdf"
PROBLEMS = {"520627100200": "沿河危房改造未验收", "520602100200": "碧江饮水未达标"}


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    return "".join(text.split())  # a table cell wraps its text over lines


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def jobs(report: Report, scope: str) -> int:
    return OutboxMessage.objects.filter(task_name=PDF_TASK, args=[report.pk, scope]).count()


@pytest.fixture
def overdue(county_supervisor) -> None:
    """An overdue problem in a village of 沿河 and one in a village of 碧江."""
    for number, (village, description) in enumerate(PROBLEMS.items(), start=1):
        household = household_with_head(
            region_id=village, household_no=f"{village}{number:06d}", status=Status.EXITED
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


@pytest.fixture
def bulletin(overdue, django_capture_on_commit_callbacks) -> Report:
    """The bulletin of 2019-09 as its job writes it, with the jobs it queues run."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.monthly_dispatch_run(period=parse_period("2019-09"))


@pytest.fixture
def no_rendering(monkeypatch) -> None:
    def refuse(html: str) -> bytes:
        raise AssertionError("a PDF was rendered on the request")

    monkeypatch.setattr(report_files, "render_pdf", refuse)


def page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_bulletins_job_stores_the_city_pdf_which_is_served_without_rendering(
    bulletin, city_supervisor, api_client_user, no_rendering
):
    stored = ReportPdf.objects.get(report=bulletin)

    page = page_client(city_supervisor).get(f"/supervision/reports/{bulletin.pk}/pdf/")
    api = api_client(api_client_user).get(f"/api/v1/reports/{bulletin.pk}/pdf/")

    assert stored.scope_id == CITY
    assert stored.file.name.startswith("reports/pdf/")
    bodies = [body_of(page), body_of(api)]
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    assert bodies == [stored.file.open("rb").read()] * 2
    assert all(words in pdf_text(bodies[0]) for words in PROBLEMS.values())
    assert jobs(bulletin, CITY) == 1  # the bulletin's job queued it; no reader queued another


def test_a_missing_pdf_queues_exactly_one_job_however_often_it_is_asked_for(
    bulletin, county_supervisor, no_rendering
):
    client, api = page_client(county_supervisor), api_client(county_supervisor)
    url = f"/supervision/reports/{bulletin.pk}/pdf/"

    pages = [client.get(url) for _ in range(3)]
    answers = [api.get(f"/api/v1/reports/{bulletin.pk}/pdf/") for _ in range(2)]

    for page in pages:
        assert page.status_code == 202
        text = page.content.decode()
        assert "PDF 正在生成" in text
        assert '<meta http-equiv="refresh" content="5">' in text
        assert 'id="report-pdf-retry">再试一次</a>' in text and f'href="{url}"' in text
    for answer in answers:
        assert answer.status_code == 202 and answer["Retry-After"] == "5"
        assert answer.json() == {
            "status": "preparing",
            "detail": "PDF 正在生成，请几秒后再试。",
            "retry_after": 5,
        }
    assert jobs(bulletin, YANHE) == 1
    row = ReportPdf.objects.get(report=bulletin, scope=YANHE)
    assert (row.file.name, row.written) == ("", None)


def test_the_job_writes_the_readers_pdf_and_it_is_then_served(
    bulletin, county_supervisor, django_capture_on_commit_callbacks, monkeypatch
):
    client = page_client(county_supervisor)
    url = f"/supervision/reports/{bulletin.pk}/pdf/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)

    monkeypatch.setattr(report_files, "render_pdf", lambda html: pytest.fail("rendered again"))
    second = client.get(url)

    assert first.status_code == 202
    row = ReportPdf.objects.get(report=bulletin, scope=YANHE)
    assert row.file.name and row.written is not None
    assert second.status_code == 200 and body_of(second) == row.file.open("rb").read()
    assert second["Content-Disposition"].startswith("attachment;")
    assert jobs(bulletin, YANHE) == 1


def test_readers_of_two_counties_get_two_files_each_with_its_own_rows(
    bulletin, county_supervisor, county_supervisor_bijiang, django_capture_on_commit_callbacks
):
    url = f"/supervision/reports/{bulletin.pk}/pdf/"
    texts = {}
    for user in (county_supervisor, county_supervisor_bijiang):
        client = page_client(user)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url).status_code == 202
        response = client.get(url)
        assert response.status_code == 200
        texts[user.username] = pdf_text(body_of(response))

    files = dict(ReportPdf.objects.filter(report=bulletin).values_list("scope", "file"))
    assert set(files) == {CITY, YANHE, BIJIANG} and len(set(files.values())) == 3
    yanhe, bijiang = texts["county_supervisor"], texts["county_supervisor_bijiang"]
    assert PROBLEMS["520627100200"] in yanhe and PROBLEMS["520602100200"] not in yanhe
    assert PROBLEMS["520602100200"] in bijiang and PROBLEMS["520627100200"] not in bijiang
    # The aggregates of every county stay in both (the rankings compare them).
    assert all(
        county in text for county in ("沿河土家族自治县", "碧江区") for text in texts.values()
    )


def test_readers_with_the_same_scope_share_one_file(
    bulletin, city_supervisor, operator, api_client_user, no_rendering
):
    for user in (city_supervisor, operator):
        assert page_client(user).get(f"/supervision/reports/{bulletin.pk}/pdf/").status_code == 200
    api = api_client(api_client_user).get(f"/api/v1/reports/{bulletin.pk}/pdf/")

    assert api.status_code == 200
    assert ReportPdf.objects.get(report=bulletin).scope_id == CITY
    assert OutboxMessage.objects.filter(task_name=PDF_TASK).count() == 1


def test_a_pdf_written_with_other_thresholds_is_written_again(
    bulletin, city_supervisor, operator, django_capture_on_commit_callbacks
):
    before = ReportPdf.objects.get(report=bulletin)
    bar = ExitThreshold.objects.get(indicator="poverty_incidence", zone="west")
    bar.value = Decimal("5")
    services.exit_threshold_save(actor=operator, threshold=bar)
    client = page_client(city_supervisor)
    url = f"/supervision/reports/{bulletin.pk}/pdf/"

    with django_capture_on_commit_callbacks(execute=True):
        stale = client.get(url)
    fresh = client.get(url)

    after = ReportPdf.objects.get(report=bulletin)
    assert stale.status_code == 202 and fresh.status_code == 200
    assert after.pk == before.pk and after.inputs != before.inputs
    assert after.file.name != before.file.name
    assert before.file.storage.exists(before.file.name) is False
    assert jobs(bulletin, CITY) == 2


def test_a_file_gone_from_the_storage_is_written_again(
    bulletin, city_supervisor, django_capture_on_commit_callbacks
):
    stored = ReportPdf.objects.get(report=bulletin)
    stored.file.storage.delete(stored.file.name)
    client = page_client(city_supervisor)
    url = f"/supervision/reports/{bulletin.pk}/pdf/"

    with django_capture_on_commit_callbacks(execute=True):
        gone = client.get(url)
    again = client.get(url)

    assert gone.status_code == 202 and again.status_code == 200
    assert body_of(again).startswith(b"%PDF")


def test_the_pdf_is_refused_as_every_report_file_is(overdue, cadre_yanhe, city_supervisor, client):
    bulletin = services.monthly_dispatch_run(period=parse_period("2019-09"))
    dispatch = Report.objects.get(kind="dispatch", period="2019-09")
    running = Report.objects.create(
        kind="analysis", region_id=CITY, period="2019-Q3", title="2019-Q3", status="running"
    )
    before = list(ReportPdf.objects.values_list("pk", "requested"))
    messages = OutboxMessage.objects.count()

    anonymous = client.get(f"/supervision/reports/{bulletin.pk}/pdf/")
    cadre = page_client(cadre_yanhe).get(f"/supervision/reports/{bulletin.pk}/pdf/")
    cadre_api = api_client(cadre_yanhe).get(f"/api/v1/reports/{bulletin.pk}/pdf/")
    city = page_client(city_supervisor)
    missing = city.get("/supervision/reports/999999/pdf/")
    of_dispatch = city.get(f"/supervision/reports/{dispatch.pk}/pdf/")
    not_done = city.get(f"/supervision/reports/{running.pk}/pdf/")
    api_not_done = api_client(city_supervisor).get(f"/api/v1/reports/{running.pk}/pdf/")

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert (cadre.status_code, cadre_api.status_code) == (403, 403)
    assert [r.status_code for r in (missing, of_dispatch, not_done, api_not_done)] == [404] * 4
    assert list(ReportPdf.objects.values_list("pk", "requested")) == before
    assert OutboxMessage.objects.count() == messages


# -- on a real worker ---------------------------------------------------------------------------


@pytest.fixture
def shared_media(settings, tmp_path, monkeypatch) -> Any:
    """One storage for the site and the worker (the worker reads ``MEDIA_ROOT`` at start)."""
    media = tmp_path / "shared-media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def site_publishes_to_redis() -> Any:
    """The site's outbox publishes to the local Redis (the worker's broker), not inline."""
    from tests.worker import redis_url
    from tongren_fupin.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url())
    try:
        yield
    finally:
        app.conf.update(saved)


@pytest.mark.worker
def test_on_a_worker_the_bulletins_job_and_a_readers_request_store_the_pdfs(
    shared_media, queue_workers, site_publishes_to_redis, tongren_regions, overdue
):
    from tests.regions.factories import assigned_user
    from tests.worker import wait_for

    reports_worker = queue_workers("reports")
    city = assigned_user("w_city", "city_supervisor", CITY)
    yanhe = assigned_user("w_yanhe", "county_supervisor", YANHE)
    bulletin = services.monthly_dispatch_run(period=parse_period("2019-09"))  # commits

    def written(scope: str) -> bool:
        return ReportPdf.objects.filter(
            report=bulletin, scope=scope, written__isnull=False
        ).exists()

    wait_for(lambda: written(CITY), worker=reports_worker)
    served = page_client(city).get(f"/supervision/reports/{bulletin.pk}/pdf/")
    reader = page_client(yanhe)
    asked = [reader.get(f"/supervision/reports/{bulletin.pk}/pdf/") for _ in range(2)]
    wait_for(lambda: written(YANHE), worker=reports_worker)
    county = reader.get(f"/supervision/reports/{bulletin.pk}/pdf/")

    assert served.status_code == 200
    assert [a.status_code for a in asked] == [202, 202]
    assert county.status_code == 200
    text = pdf_text(body_of(county))
    assert PROBLEMS["520627100200"] in text and PROBLEMS["520602100200"] not in text
    assert jobs(bulletin, YANHE) == 1
    assert reports_worker.log().count("Task supervision.write_report_pdf[") >= 2
