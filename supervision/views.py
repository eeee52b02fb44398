"""Pages: the dashboard with its charts, county exit readiness, reports, the notification inbox."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from assistance.selectors import latest_project_year
from regions.models import CHILD_LEVEL, Level
from regions.roles import (
    REPORT_REQUEST_ROLES,
    SUPERVISION_PAGE_ROLES,
    has_role,
    require_page_role,
)
from supervision import report_files, report_pdfs, reports, selectors, services, snapshot_requests
from supervision.forms import ReportRequestForm, SnapshotsRequestForm
from supervision.models import Indicator, Report, ReportKind, ReportStatus
from supervision.periods import Period, month_period, parse_period, period_or_default
from tongren_fupin import numbers
from tongren_fupin.db_router import lagging_view
from tongren_fupin.forms import act, posted, status_of, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How often the page of a PDF being prepared tries again (and the API's ``Retry-After``).
PDF_RETRY_SECONDS = 5
FIRST_YEAR = 2014
FIRST_FUND_YEAR = 2013  # the Suzhou–Tongren cooperation began in 2013
FUND_RATES = (
    Indicator.DISBURSEMENT_RATE,
    Indicator.REIMBURSEMENT_RATE,
    Indicator.FILING_RATE,
    Indicator.COMPLETION_RATE,
)


def _period_param(request: HttpRequest, default: Period) -> Period:
    """``?period=``; a malformed one is said on the page, which shows ``default``."""
    period, error = period_or_default(request.GET.get("period", ""), default)
    if error:
        messages.error(request, error)
    return period


def _fund_year(request: HttpRequest, today: Any) -> int:
    """The year of the fund chart: ``?year=`` when it is a year with assistance (2013 on), else
    the latest year with a project, else this year."""
    text = request.GET.get("year", "")
    if text.isdigit() and FIRST_FUND_YEAR <= int(text) <= today.year:
        return int(text)
    latest = latest_project_year(user=request.user)
    return min(latest or today.year, today.year)


def _number(value: Decimal | None) -> int | float | None:
    """A JSON number for the charts: counts as integers, rates with their decimals."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _table(rows: list[selectors.IndicatorRow]) -> list[dict[str, Any]]:
    return [
        {
            "region": r.region,
            "name": r.region_name,
            "value": _number(r.value),
            "numerator": _number(r.numerator),
            "denominator": _number(r.denominator),
            "stored": r.stored,
        }
        for r in rows
    ]


@dataclass(frozen=True)
class _Missing:
    """Figures of an ended period the dashboard shows and no snapshot holds yet."""

    period: Period
    codes: tuple[str, ...]
    level: str | None


