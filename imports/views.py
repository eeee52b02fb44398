"""Pages: import the register (upload, dry-run result, commit, error report) and export it."""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from households import exports
from households.resources import SHEETS
from imports import selectors as import_selectors
from imports import services as import_jobs
from imports.api import report_response
from imports.models import CommitMode, ImportJob
from regions.roles import EXPORT_ROLES, IMPORT_ROLES, has_role, require_page_role
from tongren_fupin.errors import DomainError

STALLED_AFTER = datetime.timedelta(minutes=3)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) and data else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    upload = MultipleFileField(
        label=gettext_lazy("File"),
        widget=MultipleFileInput(attrs={"accept": ".xlsx,.csv,.zip"}),
        help_text=gettext_lazy(
            "One .xlsx workbook with the sheets 贫困户, 家庭成员, 收入 — or up to three .csv "
            "files (one per sheet), or a .zip of them."
        ),
    )


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            uploads = form.cleaned_data["upload"]
            import_jobs.check_upload_size([f.size for f in uploads])  # before reading them
            files = [(f.name, f.read()) for f in uploads]
            job = import_jobs.import_job_create(actor=request.user, files=files)
        except DomainError as error:
            form.add_error("upload", error.message)
        else:
            return redirect("imports:job", pk=job.pk)
    jobs = import_selectors.import_job_list(user=request.user)[:30]
    return render(
        request,
        "imports/list.html",
        {
            "form": form,
            "jobs": jobs,
            "can_export": has_role(request.user, EXPORT_ROLES),
            "max_upload_mb": settings.IMPORT_MAX_UPLOAD_MB,
        },
    )


def _job_context(job: ImportJob) -> dict[str, object]:
    return {
        "job": job,
        "stalled": job.is_running and timezone.now() - job.updated > STALLED_AFTER,
        "errors_shown": job.errors[:200],
        # In the workbook's order (the database keeps JSON keys in an order of its own).
        "sheet_counts": [
            (sheet.name, job.counts[sheet.name]) for sheet in SHEETS if sheet.name in job.counts
        ],
    }


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/job.html", _job_context(job))


@login_required
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job stops, the page reloads with its result."""
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    if getattr(request, "htmx", False) and not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", _job_context(job))


@login_required
@require_POST
def import_job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    mode = request.POST.get("mode", CommitMode.ALL)
    if mode == CommitMode.VALID_ONLY and request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the invalid rows are left out."))
        return redirect("imports:job", pk=job.pk)
    try:
        import_jobs.import_job_request_commit(actor=request.user, job=job, mode=mode)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def import_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    try:
        import_jobs.import_job_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:job", pk=job.pk)


@login_required
def import_job_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what discarding deletes, and a confirmation; POST: discard (audited)."""
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            import_jobs.import_job_discard(actor=request.user, job=job)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("The import was discarded."))
            return redirect("imports:list")
    elif not job.can_be_discarded:
        error = _("Only a checked job that was not written can be discarded.")
    return render(request, "imports/discard.html", {"job": job, "error": error})


@login_required
def import_job_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_page_role(request.user, IMPORT_ROLES)
    return report_response(import_selectors.import_job_get(user=request.user, pk=pk))


@login_required
def register_export(request: HttpRequest) -> HttpResponseBase:
    """GET: the export page; POST: the file (an audited security event)."""
    require_page_role(request.user, EXPORT_ROLES)
    if request.method != "POST":
        return render(request, "imports/export.html", {})
    fmt = request.POST.get("format", "xlsx")
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        exports.register_export(
            actor=request.user, fmt=fmt, target=target, ip_address=request.META.get("REMOTE_ADDR")
        )
    except DomainError as error:
        target.close()
        messages.error(request, error.message)
        return redirect("imports:export")
    target.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(target, as_attachment=True, filename=f"建档立卡-{stamp}.{fmt}")
