"""Snapshots asked for from a page (decision 0031): the readiness page reads stored snapshots
only; a missing one is computed by a job queued through the outbox, never on the request."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record
from regions.models import Level, Region
from regions.roles import SUPERVISION_PAGE_ROLES, require_role
from regions.scoping import jurisdiction_prefix
from supervision import indicators, services
from supervision.indicators import Result
from supervision.models import Indicator
from supervision.periods import Period
from tongren_fupin import outbox
from tongren_fupin.errors import DomainError
from tongren_fupin.models import OutboxMessage

SNAPSHOTS_TASK = "supervision.compute_snapshots"
#: The dashboard's figures: a region's or its children's, as the page reads them.
FIGURES_TASK = "supervision.compute_figures"
#: A request younger than this is "being computed": asking again returns it.
REQUEST_WINDOW = datetime.timedelta(minutes=15)


def snapshots_requested(*, region: Region, period: Period) -> OutboxMessage | None:
    """The latest computation of ``region``'s snapshots of ``period`` asked for within the
    request window (queued or running: its snapshots are not stored yet)."""
    return (
        OutboxMessage.objects.filter(
            task_name=SNAPSHOTS_TASK,
            kwargs__region=region.code,
            kwargs__period=period.code,
            created__gte=timezone.now() - REQUEST_WINDOW,
        )
        .order_by("-created")
        .first()
    )


def snapshots_request(
    *, actor: Any, region: Region, period: Period, codes: Iterable[str]
) -> OutboxMessage:
    """Ask for the snapshots ``codes`` of ``region`` for ``period`` to be computed in the
    background. A request of the same region and period within the window is returned instead
    of a second one."""
    require_role(actor, SUPERVISION_PAGE_ROLES)
    mine = jurisdiction_prefix(actor)
    if mine is None or not region.code.startswith(mine):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
    wanted = [code for code in codes if code in Indicator.values]
    if not wanted:
        message = _("Choose at least one indicator.")
        raise DomainError("invalid_indicator", message, errors={"indicator": [message]})
    with transaction.atomic():
        earlier = snapshots_requested(region=region, period=period)
        if earlier is not None:
            return earlier
        record(
            actor=actor,
            action="supervision.snapshots_request",
            obj=region,
            region_code=region.code,
            summary=_("Asked for the figures of %(period)s to be computed")
            % {"period": period.code},
        )
        return outbox.enqueue(
            SNAPSHOTS_TASK, period=period.code, region=region.code, indicators=wanted
        )


def _figures_requests(
    region: Region, wanted: Iterable[tuple[Period, str | None, Iterable[str]]]
) -> Any:
    """The computations of ``region``'s figures ``wanted`` (period, level, codes) asked for
    within the request window."""
    matches = Q()
    for period, level, codes in wanted:
        matches |= Q(
            kwargs__period=period.code, kwargs__level=level or "", kwargs__indicators=list(codes)
        )
    if not matches:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(
        matches,
        task_name=FIGURES_TASK,
        kwargs__region=region.code,
        created__gte=timezone.now() - REQUEST_WINDOW,
    )


def figures_requested(
    *, region: Region, period: Period, level: str | None, codes: Iterable[str]
) -> OutboxMessage | None:
    """The latest computation of the dashboard's figures ``codes`` of ``region`` (at
    ``level``) for ``period`` asked for within the request window."""
    return _figures_requests(region, [(period, level, codes)]).order_by("-created").first()


def figures_last_requested(
    *, region: Region, wanted: Iterable[tuple[Period, str | None, Iterable[str]]]
) -> datetime.datetime | None:
    """When the latest of the computations ``wanted`` was asked for within the request window,
    in one query (``figures_requested`` of each)."""
    return _figures_requests(region, wanted).aggregate(latest=Max("created"))["latest"]


def figures_request(
    *,
    actor: Any,
    region: Region,
    period: Period,
    codes: Iterable[str],
    level: str | None,
    roles: frozenset[str] = SUPERVISION_PAGE_ROLES,
    running: bool = False,
) -> OutboxMessage:
    """Ask for the dashboard's missing figures of an ended ``period`` — ``region``'s own, or its
    children's at ``level`` — to be computed and stored in the background; a request of the same
    region, period and level within the window is returned instead of a second one. The
    indicator API (``roles`` with the REST clients, ``running``) also asks for the figures of a
    running period, computed again at most once per window."""
    require_role(actor, roles)
    mine = jurisdiction_prefix(actor)
    if mine is None or not region.code.startswith(mine):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
    if not running and not period.has_ended(timezone.localdate()):
        message = _("The figures of a running period are computed every 15 minutes.")
        raise DomainError("period_running", message, errors={"period": [message]})
    wanted = [code for code in codes if code in Indicator.values]
    with transaction.atomic():
        earlier = figures_requested(region=region, period=period, level=level, codes=wanted)
        if earlier is not None:
            return earlier
        record(
            actor=actor,
            action="supervision.snapshots_request",
            obj=region,
            region_code=region.code,
            summary=_("Asked for the figures of %(period)s to be computed")
            % {"period": period.code},
        )
        return outbox.enqueue(
            FIGURES_TASK,
            period=period.code,
            region=region.code,
            indicators=wanted,
            level=level or "",
        )


def snapshots_compute(*, period: Period, region_code: str, codes: Iterable[str]) -> int:
    """The job: compute ``codes`` for one region and ``period`` set-based and store them
    (idempotent: a rerun replaces the same rows). Returns the number of snapshots stored."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return 0
    results: dict[str, Result] = {}
    for code in codes:
        kind = indicators.SPECS[code].kind
        if region.level == Level.CITY:
            counties = indicators.compute(code, level=Level.COUNTY, period=period)
            result = indicators.roll_up(code, counties, Level.CITY)
        else:
            result = indicators.compute(
                code, level=region.level, period=period, within=region.prefix
            )
        results[code] = {region.code: result.get(region.code) or indicators.figure(0, None, kind)}
    return services.snapshots_store(period=period, results=results)


def county_snapshots_store(*, period: Period, codes: Iterable[str]) -> int:
    """``codes`` of ``period`` for every county and the city, set-based (one pass per
    indicator), stored: what December's dispatch stores of a year, for the demo's past years."""
    counties = list(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    results: dict[str, Result] = {}
    for code in codes:
        empty = indicators.figure(0, None, indicators.SPECS[code].kind)
        computed = indicators.compute(code, level=Level.COUNTY, period=period)
        filled = {county: computed.get(county, empty) for county in counties}
        results[code] = {**filled, **indicators.roll_up(code, filled, Level.CITY)}
    return services.snapshots_store(period=period, results=results)
