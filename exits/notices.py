"""The exit's public notices, to print and post: the village publicity (村内公示) and the
county's announcement (公告退出), each as an A4 page and as a PDF (``docs/public-notices.md``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from exits import selectors
from exits.models import ExitApplication, ExitState
from publicity.notices import notice_response
from regions.roles import PAGE_ROLES, require_page_role


def _application(request: HttpRequest, pk: int) -> ExitApplication:
    require_page_role(request.user, PAGE_ROLES)
    application: ExitApplication = selectors.exit_application_get(user=request.user, pk=pk)
    return application


def _not_yet(request: HttpRequest, application: ExitApplication, message: str) -> HttpResponse:
    if application.state == ExitState.REJECTED:
        message = _("The application was rejected: it has no public notice.")
    messages.error(request, message)
    return redirect("exits:detail", pk=application.pk)


def _respond(
    request: HttpRequest,
    application: ExitApplication,
    notice: selectors.ExitNotice,
    *,
    template: str,
    url_name: str,
    as_pdf: bool,
) -> HttpResponse:
    context = {
        "notice": notice,
        "back_url": reverse("exits:detail", args=[application.pk]),
        "back_label": _("Back to the application"),
        "pdf_url": reverse(f"exits:{url_name}_pdf", args=[application.pk]),
    }
    filename = (
        f"{url_name.replace('_', '-')}-{notice.household.household_no}-{notice.exit_year}.pdf"
    )
    return notice_response(request, template, context, as_pdf=as_pdf, filename=filename)


@login_required
def exit_publicity_notice(request: HttpRequest, pk: int, as_pdf: bool = False) -> HttpResponse:
    """村内公示: from the start of the publicity on."""
    application = _application(request, pk)
    notice = selectors.publicity_notice(application)
    if notice is None:
        return _not_yet(request, application, _("The application has not been publicized."))
    return _respond(
        request,
        application,
        notice,
        template="exits/publicity_notice.html",
        url_name="publicity_notice",
        as_pdf=as_pdf,
    )


@login_required
def exit_announcement(request: HttpRequest, pk: int, as_pdf: bool = False) -> HttpResponse:
    """公告退出: once the county has approved the exit."""
    application = _application(request, pk)
    notice = selectors.announcement_notice(application)
    if notice is None:
        return _not_yet(request, application, _("The exit has not been approved."))
    return _respond(
        request,
        application,
        notice,
        template="exits/announcement.html",
        url_name="announcement",
        as_pdf=as_pdf,
    )
