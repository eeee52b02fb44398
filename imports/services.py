"""Import jobs of the register: upload → dry run → decision → commit, each step a service.

The work runs in Celery (``imports.tasks.run_import_job``), queued through the outbox with the
request's transaction. A run takes the job's id and looks at its status to know what is left, so it
can be sent again after a worker died: a dry run writes nothing, and a commit writes everything
and marks the job committed in one transaction, or nothing at all.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import events
from audit.models import Category
from households import exports, resources, spreadsheets
from households.importing.reading import bundle_csv_files
from households.importing.run import Result, run_import
from imports.models import CommitMode, ExportJob, ExportStatus, ImportJob, JobStatus
from regions.roles import EXPORT_ROLES, IMPORT_ROLES, require_role
from regions.scoping import assignment_of
from tongren_fupin import db_router, outbox
from tongren_fupin.errors import DomainError

logger = logging.getLogger(__name__)
ERRORS_SHOWN = 1000  # the job keeps the first errors; the report has every one
RUN_TASK = "households.run_import_job"  # imports.tasks.run_import_job
LOCK_CLASS = 5206  # advisory lock namespace of import runs (PostgreSQL)
EXPORT_TASK = "imports.run_export_job"  # imports.tasks.run_export_job
EXPORT_LOCK_CLASS = 5207  # advisory lock namespace of export runs


def enqueue(job_id: int) -> None:
    """Queue a run through the outbox: sent once the current transaction commits, kept and sent
    later if the broker is down (inline without a broker)."""
    outbox.enqueue(RUN_TASK, job_id)


def check_upload_size(sizes: Sequence[int]) -> None:
    """Refuse an upload larger than ``IMPORT_MAX_UPLOAD_MB`` (its files together). Callers
    check the sizes Django reports before reading the files; the service checks again."""
    total, limit = sum(sizes), settings.IMPORT_MAX_UPLOAD_MB
    if total > limit * 1024 * 1024:
        message = _(
            "The file is too large (%(size)s MB): at most %(limit)s MB can be imported at "
            "once. Split the register by county or township, or ask the operator."
        ) % {"size": f"{total / 1024 / 1024:.1f}", "limit": limit}
        raise DomainError("file_too_large", message, status=413, errors={"file": [message]})


@transaction.atomic
def import_job_create(*, actor: Any, files: Sequence[tuple[str, bytes]]) -> ImportJob:
    """A job for one .xlsx (or .zip of CSVs), or for one to three .csv files (kept as a zip)."""
    require_role(actor, IMPORT_ROLES)
    if not files:
        raise DomainError("no_file", _("Choose a file to import."))
    suffixes = {Path(name).suffix.lower() for name, _content in files}
    if len(files) > 1 and suffixes != {".csv"}:
        raise DomainError("files", _("Upload one workbook, or up to three CSV files together."))
    if len(files) > len(resources.SHEETS):
        raise DomainError("files", _("Upload one workbook, or up to three CSV files together."))
    check_upload_size([len(content) for _name, content in files])
    if len(files) == 1:
        name, content = files[0]
    else:
        name = "、".join(Path(n).stem for n, _content in files)[:200] + ".zip"
        content = bundle_csv_files(files)
    assignment = assignment_of(actor)
    job = ImportJob(
        created_by=actor,
        region=assignment.region if assignment and not actor.is_superuser else None,
        original_name=Path(name).name[:255],
    )
    job.file.save(f"register{Path(name).suffix.lower()}", ContentFile(content), save=False)
    job.save()
    events.record(
        actor=actor,
        action="import.uploaded",
        obj=job,
        region_code=job.region_id or "",
        changes={"file": [None, job.original_name], "bytes": [None, len(content)]},
        summary=_("Uploaded %(name)s for import") % {"name": job.original_name},
    )
    enqueue(job.pk)
    return job


@transaction.atomic
def import_job_request_commit(*, actor: Any, job: ImportJob, mode: str) -> ImportJob:
    """Commit a checked job: everything (only when nothing is invalid) or the valid rows."""
    require_role(actor, IMPORT_ROLES)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != JobStatus.VALIDATED:
        raise DomainError("job_state", _("Only a checked job can be committed."), status=409)
    if mode not in CommitMode.values:
        raise DomainError("mode", _("Choose how to commit."))
    if mode == CommitMode.ALL and locked.invalid_rows:
        raise DomainError(
            "invalid_rows",
            _(
                "The file has invalid rows, so nothing can be written as a whole. Fix the file "
                "and upload it again, or choose to commit only the valid rows."
            ),
        )
    if not locked.changed_rows:
        raise DomainError("no_changes", _("The file changes nothing in the register."))
    locked.status, locked.mode, locked.progress = JobStatus.COMMIT_QUEUED, mode, 0
    locked.stage = ""
    locked.save(update_fields=["status", "mode", "progress", "stage", "updated"])
    if mode == CommitMode.VALID_ONLY:
        events.record(
            actor=actor,
            action="import.valid_only_chosen",
            obj=locked,
            region_code=locked.region_id or "",
            changes={
                "mode": [None, mode],
                "invalid_rows": [None, locked.invalid_rows],
                "rows_to_write": [None, locked.changed_rows],
            },
            summary=_("Chose to commit only the valid rows of %(name)s (%(invalid)s invalid)")
            % {"name": locked.original_name, "invalid": locked.invalid_rows},
        )
    enqueue(locked.pk)
    return locked


@transaction.atomic
def import_job_discard(*, actor: Any, job: ImportJob) -> ImportJob:
    """Discard a checked job that was not written: its uploaded file and error report are
    deleted (once the transaction commits) and its errors, which quote the file's cells, are
    cleared; the record stays, with its counts, as does the audit trail."""
    require_role(actor, IMPORT_ROLES)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not locked.can_be_discarded:
        raise DomainError(
            "job_state",
            _("Only a checked job that was not written can be discarded."),
            status=409,
        )
    previous = locked.status
    files = [str(f.name) for f in (locked.file, locked.report) if f]
    storage = locked.file.storage
    locked.status, locked.errors, locked.stage = JobStatus.DISCARDED, [], ""
    locked.file, locked.report = "", ""
    locked.save(update_fields=["status", "errors", "stage", "file", "report", "updated"])
    events.record(
        actor=actor,
        action="import.discarded",
        obj=locked,
        region_code=locked.region_id or "",
        changes={"status": [previous, JobStatus.DISCARDED], "file": [locked.original_name, None]},
        summary=_("Discarded the import of %(name)s") % {"name": locked.original_name},
    )

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return locked


@transaction.atomic
def import_job_retry(*, actor: Any, job: ImportJob) -> ImportJob:
    """Send an unfinished job (its worker died or the queue lost it) to a worker again."""
    require_role(actor, IMPORT_ROLES)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not locked.is_running:
        raise DomainError("job_state", _("Only an unfinished job can be run again."), status=409)
    enqueue(locked.pk)
    return locked


# -- the run (called by the task) ----------------------------------------------------------------


@contextmanager
def _run_lock(job_id: int, namespace: int = LOCK_CLASS) -> Iterator[bool]:
    """One run per job at a time: a session advisory lock, freed when the worker's connection
    ends, so a killed worker never keeps it. (Other databases run tasks inline, one at a time.)"""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, job_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, job_id])


def import_job_run(*, job_id: int) -> str:
    """Do what is left of a job; returns its status. Safe to call again at any time."""
    with _run_lock(job_id) as acquired, translation.override("zh-hans"):
        job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
        if not acquired or job is None:
            return "busy" if job else "missing"
        if job.status in (JobStatus.QUEUED, JobStatus.VALIDATING):
            _run(job, JobStatus.VALIDATING, commit=False)
        elif job.status in (JobStatus.COMMIT_QUEUED, JobStatus.COMMITTING):
            _run(job, JobStatus.COMMITTING, commit=True)
        job.refresh_from_db()
        return job.status


def _set(job: ImportJob, **fields: Any) -> None:
    fields["updated"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _run(job: ImportJob, status: str, *, commit: bool) -> None:
    _set(job, status=status, attempts=job.attempts + 1, progress=0, stage=_("Reading the file"))

    def progress(percent: int, stage: str) -> None:
        _set(job, progress=percent, stage=stage)

    def written(result: Result) -> None:
        _finish(job, result, JobStatus.COMMITTED)
        events.record(
            actor=job.created_by,
            action="import.committed",
            obj=job,
            region_code=job.region_id or "",
            changes={"mode": [None, job.mode], "counts": [None, result.counts]},
            summary=_("Imported %(name)s (%(mode)s)")
            % {"name": job.original_name, "mode": CommitMode(job.mode).label},
        )

    with tempfile.TemporaryDirectory() as folder:
        stored = str(job.file.name)
        path = Path(folder) / Path(stored).name
        with job.file.open("rb") as source:
            path.write_bytes(source.read())
        try:
            result = run_import(
                path=path,
                original_name=stored,
                actor=job.created_by,
                commit=commit,
                valid_only=job.mode == CommitMode.VALID_ONLY,
                progress=progress,
                on_written=written,
                source=_("import job #%(id)s") % {"id": job.pk},
            )
        except resources.FileError as error:
            _finish(job, Result(counts={}, errors=error.errors), JobStatus.FAILED)
            return
        except IntegrityError:
            logger.exception("import job %s: the register changed while writing", job.pk)
            stage = _("The register changed while writing; nothing was written. Commit again.")
            _set(job, status=JobStatus.VALIDATED, stage=stage)
            return
    if not result.written:
        _finish(job, result, JobStatus.VALIDATED)
        if commit:
            _set(job, stage=_("The check found invalid rows, so nothing was written."))


def _finish(job: ImportJob, result: Result, status: str) -> None:
    report = ContentFile(b"")
    if result.errors:
        with tempfile.TemporaryFile() as target:
            spreadsheets.write_error_report(
                target, result.errors, result.skipped, result.ignored_columns
            )
            target.seek(0)
            report = ContentFile(target.read())
    fields: dict[str, Any] = {
        "status": status,
        "progress": 100,
        "stage": "",
        "counts": result.counts,
        "error_count": len(result.errors),
        "errors": [error.as_dict() for error in result.errors[:ERRORS_SHOWN]],
        "skipped": [
            {"household_no": number_key, "reasons": [e.as_dict() for e in reasons]}
            for number_key, reasons in list(result.skipped.items())[:ERRORS_SHOWN]
        ],
        "ignored_columns": [
            {"sheet": sheet, "columns": columns} for sheet, columns in result.ignored_columns
        ],
        "finished": timezone.now(),
    }
    if result.errors:
        job.report.save(f"import-{job.pk}-errors.xlsx", report, save=False)
        fields["report"] = job.report.name
    elif job.report:
        fields["report"] = ""
    _set(job, **fields)


# -- exports ----------------------------------------------------------------------------------


@transaction.atomic
def export_job_create(*, actor: Any, fmt: str, ip_address: str | None = None) -> ExportJob:
    """Ask for an export of the actor's jurisdiction: written in the background (a job of
    Tongren's size takes minutes), scoped and masked for the actor; the export itself is
    audited when its file is kept."""
    exports.check_export(actor=actor, fmt=fmt)
    assignment = assignment_of(actor)
    job = ExportJob.objects.create(
        created_by=actor,
        region=assignment.region if assignment and not actor.is_superuser else None,
        format=fmt,
        masked=exports.masked_export(actor),
        ip_address=ip_address,
    )
    enqueue_export(job.pk)
    return job


def enqueue_export(job_id: int) -> None:
    """Queue the writing of an export through the outbox, like an import run."""
    outbox.enqueue(EXPORT_TASK, job_id)


def export_job_run(*, job_id: int) -> str:
    """Write the file of an export job; returns its status. Safe to call again at any time: a
    finished job is left as it is, an unfinished one is written again from the start."""
    with _run_lock(job_id, EXPORT_LOCK_CLASS) as acquired, translation.override("zh-hans"):
        job = ExportJob.objects.filter(pk=job_id).select_related("created_by").first()
        if not acquired or job is None:
            return "busy" if job else "missing"
        if job.is_running:
            _export(job)
        job.refresh_from_db()
        return job.status


def _set_export(job: ExportJob, **fields: Any) -> None:
    fields["updated"] = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _export(job: ExportJob) -> None:
    _set_export(job, status=ExportStatus.RUNNING, attempts=job.attempts + 1, progress=0,
                stage=_("Writing the file"))  # fmt: skip
    actor = job.created_by
    with tempfile.TemporaryFile() as target:
        try:
            with db_router.reads_may_lag():  # the register as of a moment ago: the replica's
                export = exports.register_write(
                    actor=actor,
                    fmt=job.format,
                    target=target,
                    progress=lambda percent, stage: _set_export(job, progress=percent, stage=stage),
                )
        except DomainError as error:  # the user lost the role since asking
            _set_export(job, status=ExportStatus.FAILED, stage=error.message[:100],
                        finished=timezone.now())  # fmt: skip
            return
        target.seek(0)
        with transaction.atomic():
            locked = ExportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ExportStatus.RUNNING:
                return  # another run finished it meanwhile
            locked.file.save(f"export-{job.pk}.{job.format}", ContentFile(target.read()),
                             save=False)  # fmt: skip
            locked.status, locked.progress, locked.stage = ExportStatus.DONE, 100, ""
            locked.counts, locked.masked = export.counts, export.masked
            locked.finished = timezone.now()
            locked.save()
            exports.register_export_record(
                actor=actor, export=export, fmt=job.format, ip_address=job.ip_address, obj=locked
            )


@transaction.atomic
def export_job_retry(*, actor: Any, job: ExportJob) -> ExportJob:
    """Send an export that did not finish (its worker died, the queue lost it, or it failed) to
    a worker again; the run writes the file from the start and records the export once."""
    require_role(actor, EXPORT_ROLES)
    locked = ExportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == ExportStatus.DONE:
        raise DomainError(
            "job_state", _("Only an export that did not finish can be run again."), status=409
        )
    if locked.status == ExportStatus.FAILED:
        locked.status, locked.finished = ExportStatus.QUEUED, None
        locked.save(update_fields=["status", "finished"])
    enqueue_export(locked.pk)
    return locked


def export_job_download(*, actor: Any, job: ExportJob) -> ExportJob:
    """The file of a finished export, for the user who asked; each download is recorded."""
    require_role(actor, EXPORT_ROLES)
    if job.status != ExportStatus.DONE or not job.file:
        raise DomainError("export_not_ready", _("The export is not ready yet."), status=409)
    events.record(
        actor=actor,
        action="register.export_downloaded",
        obj=job,
        category=Category.SECURITY,
        region_code=job.region_id or "",
        changes={"format": [None, job.format], "masked": [None, job.masked]},
        summary=_("Downloaded export #%(id)s of the register") % {"id": job.pk},
    )
    return job
