"""Writes of the supervision: snapshots, the monthly dispatch and bulletin, the quarterly
analysis, notifications. Each owns its transaction and is idempotent per period."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.events import record, record_change, snapshot
from exits import suspect_runs
from households.models import annotate_page
from inspections.models import Problem, ProblemState
from regions.models import Assignment, Level, Region
from regions.people import person_name
from regions.roles import BULLETIN_RECIPIENT_ROLES, REPORT_REQUEST_ROLES, require_role
from supervision import indicators, report_pdfs, reports, selectors
from supervision.indicators import Result
from supervision.models import (
    ExitThreshold,
    Indicator,
    IndicatorSnapshot,
    Notification,
    Report,
    ReportKind,
    ReportStatus,
    Zone,
)
from supervision.periods import Kind, Period, month_period, parse_period
from tongren_fupin import numbers, outbox
from tongren_fupin.errors import DomainError

# Tongren is in Guizhou, a western province: the western thresholds apply.
ZONE = Zone.WEST
# The indicators of county exit readiness (三率一度), in the order they are shown.
READINESS = (
    Indicator.POVERTY_INCIDENCE,
    Indicator.WRONG_EXIT_RATE,
    Indicator.MISSED_RATE,
    Indicator.APPROVAL_RATE,
)


def city_region() -> Region:
    return Region.objects.filter(level=Level.CITY).order_by("code").first() or Region.objects.get(
        code="520600000000"
    )


def _lock_city() -> Region:
    """Serialise runs of the same service: the city row is the mutex."""
    city = city_region()
    return Region.objects.select_for_update().get(pk=city.pk)


# -- snapshots ----------------------------------------------------------------------------


def compute_period(
    period: Period, *, level: str = Level.COUNTY, within: str = ""
) -> dict[str, Result]:
    """Every indicator for every region of ``level`` (and, from counties, the city); a region
    without data gets a zero count (a rate without a denominator has no value)."""
    regions = Region.objects.filter(level=level)
    if within:
        regions = regions.filter(code__startswith=within)
    codes = list(regions.values_list("code", flat=True))
    results: dict[str, Result] = {}
    for code in indicators.SPECS:
        result = indicators.compute(code, level=level, period=period, within=within)
        empty = indicators.figure(0, None, indicators.SPECS[code].kind)
        result = {region: result.get(region, empty) for region in codes}
        if level == Level.COUNTY and not within:
            result = {**result, **indicators.roll_up(code, result, Level.CITY)}
        results[code] = result
    return results


def snapshots_store(
    *, period: Period, results: dict[str, Result], computed_at: datetime.datetime | None = None
) -> int:
    """Insert or refresh the snapshots of ``period`` (one statement)."""
    now = computed_at or timezone.now()
    rows = [
        IndicatorSnapshot(
            indicator=code,
            region_id=region,
            period=period.code,
            value=fig.value,
            numerator=fig.numerator,
            denominator=fig.denominator,
            computed_at=now,
        )
        for code, result in results.items()
        for region, fig in result.items()
    ]
    IndicatorSnapshot.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["indicator", "region", "period"],
        update_fields=["value", "numerator", "denominator", "computed_at"],
    )
    return len(rows)


# The figures of a running period the dashboard shows, refreshed by a periodic task (decision
# 0027): the page reads their snapshots and never counts live.
CURRENT_MONTH = (
    Indicator.OPEN_PROBLEMS,
    Indicator.OVERDUE_PROBLEMS,
    Indicator.RELOCATION_EMPLOYMENT,
)
CURRENT_YEAR = (
    Indicator.DISBURSEMENT_RATE,
    Indicator.REIMBURSEMENT_RATE,
    Indicator.FILING_RATE,
    Indicator.COMPLETION_RATE,
)


def current_snapshots_store(*, today: datetime.date | None = None) -> int:
    """Snapshots of the running month (problems, employment) and year (fund rates) for every
    county, township and village and the city: set-based, one grouped pass per indicator and
    level. Returns the number of snapshots written."""
    today = today or timezone.localdate()
    periods = (
        (month_period(today.year, today.month), CURRENT_MONTH),
        (parse_period(str(today.year)), CURRENT_YEAR),
    )
    stored = 0
    now = timezone.now()
    for period, codes in periods:
        results: dict[str, Result] = {}
        for level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
            codes_of_level = list(Region.objects.filter(level=level).values_list("code", flat=True))
            for code in codes:
                result = indicators.compute(code, level=level, period=period)
                empty = indicators.figure(0, None, indicators.SPECS[code].kind)
                filled = {region: result.get(region, empty) for region in codes_of_level}
                if level == Level.COUNTY:
                    filled.update(indicators.roll_up(code, filled, Level.CITY))
                results[code] = {**results.get(code, {}), **filled}
        stored += snapshots_store(period=period, results=results, computed_at=now)
    return stored


# -- the monthly dispatch (一月一调度) ----------------------------------------------------------


@transaction.atomic
def dispatch_run(*, period: Period) -> Report:
    """Snapshots of ``period`` per county and for the city, once: a rerun changes nothing."""
    city = _lock_city()
    existing = Report.objects.filter(
        kind=ReportKind.DISPATCH, region=city, period=period.code
    ).first()
    if existing is not None:
        return existing
    # The misclassification suspects as of the period's end, judged once (decision 0027): the
    # misclassification page reads them, and so do 错退率, 缺少佐证率 and 漏评率 below.
    run = suspect_runs.suspects_compute(on=period.end)
    with indicators.reading_stored_suspects(period.end):
        results = compute_period(period)
        # December's dispatch also stores the year's figures: the readiness page reads them.
        year = (
            parse_period(str(period.year))
            if period.kind == Kind.MONTH and period.ends_year
            else None
        )
        year_results = compute_period(year) if year is not None else {}
    stored = snapshots_store(period=period, results=results)
    if year is not None:
        stored += snapshots_store(period=year, results=year_results)
    report = Report.objects.create(
        kind=ReportKind.DISPATCH,
        region=city,
        period=period.code,
        title=_("Monthly dispatch %(period)s") % {"period": period.code},
        content={"snapshots": stored, "indicators": sorted(results), "suspects": run.counts},
    )
    record(
        actor=None,
        action="supervision.dispatch",
        obj=report,
        region_code=city.code,
        summary=f"dispatch {period.code}: {stored} snapshots",
    )
    return report


# -- the monthly bulletin (一月一通报) ----------------------------------------------------------


def thresholds() -> dict[str, ExitThreshold]:
    return {t.indicator: t for t in ExitThreshold.objects.filter(zone=ZONE)}


THRESHOLD_FIELDS = ["indicator", "zone", "comparison", "value", "source"]


@transaction.atomic
def exit_threshold_save(*, actor: Any, threshold: ExitThreshold) -> ExitThreshold:
    """Create or change an exit threshold (admin form and workbook import), validated as the form
    validates it, with an audit event listing what changed. Readiness and the report files read
    it at once; a bulletin lists the counties below the thresholds of the day it was written."""
    threshold.full_clean()
    before: dict[str, Any] = {}
    if threshold.pk is not None:
        current = ExitThreshold.objects.select_for_update().filter(pk=threshold.pk).first()
        before = {} if current is None else snapshot(current, THRESHOLD_FIELDS)
    threshold.save()
    stored = ExitThreshold.objects.get(pk=threshold.pk)
    record_change(
        actor=actor,
        action="exit_threshold.changed" if before else "exit_threshold.created",
        obj=stored,
        before=before,
        fields=THRESHOLD_FIELDS,
        summary=(
            _("Exit threshold %(name)s changed") if before else _("Exit threshold %(name)s created")
        )
        % {"name": stored},
    )
    return stored


def _county_figures(period: Period) -> dict[str, list[selectors.IndicatorRow]]:
    """The counties' figures of ``period`` as the API reads them (the same snapshots)."""
    by_indicator: dict[str, list[selectors.IndicatorRow]] = {}
    for row in selectors.region_figures(region=city_region(), period=period, level=Level.COUNTY):
        by_indicator.setdefault(row.indicator, []).append(row)
    return by_indicator