@lagging_view
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The supervisor's charts, read from stored snapshots only (decisions 0027, 0031): a figure
    of an ended period no snapshot holds yet is said, and the button asks a job to compute it."""
    require_page_role(request.user, SUPERVISION_PAGE_ROLES)
    user = request.user
    region = selectors.jurisdiction_region(user)
    breakdown = CHILD_LEVEL.get(Level(region.level)) or region.level
    today = timezone.localdate()
    this_year = parse_period(str(today.year))
    fund_period = parse_period(str(_fund_year(request, today)))
    this_month = month_period(today.year, today.month)
    incidence_level = Level.COUNTY if region.level == Level.CITY else None
    last_year = min(today.year - 1, 2020)
    years = range(FIRST_YEAR, last_year + 1)
    # Every table of the page read together: one query for the snapshots (decision 0027).
    wanted = [
        *(
            selectors.Figures(parse_period(str(y)), (Indicator.POVERTY_INCIDENCE,), incidence_level)
            for y in years
        ),
        *(selectors.Figures(fund_period, (code,), breakdown) for code in FUND_RATES),
        selectors.Figures(this_month, (Indicator.RELOCATION_EMPLOYMENT,), breakdown),
        selectors.Figures(this_month, (Indicator.OPEN_PROBLEMS,), breakdown),
        selectors.Figures(this_month, (Indicator.OVERDUE_PROBLEMS,), breakdown),
    ]
    tables = iter(selectors.stored_figures(region=region, wanted=wanted))
    incidence_figures = {year: next(tables) for year in years}
    funds = _chart(fund_period, FUND_RATES, [next(tables) for _code in FUND_RATES])
    employment = _chart(this_month, (Indicator.RELOCATION_EMPLOYMENT,), [next(tables)])
    problems_chart = _chart(
        this_month,
        (Indicator.OPEN_PROBLEMS, Indicator.OVERDUE_PROBLEMS),
        [next(tables), next(tables)],
    )
    # Incidence has a denominator per county only (the rural population): below a county there
    # is nothing to compute, and the page says it is counted per county.
    per_county = region.level in (Level.CITY, Level.COUNTY)
    missing = [
        _Missing(parse_period(str(year)), (Indicator.POVERTY_INCIDENCE,), incidence_level)
        for year, rows in incidence_figures.items()
        if per_county and any(not row.stored for row in rows)
    ]
    if funds["missing"] and fund_period.has_ended(today):
        missing.append(_Missing(fund_period, FUND_RATES, breakdown))
    if request.method == "POST":
        return _dashboard_request(request, region, missing)
    incidence = {year: _table(rows) for year, rows in incidence_figures.items()}
    names = [row["name"] for row in next(iter(incidence.values()), [])]
    charts = {
        "incidence": {
            "years": [str(y) for y in incidence],
            "names": names,
            "series": {str(y): [r["value"] for r in rows] for y, rows in incidence.items()},
        },
        "funds": funds,
        "employment": employment,
        "problems": problems_chart,
    }
    labels = {code: str(Indicator(code).label) for code in Indicator.values}
    incidence_rows = _incidence_rows(incidence)
    requested_at = snapshot_requests.figures_last_requested(
        region=region, wanted=[(m.period, m.level, m.codes) for m in missing]
    )
    return render(
        request,
        "supervision/dashboard.html",
        {
            "region": region,
            "charts": charts,
            "labels": labels,
            "incidence_rows": incidence_rows,
            "incidence_empty": _no_figures(incidence_rows)
            and not any(m.codes == (Indicator.POVERTY_INCIDENCE,) for m in missing),
            "missing_periods": sorted({m.period.code for m in missing}),
            "requested_at": requested_at,
            "this_year": this_year,
            "fund_period": fund_period,
            "fund_years": [str(y) for y in range(today.year, FIRST_FUND_YEAR - 1, -1)],
            "this_month": this_month,
            "counties": selectors.county_regions(user=user),
        },
    )


def _dashboard_request(request: HttpRequest, region: Any, missing: list[_Missing]) -> HttpResponse:
    """Queue the computation of the dashboard's missing figures; back to the page."""

    def request_all() -> None:
        for m in missing:
            snapshot_requests.figures_request(
                actor=request.user, region=region, period=m.period, codes=m.codes, level=m.level
            )

    if act(request, forms.Form(posted(request)), request_all) and missing:
        messages.success(
            request, _("The figures are being computed; reload this page in a few minutes.")
        )
    year = request.GET.get("year", "")
    return redirect(f"{request.path}?{urlencode({'year': year})}" if year else request.path)


def _chart(
    period: Period, codes: tuple[str, ...], tables: list[list[selectors.IndicatorRow]]
) -> dict[str, Any]:
    """A chart of ``codes`` (one table of rows each, in the same order) for ``period``."""
    series = {}
    names: list[str] = []
    for code, table in zip(codes, tables, strict=True):
        rows = _table(table)
        names = [r["name"] for r in rows]
        series[code] = rows
    rows = [
        {"name": name, "values": [series[code][i]["value"] for code in codes]}
        for i, name in enumerate(names)
    ]
    columns = [str(Indicator(code).label) for code in codes]
    return {
        "period": period.code,
        "missing": any(not row["stored"] for code in codes for row in series[code]),
        "empty": _no_figures(rows),
        "names": names,
        "series": series,
        "rows": rows,
        "columns": columns,
    }


def _no_figures(rows: list[dict[str, Any]]) -> bool:
    """No row has a figure: the jurisdiction's level has none of this indicator."""
    return all(value is None for row in rows for value in row["values"])


