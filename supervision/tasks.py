"""Scheduled work of the supervision (beat schedules in ``supervision.schedules``).

Every task takes a period (default: the one just ended), calls one service and is idempotent;
``acks_late`` (settings) means a task whose worker dies is delivered again, and retries back off.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from regions.models import Region
from supervision import report_pdfs, selectors, services, snapshot_requests
from supervision.periods import month_just_ended, parse_period, quarter_just_ended


def _task(name: str) -> Any:
    """A supervision task: retried with exponential backoff on database errors, acked late."""
    return shared_task(
        name=name,
        autoretry_for=(DatabaseError,),
        retry_backoff=10,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=5,
        acks_late=True,
    )


def _month(period: str | None) -> str:
    return period or month_just_ended(timezone.localdate()).code


@_task("supervision.monthly_dispatch")
def monthly_dispatch(period: str | None = None) -> dict[str, object]:
    """一月一调度 and its bulletin: snapshots of the month, then the 一月一通报."""
    report = services.monthly_dispatch_run(period=parse_period(_month(period)))
    return {"period": report.period, "bulletin": report.pk}


@_task("supervision.monthly_bulletin")
def monthly_bulletin(period: str | None = None) -> int:
    return services.bulletin_publish(period=parse_period(_month(period))).pk


@_task("supervision.quarterly_analysis")
def quarterly_analysis(period: str | None = None) -> int:
    code = period or quarter_just_ended(timezone.localdate()).code
    return services.analysis_publish(period=parse_period(code)).pk


@_task("supervision.look_back")
def look_back(period: str | None = None) -> int:
    return services.create_look_back_tasks(period=parse_period(_month(period)))


@_task("supervision.send_report_emails")
def send_report_emails(report_id: int) -> int:
    return services.notifications_email(report_id=report_id)


@_task("supervision.current_snapshots")
def current_snapshots() -> int:
    """The running month's and year's snapshots the dashboard reads (every 15 minutes)."""
    return services.current_snapshots_store()


@_task("supervision.write_report")
def write_report(report_id: int) -> int | None:
    """A bulletin or an analysis asked for on the reports page (through the outbox)."""
    report = services.report_write(report_id=report_id)
    return None if report is None else report.pk


@_task("supervision.compute_figures")
def compute_figures(period: str, region: str, indicators: list[str], level: str = "") -> int:
    """Figures the dashboard or the indicator API asked for (through the outbox), computed and
    stored: ``region``'s own, or its children's at ``level``. Of an ended period the missing
    ones; of a running period all of them again (decision 0027)."""
    place = Region.objects.filter(code=region).first()
    if place is None:
        return 0
    rows = 0
    for code in indicators:
        rows += len(
            selectors.region_figures(
                region=place,
                period=parse_period(period),
                indicator=code,
                level=level or None,
                store=True,
            )
        )
    return rows


@_task("supervision.compute_snapshots")
def compute_snapshots(period: str, region: str, indicators: list[str]) -> int:
    """Figures asked for on the readiness page (through the outbox; decision 0031)."""
    return snapshot_requests.snapshots_compute(
        period=parse_period(period), region_code=region, codes=indicators
    )


@_task("supervision.write_report_pdf")
def write_report_pdf(report_id: int, scope: str) -> int | None:
    """The PDF of a bulletin or an analysis for one reader scope (through the outbox)."""
    row = report_pdfs.report_pdf_write(report_id=report_id, scope_code=scope)
    return None if row is None else row.pk
