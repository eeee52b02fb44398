"""Writes of offline field work: a record from a phone applied exactly once, field by field,
and the settling of a field changed on both sides (never last-write-wins)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from audit.models import AuditEvent, Category
from fieldsync import fields
from fieldsync.models import (
    ConflictState,
    ConflictTarget,
    FieldConflict,
    Resolution,
    SyncKind,
    SyncRecord,
    SyncStatus,
)
from households import services as register
from households.models import Household, Member
from inspections import services as inspections
from inspections.models import CheckedField, Problem, ProblemSource, Visit
from regions.references import not_found
from regions.roles import CONFLICT_RESOLVE_ROLES, require_role
from tongren_fupin.errors import DomainError


@dataclass
class Change:
    """One field of an offline household update: ``base`` is what the phone read, ``value``
    what was recorded; ``member`` is set for a member's field."""

    target: str
    field: str
    base: Any
    value: Any
    member: Member | None = None

    @property
    def key(self) -> tuple[str, int | None, str]:
        return (self.target, self.member.pk if self.member else None, self.field)


class _Claimed(Exception):
    """The token was applied by another request meanwhile."""


def sync_replay(*, actor: Any, client_token: uuid.UUID) -> SyncRecord | None:
    """The record already applied with this token (its answer is given again), or ``None``."""
    record = SyncRecord.objects.filter(client_token=client_token).first()
    if record is not None and record.actor_id != actor.pk:
        message = _("This client token was already used by another record.")
        raise ValidationError({"client_token": message})
    return record