def _ranking(indicator: str, rows: list[selectors.IndicatorRow]) -> list[dict[str, Any]]:
    better_high = indicators.SPECS[indicator].higher_is_better
    known = [r for r in rows if r.value is not None]
    known.sort(key=lambda r: (-(r.value or 0) if better_high else (r.value or 0), r.region))
    return [
        {
            "rank": index,
            "region": r.region,
            "name": r.region_name,
            "value": str(r.value),
            "numerator": str(r.numerator),
            "denominator": None if r.denominator is None else str(r.denominator),
        }
        for index, r in enumerate(known, start=1)
    ]


def overdue_problems_at(period: Period, within: str = "") -> list[Problem]:
    as_of = min(period.end, timezone.localdate())
    unresolved = ~Q(state=ProblemState.VERIFIED) | Q(verified_at__date__gt=as_of)
    problems = Problem.objects.filter(unresolved, created__date__lte=as_of, deadline__lt=as_of)
    if within:
        problems = problems.filter(household__region_id__startswith=within)
    return list(
        problems.select_related("household", "household__region", "responsible").order_by(
            "household__region_id", "deadline", "id"
        )
    )


def bulletin_content(period: Period) -> dict[str, Any]:
    snapshots = _county_figures(period)
    bars = thresholds()
    rankings = {
        code: _ranking(code, snapshots[code]) for code in Indicator.values if code in snapshots
    }
    below = []
    for code, threshold in bars.items():
        for row in rankings.get(code, []):
            if not threshold.passes(Decimal(row["value"])):
                below.append(
                    {
                        "indicator": code,
                        "region": row["region"],
                        "name": row["name"],
                        "value": row["value"],
                        "threshold": f"{threshold.get_comparison_display()} "
                        f"{numbers.figure_text(threshold.value, numbers.PERCENT)}",
                    }
                )
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("code", "name"))
    problems = overdue_problems_at(period)
    annotate_page([p.household for p in problems])  # the heads' names, one query
    overdue = [
        {
            "id": p.pk,
            "county": p.household.region_id[:6].ljust(12, "0"),
            "county_name": counties.get(p.household.region_id[:6].ljust(12, "0"), ""),
            "region": p.household.region_id,
            "village": p.household.region.name,
            "household_no": p.household.household_no,
            "head_name": getattr(p.household, "head_name", None) or "",
            "description": p.description,
            "deadline": p.deadline.isoformat(),
            "state": p.state,
            "responsible": person_name(p.responsible) if p.responsible else "",
        }
        for p in problems
    ]
    return {
        "region": city_region().code,
        "kinds": reports.KINDS,
        "totals": reports.totals(period),
        "rankings": rankings,
        "below_target": below,
        "overdue_problems": overdue,
    }


