"""The PDFs of bulletins and analyses, stored (decision 0026): rendering one takes seconds, so no
request renders it. A file is kept per report and reader scope — the region whose rows the
reader sees — and the readers with the same scope share it. The job that writes a report queues
its PDF for the report's own scope; a reader whose scope has no current file gets a page saying
it is being prepared while a job, queued once through the outbox, writes it."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from regions.models import Region
from regions.roles import SUPERVISION_API_ROLES, require_role
from supervision import report_files, reports, selectors
from supervision.models import Report, ReportPdf, ReportStatus
from tongren_fupin import outbox

PDF_TASK = "supervision.write_report_pdf"
#: A job asked for within this window and not done yet is "being prepared": asking again queues
#: nothing. Past it (the job was lost), the next request queues another.
REQUEST_WINDOW = datetime.timedelta(minutes=15)


def pdf_scope(*, user: Any, report: Report) -> Region:
    """The region whose rows ``user`` reads in ``report``: their jurisdiction when it lies
    within the report's region, else the report's region (an operator, a city supervisor)."""
    mine = selectors.jurisdiction_region(user)
    own = report.region
    return mine if mine.prefix.startswith(own.prefix) else own


def inputs_key() -> str:
    """What a PDF is written with besides the report's content: the exit thresholds, which mark
    the cells below target. A stored file with another key is out of date."""
    from supervision.services import thresholds  # services queue the PDFs of what they write

    bars = sorted((t.indicator, t.comparison, str(t.value)) for t in thresholds().values())
    return hashlib.sha256(json.dumps(bars).encode()).hexdigest()


def stored_pdf(*, user: Any, report: Report) -> ReportPdf | None:
    """The current PDF of ``report`` for ``user``'s scope, or ``None`` (none written yet, or
    written with other thresholds). ``report`` is one ``selectors.report_get`` found, done."""
    if report.kind not in reports.FILE_KINDS or report.status != ReportStatus.DONE:
        raise Http404
    row = ReportPdf.objects.filter(report=report, scope=pdf_scope(user=user, report=report)).first()
    if row is None or not row.file or row.inputs != inputs_key():
        return None
    return row


def report_pdf_request(*, actor: Any, report: Report) -> ReportPdf:
    """Ask for the PDF of ``report`` in ``actor``'s scope to be written in the background."""
    require_role(actor, SUPERVISION_API_ROLES)
    return pdf_queue(report=report, scope=pdf_scope(user=actor, report=report))


def _pending(row: ReportPdf, now: datetime.datetime) -> bool:
    """A job was asked for recently and has not written the file since."""
    asked = row.requested
    if asked is None or asked < now - REQUEST_WINDOW:
        return False
    return row.written is None or asked > row.written


def pdf_queue(*, report: Report, scope: Region) -> ReportPdf:
    """Queue the job writing the PDF of ``report`` for ``scope``, once per (report, scope):
    while one is pending, asking again returns its row and queues nothing."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = ReportPdf.objects.select_for_update().get_or_create(
            report=report, scope=scope
        )
        if _pending(row, now):
            return row
        row.requested = now
        row.save(update_fields=["requested"])
        outbox.enqueue(PDF_TASK, report.pk, scope.code)
    return row


def report_pdf_write(*, report_id: int, scope_code: str) -> ReportPdf | None:
    """The job: render the PDF of the report for ``scope_code`` and store it (idempotent: a
    current file is left as it is; one written with other thresholds, or gone from the storage,
    is replaced)."""
    report = (
        Report.objects.select_related("region")
        .filter(pk=report_id, kind__in=reports.FILE_KINDS, status=ReportStatus.DONE)
        .first()
    )
    scope = Region.objects.filter(code=scope_code).first()
    if report is None or scope is None:
        return None
    key = inputs_key()  # before rendering: a change meanwhile makes the file out of date
    row = ReportPdf.objects.filter(report=report, scope=scope).first()
    if row is not None and row.inputs == key and _file_exists(row):
        return row
    report.content = reports.scoped_content(report, scope.prefix)
    content = report_files.report_pdf(report)
    return _store(report, scope, key, content)


def _file_exists(row: ReportPdf) -> bool:
    name = row.file.name
    return bool(name) and row.file.storage.exists(str(name))


def _store(report: Report, scope: Region, key: str, content: bytes) -> ReportPdf:
    with transaction.atomic():
        row, _created = ReportPdf.objects.select_for_update().get_or_create(
            report=report, scope=scope
        )
        old = row.file.name or ""
        row.file.save(f"report-{report.pk}-{scope.code}.pdf", ContentFile(content), save=False)
        new = str(row.file.name)
        try:
            row.inputs, row.written = key, timezone.now()
            row.save()
        except BaseException:
            row.file.storage.delete(new)
            raise
        if old and old != new:
            storage = row.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    return row
