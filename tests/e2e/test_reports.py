"""demo_city asks for the analysis of a quarter on the reports page: a real Celery worker writes
it while the page shows the progress; then the PDF the job stored (its pages rendered to PNG in
test-artifacts/ to be looked at), the workbook (read with openpyxl) and the bulletin's print
version."""

from __future__ import annotations

import glob
import io
import os
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from demo.cases import generate_demo_cases
from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from supervision import services
from supervision.models import ExitThreshold, Report, ReportPdf
from supervision.periods import parse_period
from supervision.reference import install_thresholds
from tests.e2e.conftest import log_in
from tests.worker import redis_url, wait_for
from tongren_fupin.celery import app

pytestmark = pytest.mark.browser

QUARTER = "2020-Q3"


@pytest.fixture
def outbox_to_worker(celery_worker: Any) -> Iterator[Any]:
    """The site's outbox publishes to the test worker's queue on Redis (not inline)."""
    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    app.conf.update(
        task_always_eager=False, broker_url=redis_url(), task_default_queue=celery_worker.queue
    )
    for cached in ("router", "queues", "_rtable", "producer_pool", "publisher_pool"):
        app.amqp.__dict__.pop(cached, None)
    app._pool = None
    try:
        yield celery_worker
    finally:
        app.conf.update(saved)
        for cached in ("router", "queues", "_rtable", "producer_pool", "publisher_pool"):
            app.amqp.__dict__.pop(cached, None)
        app._pool = None


@pytest.fixture
def report_site(tongren_regions, live_server, outbox_to_worker):
    install_thresholds(ExitThreshold)
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)
    generate_demo_cases()
    services.monthly_dispatch_run(period=parse_period("2020-12"))  # make run's bulletin
    return live_server.url


def render_pages(pdf: bytes, directory: str, name: str) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    for stale in glob.glob(os.path.join(directory, f"{name}-*.png")):  # of an earlier run
        os.remove(stale)
    paths = []
    for number in range(len(document)):
        path = os.path.join(directory, f"{name}-{number + 1}.png")
        document[number].render(scale=1.5).to_pil().save(path)
        paths.append(path)
    return paths


def test_demo_city_asks_for_an_analysis_and_opens_its_pdf_workbook_and_the_bulletin(
    report_site, outbox_to_worker, desktop_page, artifacts_dir, tmp_path
):
    page = desktop_page.page
    log_in(page, report_site, "demo_city", DEMO_PASSWORD)
    page.goto(f"{report_site}/supervision/reports/")
    assert "申请生成报告" in page.locator("#report-request").inner_text()

    page.get_by_label("报告").select_option("analysis")
    page.get_by_label("期间").fill(QUARTER)
    page.get_by_role("button", name="申请生成").click()

    report = Report.objects.get(kind="analysis", period=QUARTER)
    page.wait_for_url(f"{report_site}/supervision/reports/{report.pk}/")
    # The worker takes a few seconds over the quarter's three months: the page shows how far.
    assert page.locator("#report-status").inner_text() in {"排队中", "生成中"}
    assert page.locator("#report-progress progress").count() == 1
    page.screenshot(path=os.path.join(artifacts_dir, "report_progress.png"), full_page=True)
    # The worker finishes (three months of dispatch on the demo register); the page reloads.
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status="done").exists(),
        seconds=600,
        worker=outbox_to_worker,
    )
    page.wait_for_selector("#report-files", timeout=30_000)
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    assert report.requested_by.username == "demo_city"
    assert "supervision.write_report" in outbox_to_worker.log()
    page.screenshot(path=os.path.join(artifacts_dir, "report_done.png"), full_page=True)

    # The job that wrote the analysis queued its PDF for the city's readers (decision 0026).
    wait_for(
        lambda: ReportPdf.objects.filter(report=report, written__isnull=False).exists(),
        seconds=120,
        worker=outbox_to_worker,
    )
    with page.expect_download() as pdf_download:
        page.locator("#report-pdf").click()
    pdf_path = tmp_path / "analysis.pdf"
    pdf_download.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    pngs = render_pages(pdf, artifacts_dir, "analysis-pdf-page")
    assert len(pngs) >= 3

    with page.expect_download() as xlsx_download:
        page.locator("#report-xlsx").click()
    xlsx_path = tmp_path / "analysis.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    workbook = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    sheet = workbook["县（区）比较"]
    assert sheet.freeze_panes == "C4"
    assert sheet["A1"].value == f"{QUARTER} 季度分析"
    assert all(sheet.column_dimensions[c].width >= 12 for c in "ABCDE")
    headers = [c.value for c in sheet[3]]
    for header in headers:
        if header and header.endswith(("（人）", "（个）")):
            column = headers.index(header)
            values = [row[column] for row in sheet.iter_rows(min_row=4, values_only=True)]
            assert all(v is None or isinstance(v, int) for v in values), header

    page.goto(f"{report_site}/supervision/reports/?kind=bulletin")
    page.get_by_role("link", name="2020-12 月度通报").click()
    page.locator("#report-print").click()
    page.wait_for_selector(".title-block")
    assert "铜仁市扶贫开发领导小组办公室" in page.locator(".title-block").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "bulletin_print.png"), full_page=True)
    assert desktop_page.console_errors == []
    assert desktop_page.external_requests("localhost") == []