def _report_row(kind: str, region: Region, period: Period) -> tuple[Report, bool]:
    """The report of ``kind``, region and period, locked, and whether it remains to be written
    (it does not exist, or was asked for and is not done)."""
    report = (
        Report.objects.select_for_update()
        .filter(kind=kind, region=region, period=period.code)
        .first()
    )
    if report is None:
        return Report(kind=kind, region=region, period=period.code), True
    return report, report.status != ReportStatus.DONE


def _finish(report: Report, *, title: str, content: dict[str, Any]) -> Report:
    report.title = title
    report.content = content
    report.status = ReportStatus.DONE
    report.progress = 100
    report.stage = ""
    report.save()
    return report


@transaction.atomic
def bulletin_publish(*, period: Period) -> Report:
    """The bulletin of ``period`` once, with one notification per supervisor (in-app, then one
    e-mail after commit). A rerun returns the bulletin and sends nothing."""
    city = _lock_city()
    report, to_write = _report_row(ReportKind.BULLETIN, city, period)
    if not to_write:
        return report
    dispatch_run(period=period)
    content = bulletin_content(period)
    _finish(
        report,
        title=_("Monthly bulletin %(period)s") % {"period": period.code},
        content=content,
    )
    sent = _notify_bulletin(report, content)
    report_pdfs.pdf_queue(report=report, scope=city)  # its PDF, stored for the city's readers
    record(
        actor=None,
        action="supervision.bulletin",
        obj=report,
        region_code=city.code,
        summary=f"bulletin {period.code}: {sent} notifications",
    )
    return report