def _incidence_rows(incidence: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    years = list(incidence)
    first = incidence[years[0]] if years else []
    return [
        {"name": row["name"], "values": [incidence[y][i]["value"] for y in years]}
        for i, row in enumerate(first)
    ]


@lagging_view
@login_required
def readiness(request: HttpRequest, code: str) -> HttpResponse:
    """三率一度 of a county as stored (decision 0031): nothing is computed on the request; a
    missing figure is asked for as a job with the button the page shows."""
    require_page_role(request.user, SUPERVISION_PAGE_ROLES)
    if request.method == "POST":
        return _readiness_request(request, code)
    today = timezone.localdate()
    period = _period_param(request, parse_period(str(min(today.year - 1, 2020))))
    readiness = selectors.readiness(user=request.user, county_code=code, period=period)
    return render(
        request,
        "supervision/readiness.html",
        {
            "county": readiness.county,
            "period": period,
            "readiness": readiness,
            "criteria": readiness.criteria,
            "ready": readiness.ready,
        },
    )


def _readiness_request(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the computation of the county's missing figures; back to the page."""
    form = SnapshotsRequestForm(posted(request))
    county = selectors.region_in_jurisdiction(user=request.user, code=code)
    if county.level != Level.COUNTY:
        raise Http404
    if act(
        request,
        form,
        lambda: snapshot_requests.snapshots_request(
            actor=request.user,
            region=county,
            period=form.cleaned_data["period"],
            codes=services.READINESS,
        ),
    ):
        messages.success(
            request, _("The figures are being computed; reload this page in a few minutes.")
        )
    if not form.is_valid():
        return redirect(request.path)
    return redirect(f"{request.path}?{urlencode({'period': form.cleaned_data['period'].code})}")


@lagging_view
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request.user, SUPERVISION_PAGE_ROLES)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ReportKind.values else ""
    may_request = has_role(request.user, REPORT_REQUEST_ROLES)
    if request.method == "POST" and not may_request:
        raise PermissionDenied
    form = ReportRequestForm(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        report = submit(
            form,
            lambda: services.report_request(
                actor=request.user, kind=data["kind"], period=data["period"]
            ),
        )
        if report is not None:
            return redirect("supervision:report", report.pk)
    reports = selectors.report_list(user=request.user, kind=kind)[:120]
    return render(
        request,
        "supervision/report_list.html",
        {
            "reports": reports,
            "kind": kind,
            "kinds": ReportKind.choices,
            "form": form,
            "may_request": may_request,
            "latest": selectors.latest_periods(),
        },
        status=status_of(form),
    )


@lagging_view
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, SUPERVISION_PAGE_ROLES)
    report = selectors.report_get(user=request.user, pk=pk)
    if getattr(request, "htmx", False):  # the progress bar, polled; reload once done
        if report.is_running:
            return render(request, "supervision/_report_progress.html", {"report": report})
        return HttpResponseClientRefresh()
    labels = {code: report_files.header(code) for code in Indicator.values}
    content = selectors.report_as_read(user=request.user, report=report).content or {}
    kinds = content.get("kinds") or reports.KINDS
    rankings = [
        {
            "indicator": code,
            "label": labels.get(code, code),
            "rows": [
                {
                    **row,
                    "text": numbers.figure_text(row["value"], kinds.get(code, "count")),
                    "evidence": reports.evidence_text(code, row["numerator"], row["denominator"]),
                }
                for row in rows
            ],
        }
        for code, rows in reports.in_indicator_order(content.get("rankings"))
    ]
    below = [
        {
            **row,
            "label": labels.get(row["indicator"], ""),
            "text": numbers.figure_text(row["value"], kinds.get(row["indicator"], "percent")),
        }
        for row in content.get("below_target", [])
    ]
    trends = [
        {
            "label": labels.get(code, code),
            "values": [numbers.figure_text(v, kinds.get(code, "count")) for v in values],
            "total": numbers.figure_text(
                (content.get("totals") or {}).get(code), kinds.get(code, "count")
            ),
        }
        for code, values in reports.in_indicator_order(content.get("trends"))
    ]
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "rankings": rankings,
            "below": below,
            "overdue": content.get("overdue_problems", []),
            "content": content,
            "trends": trends,
            "has_files": report.kind != ReportKind.DISPATCH and not report.is_running,
        },
    )


@lagging_view
@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The workbook, the print page or the PDF of a bulletin or an analysis that is done."""
    require_page_role(request.user, SUPERVISION_PAGE_ROLES)
    report = selectors.report_get(user=request.user, pk=pk)
    if report.kind == ReportKind.DISPATCH or report.status != ReportStatus.DONE:
        raise Http404
    if fmt == "pdf":
        return report_pdf(request, report)
    report = selectors.report_as_read(user=request.user, report=report)
    name = f"{report.title}"
    if fmt == "xlsx":
        return file_response(report_files.report_xlsx(report), f"{name}.xlsx", XLSX)
    if fmt in ("print", "html"):
        return HttpResponse(report_files.report_print_html(report, request))
    raise Http404


def report_pdf(request: HttpRequest, report: Report) -> HttpResponseBase:
    """The stored PDF of the reader's scope; when there is none yet, a page saying it is being
    prepared (202), which tries again, while a job writes it (queued once)."""
    response = stored_pdf_response(request.user, report)
    if response is not None:
        return response
    report_pdfs.report_pdf_request(actor=request.user, report=report)
    return render(
        request,
        "supervision/report_pdf_pending.html",
        {"report": report, "retry_seconds": PDF_RETRY_SECONDS},
        status=202,
    )


def stored_pdf_response(user: Any, report: Report) -> FileResponse | None:
    """The reader's stored PDF of ``report`` as a download; ``None`` when there is none (or its
    file is gone from the storage: it is written again)."""
    stored = report_pdfs.stored_pdf(user=user, report=report)
    if stored is None:
        return None
    try:
        handle = stored.file.storage.open(str(stored.file.name), "rb")
    except OSError:
        return None
    return FileResponse(
        handle, as_attachment=True, filename=f"{report.title}.pdf", content_type="application/pdf"
    )


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notification_list(user=request.user)[:200]
    return render(request, "supervision/notifications.html", {"notifications": notifications})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read (POST) and go to what it is about."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("supervision:notifications")
    services.notification_mark_read(user=request.user, notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("supervision:notifications")


@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_all_read(user=request.user)
    return redirect("supervision:notifications")
