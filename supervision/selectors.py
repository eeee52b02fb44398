"""Scoped reads of the supervision: indicator rows, readiness, dashboards, reports, inbox."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import PREFIX_LENGTH, Level, Region
from regions.scoping import jurisdiction_prefix, scope_by_region
from supervision import indicators, reports, services, snapshot_requests
from supervision.models import Indicator, IndicatorSnapshot, Notification, Report, ReportKind
from supervision.periods import Period, month_just_ended, quarter_just_ended
from tongren_fupin import numbers
from tongren_fupin.errors import DomainError

LEVEL_ORDER = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


@dataclass(frozen=True)
class IndicatorRow:
    indicator: str
    region: str
    region_name: str
    period: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal | None
    computed_at: Any
    # False: no snapshot was stored and none computed (``stored_only``): a figure still missing.
    stored: bool = True


def jurisdiction_region(user: Any) -> Region:
    """The region a user's jurisdiction starts at (the city for operators)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        raise Http404
    if prefix == "":
        return services.city_region()
    return Region.objects.get(code=prefix.ljust(12, "0"))


def region_in_jurisdiction(*, user: Any, code: str | None) -> Region:
    if not code:
        return jurisdiction_region(user)
    region = scope_by_region(Region.objects.filter(code=code), user, field="code").first()
    if region is None:
        raise Http404
    return region


def _regions_of(region: Region, level: str | None) -> list[Region]:
    if not level or level == region.level:
        return [region]
    if LEVEL_ORDER.index(Level(level)) <= LEVEL_ORDER.index(Level(region.level)):
        raise DomainError(
            "invalid_level",
            _("Level must be below the region's own level."),
            errors={"level": [_("Choose a level below the region's level.")]},
        )
    return list(Region.objects.filter(level=level, code__startswith=region.prefix).order_by("code"))


def region_figures(
    *,
    region: Region,
    period: Period,
    indicator: str | None = None,
    level: str | None = None,
    stored_only: bool = False,
    store: bool = False,
) -> list[IndicatorRow]:
    """Snapshots of ``period`` for ``region`` (or its children at ``level``), a region already in
    the reader's jurisdiction (``region_in_jurisdiction``): the reports, the dashboard and the
    API read the same snapshots through it.

    Snapshots missing for a finished period are computed in one set-based pass and stored (a
    snapshot taken while the period was running is not its figure: it is computed again); those
    of a period that has not ended are computed live and not stored, unless ``store`` (the jobs
    the API and the dashboard ask for). With ``stored_only`` (the dashboard, the API) nothing is
    computed, whatever the period: a missing snapshot is a row with ``stored`` False, which the
    page or the API asks a job to compute (decisions 0027, 0031)."""
    regions = _regions_of(region, level)
    codes = [indicator] if indicator else list(Indicator.values)
    ended = period.has_ended(timezone.localdate())
    found = {}
    if ended or stored_only:  # a running period is otherwise always computed live
        found = _stored_snapshots([(period, codes)], regions)[period.code]
    missing = [code for code in codes if any((code, r.code) not in found for r in regions)]
    if missing and not stored_only:
        found.update(_fill(missing, period, regions, region, store=store))
    return _rows(period, codes, regions, found)


@dataclass(frozen=True)
class Figures:
    """What a page shows of one period: ``codes`` of the region or its children at ``level``."""

    period: Period
    codes: tuple[str, ...]
    level: str | None = None


def stored_figures(*, region: Region, wanted: list[Figures]) -> list[list[IndicatorRow]]:
    """``region_figures(stored_only=True)`` of each of ``wanted``, read together: the regions
    once per level and every snapshot in one query (the dashboard shows 14 such tables)."""
    by_level: dict[str | None, list[Region]] = {}
    for figures in wanted:
        if figures.level not in by_level:
            by_level[figures.level] = _regions_of(region, figures.level)
    everywhere = {r.code: r for regions in by_level.values() for r in regions}
    found = _stored_snapshots(
        [(figures.period, figures.codes) for figures in wanted], list(everywhere.values())
    )
    return [_rows(f.period, list(f.codes), by_level[f.level], found[f.period.code]) for f in wanted]


def _stored_snapshots(
    wanted: list[tuple[Period, Any]], regions: list[Region]
) -> dict[str, dict[tuple[str, str], IndicatorSnapshot]]:
    """The stored snapshots of ``wanted`` (periods with their indicators) for ``regions``, by
    period code and then (indicator, region): one query. A snapshot of an ended period taken
    while it was running is not its figure (decision 0027) and is left out."""
    today = timezone.localdate()
    periods = {period.code: period for period, _codes in wanted}
    codes = {code for _period, some in wanted for code in some}
    found: dict[str, dict[tuple[str, str], IndicatorSnapshot]] = {code: {} for code in periods}
    snapshots = IndicatorSnapshot.objects.filter(
        period__in=list(periods), indicator__in=list(codes), region_id__in=[r.code for r in regions]
    )
    for snapshot in snapshots:
        period = periods[snapshot.period]
        if period.has_ended(today) and timezone.localdate(snapshot.computed_at) <= period.end:
            continue
        found[snapshot.period][(snapshot.indicator, snapshot.region_id)] = snapshot
    return found


def _rows(
    period: Period,
    codes: list[str],
    regions: list[Region],
    found: dict[tuple[str, str], IndicatorSnapshot],
) -> list[IndicatorRow]:
    rows = []
    for code in codes:
        for r in regions:
            snap = found.get((code, r.code))
            rows.append(
                IndicatorRow(
                    indicator=code,
                    region=r.code,
                    region_name=r.name,
                    period=period.code,
                    value=snap.value if snap else None,
                    numerator=snap.numerator if snap else Decimal(0),
                    denominator=snap.denominator if snap else None,
                    computed_at=snap.computed_at if snap else timezone.now(),
                    stored=snap is not None,
                )
            )
    return rows