def _notify_bulletin(report: Report, content: dict[str, Any]) -> int:
    link = reverse("supervision:report", args=[report.pk])
    recipients = Assignment.objects.filter(
        role__in=BULLETIN_RECIPIENT_ROLES, user__is_active=True
    ).select_related("region")
    notifications = []
    for assignment in recipients:
        prefix = assignment.region.prefix
        below = [row for row in content["below_target"] if row["region"].startswith(prefix)]
        overdue = [
            row
            for row in content["overdue_problems"]
            if (row.get("region") or row["county"]).startswith(prefix)
        ]
        body = _(
            "%(below)s indicator(s) below target and %(overdue)s overdue problem(s) in your "
            "jurisdiction."
        ) % {"below": len(below), "overdue": len(overdue)}
        notifications.append(
            Notification(
                user_id=assignment.user_id,
                key=f"bulletin:{report.period}",
                title=report.title,
                body=body,
                link=link,
                report=report,
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    # The e-mails go out after commit, through the outbox: not lost while Redis is down.
    outbox.enqueue("supervision.send_report_emails", report.pk)
    return len(notifications)


def notifications_email(*, report_id: int) -> int:
    """E-mail each notification of the report that has not been e-mailed (once each)."""
    sent = 0
    while True:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(report_id=report_id, emailed_at__isnull=True)
                .order_by("pk")
                .first()
            )
            if notification is None:
                return sent
            if notification.user.email:
                send_mail(
                    notification.title,
                    f"{notification.body}\n\n{notification.link}",
                    settings.DEFAULT_FROM_EMAIL,
                    [notification.user.email],
                )
                sent += 1
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise DomainError("forbidden", _("This is not your notification."), status=403)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def monthly_dispatch_run(*, period: Period) -> Report:
    """一月一调度 ends with its 一月一通报: the snapshots, then the bulletin (both once)."""
    dispatch_run(period=period)
    return bulletin_publish(period=period)


# -- the quarterly analysis (一季一分析) --------------------------------------------------------


def _check_quarter(period: Period) -> None:
    if period.kind != Kind.QUARTER:
        raise DomainError(
            "invalid_period",
            _("The quarterly analysis needs a quarter, such as 2019-Q3."),
            errors={"period": [_("Give a quarter, such as 2019-Q3.")]},
        )


def analysis_publish(*, period: Period, report_id: int | None = None) -> Report:
    """Trends over the quarter's months and the county comparison (its workbook and print page
    are written from it when read, its PDF by a job it queues); once per quarter. Each month is
    dispatched in its own transaction, so that the progress of an analysis asked for is seen as
    it goes."""
    _check_quarter(period)
    months = period.months()
    for number, month in enumerate(months, start=1):
        dispatch_run(period=month)
        _progress(report_id, 20 * number, _("Monthly dispatch %(period)s") % {"period": month.code})
    return _analysis_write(period=period, report_id=report_id)


@transaction.atomic
def _analysis_write(*, period: Period, report_id: int | None) -> Report:
    city = _lock_city()
    report, to_write = _report_row(ReportKind.ANALYSIS, city, period)
    if not to_write:
        return report
    snapshots_store(period=period, results=compute_period(period))
    content = reports.analysis_content(period, period.months())
    _finish(
        report,
        title=_("Quarterly analysis %(period)s") % {"period": period.code},
        content=content,
    )
    record(
        actor=None,
        action="supervision.analysis",
        obj=report,
        region_code=city.code,
        summary=f"analysis {period.code}",
    )
    report_pdfs.pdf_queue(report=report, scope=city)  # its PDF, stored for the city's readers
    return report


# -- reports asked for on the page -----------------------------------------------------------

REQUESTABLE = {ReportKind.BULLETIN: Kind.MONTH, ReportKind.ANALYSIS: Kind.QUARTER}
TITLES = {
    ReportKind.BULLETIN: gettext_lazy("Monthly bulletin %(period)s"),
    ReportKind.ANALYSIS: gettext_lazy("Quarterly analysis %(period)s"),
}
FIRST_REPORT_YEAR = 2014


def _requested_period(kind: str, text: str) -> Period:
    """The period of a report asked for: of the report's kind, from 2014, already ended."""
    example = "2020-Q3" if kind == ReportKind.ANALYSIS else "2020-09"
    try:
        period: Period | None = parse_period(text)
    except DomainError:
        period = None
    if period is None or period.kind != REQUESTABLE[ReportKind(kind)]:
        message = _("Give the period as %(example)s.") % {"example": example}
        raise DomainError("invalid_period", message, errors={"period": [message]})
    if period.year < FIRST_REPORT_YEAR or not period.has_ended(timezone.localdate()):
        message = _("The period must have ended and begin in 2014 or later.")
        raise DomainError("invalid_period", message, errors={"period": [message]})
    return period


@transaction.atomic
def report_request(*, actor: Any, kind: str, period: str) -> Report:
    """Ask for the bulletin of a past month or the analysis of a past quarter: the report
    exists from now on (queued) and a job writes it. Asking again for one that exists, is
    queued or is being written returns it; one that failed is queued again."""
    require_role(actor, REPORT_REQUEST_ROLES)
    if kind not in REQUESTABLE:
        message = _("Choose a monthly bulletin or a quarterly analysis.")
        raise DomainError("invalid_kind", message, errors={"kind": [message]})
    wanted = _requested_period(kind, period)
    city = city_region()
    report, to_write = _report_row(kind, city, wanted)
    if not to_write or report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
        return report
    report.title = str(TITLES[ReportKind(kind)]) % {"period": wanted.code}
    report.status, report.progress, report.stage = ReportStatus.QUEUED, 0, ""
    report.requested_by = actor
    report.save()
    record(
        actor=actor,
        action="supervision.report_request",
        obj=report,
        region_code=city.code,
        summary=f"{kind} {wanted.code} requested",
    )
    outbox.enqueue("supervision.write_report", report.pk)
    return report


def _progress(report_id: int | None, progress: int, stage: str) -> None:
    """Say how far the writing of an asked-for report is (committed at once)."""
    if report_id is not None:
        Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
            status=ReportStatus.RUNNING, progress=progress, stage=stage[:100]
        )


def report_write(*, report_id: int) -> Report | None:
    """The job of an asked-for report (idempotent: a report done is left as it is). A failure
    is said on the report and raised, so that the job is retried."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None or report.status == ReportStatus.DONE:
        return report
    period = parse_period(report.period)
    _progress(report_id, 5, _("Writing started"))
    try:
        if report.kind == ReportKind.ANALYSIS:
            return analysis_publish(period=period, report_id=report_id)
        dispatch_run(period=period)
        _progress(report_id, 50, _("Monthly dispatch %(period)s") % {"period": period.code})
        return bulletin_publish(period=period)
    except Exception:
        Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
            status=ReportStatus.FAILED, stage=_("Writing failed; ask again to retry.")
        )
        raise


# -- the other people's checks, scheduled here ---------------------------------------------


def create_look_back_tasks(*, period: Period) -> int:
    """回头看 visit tasks for the period (supervision.look_back); idempotent there."""
    from supervision.look_back import create_look_back_tasks as create

    return int(create(period=period.code))
