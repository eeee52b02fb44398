"""``{% household_conflicts household %}`` (the household page's notice of open data conflicts)
and ``{% visit_register_changes visit %}`` (a synced visit's 系统录的 values that moved): the
pages of the lower apps include them without knowing this app."""

from __future__ import annotations

from typing import Any

from django import template

from fieldsync import selectors, services

register = template.Library()


@register.inclusion_tag("fieldsync/_household_notice.html")
def household_conflicts(household: Any) -> dict[str, Any]:
    conflicts = selectors.open_conflicts_of(household)
    for conflict in conflicts:
        conflict.title = services.conflict_title(conflict)  # type: ignore[attr-defined]
    return {"conflicts": conflicts}


@register.inclusion_tag("fieldsync/_visit_register.html")
def visit_register_changes(visit: Any) -> dict[str, Any]:
    record = selectors.sync_record_of_visit(visit.pk)
    changed = record.result.get("register_changed", []) if record is not None else []
    return {"record": record, "changed": changed}