def _once(
    *,
    actor: Any,
    client_token: uuid.UUID,
    kind: str,
    household: Household,
    recorded_at: Any,
    payload: Mapping[str, Any],
    apply: Callable[[SyncRecord], dict[str, Any]],
    changes: Mapping[str, Any] | None = None,
) -> tuple[SyncRecord, bool]:
    """Claim the token first (a concurrent duplicate waits on its unique index and then finds
    it taken), apply, store the answer — all in one transaction: a refusal or a failure leaves
    nothing, so the same token may be sent again."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = SyncRecord.objects.create(
                        client_token=client_token,
                        actor=actor,
                        kind=kind,
                        household=household,
                        recorded_at=recorded_at,
                        payload=dict(payload),
                        status=SyncStatus.APPLIED,
                    )
            except IntegrityError:
                raise _Claimed from None
            _record_received(actor, record, changes or {})
            outcome = apply(record)
            conflicts = outcome.get("conflicts", [])
            record.status = SyncStatus.APPLIED_WITH_CONFLICTS if conflicts else SyncStatus.APPLIED
            record.result = {
                "client_token": str(client_token),
                "kind": kind,
                "status": record.status,
                "household": household.pk,
                "visit": record.visit_id,
                "problem": record.problem_id,
                "applied": outcome.get("applied", []),
                "conflicts": conflicts,
                "register_changed": outcome.get("register_changed", []),
                "received_at": timezone.localtime(record.received_at).isoformat(),
            }
            record.save()
        return record, True
    except _Claimed:
        found = sync_replay(actor=actor, client_token=client_token)
        assert found is not None  # the claim that won was committed
        return found, False


def _record_received(actor: Any, record: SyncRecord, changes: Mapping[str, Any]) -> None:
    events.record(
        actor=actor,
        action="sync.received",
        obj=record,
        subject=record.household,
        region_code=record.household.region_id,
        changes={
            "kind": [None, record.kind],
            "recorded_at": [None, record.recorded_at.isoformat()],
            **changes,
        },
        summary=_("Recorded offline on %(when)s: %(kind)s")
        % {
            "when": timezone.localtime(record.recorded_at).strftime("%Y-%m-%d %H:%M"),
            "kind": record.get_kind_display(),
        },
    )


# -- visits ------------------------------------------------------------------------------------


def sync_visit(
    *,
    actor: Any,
    client_token: uuid.UUID,
    household: Household,
    recorded_at: Any,
    payload: Mapping[str, Any],
    visit: Mapping[str, Any],
    seen: Mapping[str, str],
    photos: Sequence[Any] = (),
    look_photos: Mapping[str, Sequence[Any]] | None = None,
) -> tuple[SyncRecord, bool]:
    """A visit is appended, always: its 五个一致 system column is what the visitor ``seen``;
    where the register says something else now, the answer (and the visit's page) shows both."""

    def apply(record: SyncRecord) -> dict[str, Any]:
        now = inspections.register_values(household)
        data = dict(visit)
        recorded = inspections.visit_record(
            actor=actor,
            household=household,
            data=data,
            five_looks=data.pop("five_looks", None),
            consistency=data.pop("consistency", None),
            survey=data.pop("survey", None),
            motivation=data.pop("motivation", None),
            client_token=client_token,
            photos=photos,
            look_photos=look_photos,
            seen=seen,
        )
        record.visit = recorded
        return {
            "register_changed": [
                {
                    "field": field,
                    "label": str(CheckedField(field).label),
                    "seen": value,
                    "current": now.get(field, ""),
                }
                for field, value in seen.items()
                if now.get(field, "") != value
            ]
        }

    return _once(
        actor=actor,
        client_token=client_token,
        kind=SyncKind.VISIT,
        household=household,
        recorded_at=recorded_at,
        payload=payload,
        apply=apply,
    )


# -- problems ----------------------------------------------------------------------------------


def sync_problem(
    *,
    actor: Any,
    client_token: uuid.UUID,
    household: Household,
    recorded_at: Any,
    payload: Mapping[str, Any],
    data: Mapping[str, Any],
    visit: Visit | None = None,
    photos: Sequence[Any] = (),
) -> tuple[SyncRecord, bool]:
    """A problem reported by hand (on a visit recorded offline too, named by its token)."""

    def apply(record: SyncRecord) -> dict[str, Any]:
        source = ProblemSource.VISIT if visit is not None else ProblemSource.BY_HAND
        problem: Problem = inspections.problem_open(
            actor=actor,
            household=household,
            visit=visit,
            data={**data, "source": source},
            photos=photos,
        )
        record.problem = problem
        return {}

    return _once(
        actor=actor,
        client_token=client_token,
        kind=SyncKind.PROBLEM,
        household=household,
        recorded_at=recorded_at,
        payload=payload,
        apply=apply,
    )


# -- household updates, field by field ---------------------------------------------------------


def sync_household_update(
    *,
    actor: Any,
    client_token: uuid.UUID,
    household: Household,
    recorded_at: Any,
    payload: Mapping[str, Any],
    changes: Sequence[Change],
) -> tuple[SyncRecord, bool]:
    """Each field unchanged in the register since the phone read it (``base``) is applied
    through the register's services; one already holding the new value needs nothing; one
    changed on both sides becomes a ``FieldConflict`` for a reviewer and is not applied."""

    def apply(record: SyncRecord) -> dict[str, Any]:
        locked = Household.objects.select_for_update().get(pk=household.pk)
        members = {m.pk: m for m in Member.objects.select_for_update().filter(household=locked)}
        if any(c.member is not None and c.member.pk not in members for c in changes):
            raise not_found("changes")  # removed from the household meanwhile
        to_apply, conflicting = _classify(locked, members, changes)
        applied = _apply(actor, locked, members, to_apply)
        conflicts = [
            _open_conflict(actor, record, locked, members, change) for change in conflicting
        ]
        return {
            "applied": applied,
            "conflicts": [_conflict_answer(c) for c in conflicts],
        }

    return _once(
        actor=actor,
        client_token=client_token,
        kind=SyncKind.HOUSEHOLD_UPDATE,
        household=household,
        recorded_at=recorded_at,
        payload=payload,
        apply=apply,
        changes={
            _change_key(c): [
                fields.shown(c.target, c.field, c.base),
                fields.shown(c.target, c.field, c.value),
            ]
            for c in changes
        },
    )


def _change_key(change: Change) -> str:
    """A history row's name: the household's own field by its name (so a phone is masked for
    roles that see it masked), a member's as "name · label"."""
    if change.member is None:
        return change.field
    return f"{change.member.name} · {fields.label(change.target, change.field)}"


def _current(household: Household, members: Mapping[int, Member], change: Change) -> Any:
    obj = household if change.member is None else members[change.member.pk]
    return getattr(obj, change.field)


def _classify(
    household: Household, members: Mapping[int, Member], changes: Sequence[Change]
) -> tuple[list[Change], list[Change]]:
    """(to apply, conflicting); a change whose value is already the register's is neither."""
    to_apply: list[Change] = []
    conflicting: list[Change] = []
    for change in changes:
        now = _current(household, members, change)
        if now == change.value:
            continue
        (to_apply if now == change.base else conflicting).append(change)
    # A pair of coupled fields is never applied by halves.
    for change in list(to_apply):
        partners = next(
            (group for group in fields.COUPLED if change.field in group), frozenset[str]()
        )
        if any(
            c.field in partners and c.field != change.field and c.member == change.member
            for c in conflicting
        ):
            to_apply.remove(change)
            conflicting.append(change)
    return to_apply, conflicting


def _version(household: Household) -> int:
    return Household.objects.values_list("version", flat=True).get(pk=household.pk)


def _apply(
    actor: Any, household: Household, members: Mapping[int, Member], changes: list[Change]
) -> list[dict[str, Any]]:
    """One write per record (the household, each member) through the register's services,
    which check the capture role and write their audit events."""
    own = {c.field: c.value for c in changes if c.member is None}
    if own:
        register.household_update(
            actor=actor, household=household, expected_version=_version(household), data=own
        )
    for member_id in dict.fromkeys(c.member.pk for c in changes if c.member is not None):
        data = {c.field: c.value for c in changes if c.member and c.member.pk == member_id}
        register.member_update(
            actor=actor,
            member=members[member_id],
            expected_version=_version(household),
            data=data,
        )
    return [
        {
            "target": c.target,
            "id": c.member.pk if c.member else household.pk,
            "field": c.field,
        }
        for c in changes
    ]


def _last_change(obj: Any, field: str) -> AuditEvent | None:
    """The register's latest event that changed ``field`` of ``obj`` (who and when)."""
    return (
        AuditEvent.objects.filter(
            category=Category.DATA,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            changes__has_key=field,
        )
        .select_related("actor")
        .order_by("-created", "-id")
        .first()
    )


def _open_conflict(
    actor: Any,
    record: SyncRecord,
    household: Household,
    members: Mapping[int, Member],
    change: Change,
) -> FieldConflict:
    obj = household if change.member is None else members[change.member.pk]
    last = _last_change(obj, change.field)
    conflict = FieldConflict.objects.create(
        sync_record=record,
        household=household,
        target=change.target,
        member=change.member,
        member_name=change.member.name if change.member else "",
        field=change.field,
        base_value=change.base,
        server_value=_current(household, members, change),
        server_changed_by=last.actor if last else None,
        server_changed_at=last.created if last else None,
        offline_value=change.value,
        recorded_by=actor,
        recorded_at=record.recorded_at,
    )
    events.record(
        actor=actor,
        action="conflict.opened",
        obj=conflict,
        subject=household,
        region_code=household.region_id,
        changes={
            _change_key(change): [
                fields.shown(change.target, change.field, conflict.server_value),
                fields.shown(change.target, change.field, change.value),
            ]
        },
        summary=_("Data conflict opened: %(what)s (register value → value recorded offline)")
        % {"what": conflict_title(conflict)},
    )
    return conflict


def conflict_title(conflict: FieldConflict) -> str:
    label = fields.label(conflict.target, conflict.field)
    return f"{conflict.member_name} · {label}" if conflict.member_name else label


def _conflict_answer(conflict: FieldConflict) -> dict[str, Any]:
    return {
        "id": conflict.pk,
        "target": conflict.target,
        "member": conflict.member_id,
        "field": conflict.field,
        "label": fields.label(conflict.target, conflict.field),
        "base": conflict.base_value,
        "server": conflict.server_value,
        "offline": conflict.offline_value,
    }


# -- settling a conflict -----------------------------------------------------------------------


@transaction.atomic
def conflict_resolve(
    *,
    actor: Any,
    conflict: FieldConflict,
    resolution: str,
    value: Any = None,
    expected_version: int | None = None,
) -> FieldConflict:
    """A reviewer chooses the value that stands: the register's, the one recorded offline, or
    another (checked as the field's own form checks it). A value other than the register's is
    written through the register's services (their audit event, the household's version)."""
    require_role(actor, CONFLICT_RESOLVE_ROLES, conflict.household.region_id)
    locked = FieldConflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.state != ConflictState.OPEN:
        raise DomainError("already_resolved", _("This conflict was already resolved."), status=409)
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": _("Choose how the conflict is resolved.")})
    household = Household.objects.get(pk=locked.household_id)
    obj: Household | Member = household
    if locked.target == ConflictTarget.MEMBER:
        member = Member.objects.filter(pk=locked.member_id or 0, household=household).first()
        if member is None:
            raise DomainError(
                "member_gone", _("The member is no longer in this household."), status=409
            )
        obj = member
    now = getattr(obj, locked.field)
    chosen = _chosen(locked, resolution, value, now)
    if chosen != now:
        _write(actor, household, obj, locked.field, chosen, expected_version)
    locked.state, locked.resolution, locked.resolved_value = (
        ConflictState.RESOLVED,
        resolution,
        chosen,
    )
    locked.resolved_by, locked.resolved_at = actor, timezone.now()
    locked.save()
    key = locked.field if locked.target == ConflictTarget.HOUSEHOLD else conflict_title(locked)
    events.record(
        actor=actor,
        action="conflict.resolved",
        obj=locked,
        subject=household,
        region_code=household.region_id,
        changes={
            key: [
                fields.shown(locked.target, locked.field, now),
                fields.shown(locked.target, locked.field, chosen),
            ],
            "resolution": [None, resolution],
        },
        summary=_("Data conflict resolved: %(what)s — %(how)s")
        % {"what": conflict_title(locked), "how": Resolution(resolution).label},
    )
    return locked


def _chosen(conflict: FieldConflict, resolution: str, value: Any, now: Any) -> Any:
    if resolution == Resolution.SERVER:
        return now
    if resolution == Resolution.OFFLINE:
        return conflict.offline_value
    try:
        return fields.normalized(conflict.target, conflict.field, value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error


def _write(
    actor: Any,
    household: Household,
    obj: Household | Member,
    field: str,
    value: Any,
    expected_version: int | None,
) -> None:
    version = expected_version if expected_version is not None else household.version
    if isinstance(obj, Member):
        register.member_update(
            actor=actor,
            member=obj,
            expected_version=version,
            data={field: value},
            roles=CONFLICT_RESOLVE_ROLES,
        )
    else:
        register.household_update(
            actor=actor,
            household=household,
            expected_version=version,
            data={field: value},
            roles=CONFLICT_RESOLVE_ROLES,
        )