def _fill(
    codes: list[str], period: Period, regions: list[Region], parent: Region, *, store: bool
) -> dict[tuple[str, str], IndicatorSnapshot]:
    level = regions[0].level
    within = parent.prefix if level != parent.level else regions[0].prefix
    now = timezone.now()
    results = {}
    for code in codes:
        if level == Level.CITY:
            counties = indicators.compute(code, level=Level.COUNTY, period=period)
            result = indicators.roll_up(code, counties, Level.CITY)
        else:
            result = indicators.compute(code, level=level, period=period, within=within)
        kind = indicators.SPECS[code].kind
        results[code] = {
            r.code: result.get(r.code) or indicators.figure(0, None, kind) for r in regions
        }
    if store or period.has_ended(timezone.localdate()):
        services.snapshots_store(period=period, results=results, computed_at=now)
    return {
        (code, region): IndicatorSnapshot(
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
    }


# -- county exit readiness (三率一度) -------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    indicator: str
    label: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal | None
    threshold: str
    passed: bool
    stored: bool = True


@dataclass(frozen=True)
class Readiness:
    """A county's 三率一度 as stored: the criteria (a missing snapshot is a criterion not
    stored, never computed here), when the oldest shown was computed, and a computation asked
    for and not finished yet."""

    county: Region
    criteria: list[Criterion]
    computed_at: Any
    requested_at: Any

    @property
    def missing(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.stored]

    @property
    def ready(self) -> bool:
        return all(c.passed for c in self.criteria)


def stored_snapshots(
    *, region: Region, period: Period, codes: list[str]
) -> dict[str, IndicatorSnapshot]:
    """The snapshots of ``region`` for ``period`` as stored, one query, nothing computed: of an
    ended period only those taken after it ended (decision 0027)."""
    snapshots = IndicatorSnapshot.objects.filter(
        period=period.code, indicator__in=codes, region_id=region.code
    )
    if period.has_ended(timezone.localdate()):
        snapshots = snapshots.filter(computed_at__date__gt=period.end)
    return {s.indicator: s for s in snapshots}


def readiness(*, user: Any, county_code: str, period: Period) -> Readiness:
    """The readiness page reads stored snapshots only (decision 0031): the dispatch writes
    them, and a missing one is asked for as a job (``snapshot_requests``)."""
    county = region_in_jurisdiction(user=user, code=county_code)
    if county.level != Level.COUNTY:
        raise Http404
    bars = services.thresholds()
    found = stored_snapshots(region=county, period=period, codes=list(services.READINESS))
    criteria = []
    for code in services.READINESS:
        snap, bar = found.get(code), bars.get(code)
        value = snap.value if snap else None
        criteria.append(
            Criterion(
                indicator=code,
                label=str(Indicator(code).label),
                value=value,
                numerator=snap.numerator if snap else Decimal(0),
                denominator=snap.denominator if snap else None,
                threshold=(
                    f"{bar.get_comparison_display()} "
                    f"{numbers.figure_text(bar.value, numbers.PERCENT)}"
                    if bar
                    else "—"
                ),
                passed=bool(snap and bar and bar.passes(value)),
                stored=snap is not None,
            )
        )
    request = None
    if len(found) < len(services.READINESS):
        request = snapshot_requests.snapshots_requested(region=county, period=period)
    return Readiness(
        county=county,
        criteria=criteria,
        computed_at=min((s.computed_at for s in found.values()), default=None),
        requested_at=request.created if request is not None else None,
    )


def county_regions(*, user: Any) -> list[Region]:
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return []
    counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
    if len(prefix) > PREFIX_LENGTH[Level.COUNTY]:
        return []
    return list(scope_by_region(counties, user, field="code"))


# -- reports and notifications ------------------------------------------------------------


def report_list(*, user: Any, kind: str = "") -> QuerySet[Report]:
    """Reports of the region a user belongs to: the city's reports for everyone in the city."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return Report.objects.none()
    reports = Report.objects.select_related("region").order_by("-period", "kind", "-id")
    if kind:
        reports = reports.filter(kind=kind)
    if prefix == "":
        return reports
    # A report covers the user's area when its region's code is a prefix of the user's.
    covering = [prefix[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n <= len(prefix)]
    return reports.filter(region_id__in=covering)


def report_get(*, user: Any, pk: Any) -> Report:
    try:
        return report_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, Report.DoesNotExist):
        raise Http404 from None


def report_content(*, user: Any, report: Report) -> dict[str, Any]:
    """The report's content as ``user`` may read it: rows naming households, problems or people
    in their jurisdiction only; the aggregates of every county stay (decision 0020)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        raise Http404
    return reports.scoped_content(report, prefix)


def report_as_read(*, user: Any, report: Report) -> Report:
    """``report`` with its content as ``user`` may read it (``report_content``), for the page,
    the API and the files written when read; the instance is never saved."""
    report.content = report_content(user=user, report=report)
    return report


def latest_periods() -> dict[str, str]:
    """The latest ended month and quarter (the defaults of a report asked for)."""
    today = timezone.localdate()
    return {
        ReportKind.BULLETIN: month_just_ended(today).code,
        ReportKind.ANALYSIS: quarter_just_ended(today).code,
    }


def latest_bulletin(*, user: Any) -> Report | None:
    return report_list(user=user, kind=ReportKind.BULLETIN).first()


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).order_by("-created", "-id")


def notification_get(*, user: Any, pk: Any) -> Notification:
    try:
        return notification_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, Notification.DoesNotExist):
        raise Http404 from None


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
