"""Scoped reads of the region tree."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from regions.models import PARENT_LEVEL, Level, Region, RegionQuerySet, prefix_of
from regions.scoping import scope_by_region, within_prefix


def region_list(
    *,
    user: Any,
    level: str | None = None,
    parent: str | None = None,
    code_prefix: str | None = None,
    search: str | None = None,
) -> RegionQuerySet:
    """Regions the user may see, filtered; ordered by code."""
    regions = scope_by_region(Region.objects.all(), user, field="code")
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    if code_prefix:
        regions = within_prefix(regions, code_prefix, field="code")
    if search:
        regions = regions.filter(Q(name__contains=search) | Q(code__startswith=search))
    return regions.order_by("code")  # type: ignore[return-value]


def region_get(*, user: Any, code: str) -> Region:
    """One region in the user's jurisdiction, or 404."""
    region = scope_by_region(Region.objects.all(), user, field="code").filter(code=code).first()
    if region is None:
        raise Http404
    return region


def region_children(*, user: Any, region: Region) -> RegionQuerySet:
    """The direct children of ``region`` with how many children each has in turn."""
    children = region_list(user=user, parent=region.code)
    return children.annotate(child_count=Count("children"))


def region_ancestors(region: Region) -> list[Region]:
    """From the city down to ``region`` itself, in one query (ancestor codes follow the code)."""
    codes = []
    level: Level | None = Level(region.level)
    while level is not None:
        prefix = prefix_of(region.code, level)
        codes.append(prefix.ljust(12, "0"))
        level = PARENT_LEVEL.get(level)
    return list(Region.objects.filter(code__in=codes).order_by("code"))
