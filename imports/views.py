"""Pages: import the register (upload, dry-run result, commit, error report) and export it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from households.resources import SHEETS
from imports import selectors as import_selectors
from imports import services as import_jobs
from imports.api import export_file_response, report_response
from imports.models import CommitMode, ImportJob
from regions.roles import EXPORT_ROLES, IMPORT_ROLES, has_role, require_page_role
from tongren_fupin.forms import act, error_text, posted, posted_files, status_of, submit

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


class CommitForm(forms.Form):
    """写入: every row, or (confirmed) only the valid ones."""

    mode = forms.ChoiceField(
        label=gettext_lazy("rows to write"), choices=CommitMode.choices, required=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that the invalid rows are left out"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == CommitMode.VALID_ONLY and not data.get("confirm"):
            raise forms.ValidationError(
                _("Tick the box to confirm that the invalid rows are left out.")
            )
        return data


class RetryForm(forms.Form):
    """A button with nothing to send but its CSRF token."""


class ExportForm(forms.Form):
    # The service names the formats it writes (and refuses others, in Chinese).
    format = forms.CharField(label=gettext_lazy("format"), required=False, max_length=10)

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "xlsx"


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    form = UploadForm(posted(request), posted_files(request))
    if form.is_bound and form.is_valid():
        uploads = form.cleaned_data["upload"]

        def create() -> ImportJob:
            import_jobs.check_upload_size([f.size for f in uploads])  # before reading them
            files = [(f.name, f.read()) for f in uploads]
            return import_jobs.import_job_create(actor=request.user, files=files)

        job = submit(form, create)
        if job is not None:
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
        status=status_of(form),
    )


def _job_context(job: ImportJob) -> dict[str, object]:
    return {
        "job": job,
        "stalled": job.is_running and timezone.now() - job.updated > STALLED_AFTER,
        "errors_shown": job.errors[:200],
        "skipped_shown": job.skipped[:200],
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
    form = CommitForm(posted(request))
    act(
        request,
        form,
        lambda: import_jobs.import_job_request_commit(
            actor=request.user, job=job, mode=form.cleaned_data["mode"] or CommitMode.ALL
        ),
    )
    # The job page polls its progress: back to it (with the message) rather than a page here.
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def import_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    act(
        request,
        RetryForm(posted(request)),
        lambda: import_jobs.import_job_retry(actor=request.user, job=job),
    )
    return redirect("imports:job", pk=job.pk)


@login_required
def import_job_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what discarding deletes, and a confirmation; POST: discard (audited)."""
    require_page_role(request.user, IMPORT_ROLES)
    job = import_selectors.import_job_get(user=request.user, pk=pk)
    form = RetryForm(posted(request))
    error = ""
    if form.is_bound:
        if submit(
            form, lambda: import_jobs.import_job_discard(actor=request.user, job=job) or True
        ):
            messages.success(request, _("The import was discarded."))
            return redirect("imports:list")
        error = error_text(form)
    elif not job.can_be_discarded:
        error = _("Only a checked job that was not written can be discarded.")
    return render(
        request, "imports/discard.html", {"job": job, "error": error}, status=status_of(form)
    )


@login_required
def import_job_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_page_role(request.user, IMPORT_ROLES)
    return report_response(import_selectors.import_job_get(user=request.user, pk=pk))


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    """GET: the export page with the user's recent exports; POST: ask for an export (written in
    the background, then downloaded from its page)."""
    require_page_role(request.user, EXPORT_ROLES)
    form = ExportForm(posted(request))
    if form.is_bound and form.is_valid():
        job = submit(
            form,
            lambda: import_jobs.export_job_create(
                actor=request.user,
                fmt=form.cleaned_data["format"],
                ip_address=request.META.get("REMOTE_ADDR"),
            ),
        )
        if job is not None:
            return redirect("imports:export-job", pk=job.pk)
    jobs = import_selectors.export_job_list(user=request.user)[:10]
    return render(
        request,
        "imports/export.html",
        {"form": form, "jobs": jobs, "error": error_text(form) if form.is_bound else ""},
        status=status_of(form),
    )


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An export's progress (polled by htmx while it runs) and, once written, its download."""
    require_page_role(request.user, EXPORT_ROLES)
    job = import_selectors.export_job_get(user=request.user, pk=pk)
    if getattr(request, "htmx", False):
        if not job.is_running:
            return HttpResponseClientRefresh()
        return render(request, "imports/_export_progress.html", {"job": job})
    return render(request, "imports/export_job.html", {"job": job})


@login_required
def export_job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_page_role(request.user, EXPORT_ROLES)
    job = import_selectors.export_job_get(user=request.user, pk=pk)
    form = RetryForm({})
    downloaded = submit(form, lambda: import_jobs.export_job_download(actor=request.user, job=job))
    if downloaded is None:
        messages.error(request, error_text(form))
        return redirect("imports:export-job", pk=job.pk)
    return export_file_response(job)
