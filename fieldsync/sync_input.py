"""Reading a synced record from a request: JSON, or multipart with its photos, resolved to the
records it names within the sender's jurisdiction (one 404 for elsewhere and nowhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from fieldsync import services
from fieldsync.models import SyncKind, SyncRecord
from households.models import Household, Member
from inspections.models import FiveLooks, Visit
from regions.references import not_found
from regions.scoping import scope_by_region
from tongren_fupin.api.parsers import JSONOverLimit, bounded_loads


@dataclass
class Photos:
    visit: list[Any] = field(default_factory=list)
    looks: dict[str, list[Any]] = field(default_factory=dict)


def parse_record(request: Request) -> dict[str, Any]:
    """The record: the JSON body, or the ``record`` field (JSON text) of a multipart or form
    body, decoded within the JSON body's limits (size and depth)."""
    data = request.data
    raw: Any = data
    if isinstance(data, Mapping) and "record" in data:
        raw = data["record"]
        if isinstance(raw, str):
            try:
                raw = bounded_loads(raw)
            except JSONOverLimit as exc:
                raise serializers.ValidationError({"record": [exc.message]}) from exc
            except ValueError:
                raw = None
    if not isinstance(raw, Mapping):
        raise serializers.ValidationError({"record": [_("Send the record as a JSON object.")]})
    return dict(raw)


def record_photos(request: Request) -> Photos:
    """The photos of a multipart record; ``looks`` names each one's look, in order."""
    files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
    data = request.data
    looks = data.getlist("looks") if hasattr(data, "getlist") else []
    if looks and len(looks) != len(files):
        raise serializers.ValidationError(
            {"looks": [_("Give one look (or an empty one) per photo, in the photos' order.")]}
        )
    photos = Photos()
    for upload, look in zip(files, looks or [""] * len(files), strict=True):
        if look and look not in FiveLooks.LOOKS:
            raise serializers.ValidationError(
                {"looks": [_("Unknown look: %(look)s") % {"look": look}]}
            )
        if look:
            photos.looks.setdefault(look, []).append(upload)
        else:
            photos.visit.append(upload)
    return photos


def _household(user: Any, key: int) -> Household:
    household = scope_by_region(Household.objects.all(), user).filter(pk=key).first()
    if household is None:
        raise not_found("household")
    return household


def _payload(raw: Mapping[str, Any], photos: Photos) -> dict[str, Any]:
    count = len(photos.visit) + sum(len(p) for p in photos.looks.values())
    return {**raw, "photo_count": count}


def resolve_record(
    request: Request, data: Mapping[str, Any], raw: Mapping[str, Any], photos: Photos
) -> tuple[SyncRecord, bool]:
    user = request.user
    household = _household(user, data["household"])
    common = {
        "actor": user,
        "client_token": data["client_token"],
        "household": household,
        "recorded_at": data["recorded_at"],
        "payload": _payload(raw, photos),
    }
    if data["kind"] == SyncKind.VISIT:
        visit = dict(data["visit"])
        items = visit.pop("consistency_items", None) or []
        visit["consistency"] = {item.pop("field"): item for item in items} or None
        return services.sync_visit(
            **common,
            visit=visit,
            seen=data.get("seen") or {},
            photos=photos.visit,
            look_photos=photos.looks,
        )
    if data["kind"] == SyncKind.PROBLEM:
        problem = dict(data["problem"])
        visit_token = problem.pop("visit_token", None)
        return services.sync_problem(
            **common,
            data=problem,
            visit=_visit(user, household, visit_token),
            photos=[*photos.visit, *[p for ps in photos.looks.values() for p in ps]],
        )
    return services.sync_household_update(**common, changes=_changes(household, data["changes"]))


def _visit(user: Any, household: Household, token: Any) -> Visit | None:
    if token is None:
        return None
    visits = scope_by_region(Visit.objects.all(), user, "household__region")
    visit = visits.filter(client_token=token, household=household).first()
    if visit is None:
        raise not_found("visit_token")
    return visit


def _changes(household: Household, changes: list[dict[str, Any]]) -> list[services.Change]:
    """Each change with its member (of this household, else the 404 of ``changes``); a field
    named twice is refused."""
    ids = {c["id"] for c in changes if c["target"] == "member"}
    members = {m.pk: m for m in Member.objects.filter(household=household, pk__in=ids)}
    result, seen = [], set()
    for change in changes:
        member = None
        if change["target"] == "member":
            member = members.get(change["id"])
            if member is None:
                raise not_found("changes")
        item = services.Change(
            target=change["target"],
            field=change["field"],
            base=change["base"],
            value=change["value"],
            member=member,
        )
        if item.key in seen:
            raise serializers.ValidationError(
                {"changes": [_("Each field may be changed once in a record.")]}
            )
        seen.add(item.key)
        result.append(item)
    return result
