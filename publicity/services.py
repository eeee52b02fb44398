"""The objections of a publicity (公示异议), recorded and decided the same way for every owner.

An owner (an exit application, a monitoring case) brings its ``PublicityRules``: who records
and who decides, when it takes objections, and what an upheld objection does to it. Both
services lock the owner's row first, so the objections of one owner are recorded and decided
one at a time, and a decision is taken on the objection as it is under that lock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit import events
from publicity.models import PublicityObjectionBase
from regions.roles import require_role
from tongren_fupin.errors import DomainError

OwnerT = TypeVar("OwnerT", bound=models.Model)
ObjectionT = TypeVar("ObjectionT", bound=PublicityObjectionBase)


@dataclass(frozen=True)
class PublicityRules(Generic[OwnerT, ObjectionT]):
    """What one workflow brings to its publicity. The owner has a ``household``."""

    # The audit actions are named after it: ``<workflow>.objection``, ``….objection_decided``.
    workflow: str
    owner_model: type[OwnerT]
    objection_model: type[ObjectionT]
    # The objection's foreign key to its owner.
    owner_field: str
    record_roles: frozenset[str]
    decide_roles: frozenset[str]
    # Whether the owner, locked, is in its publicity and takes objections.
    accepts_objections: Callable[[OwnerT], bool]
    # What an upheld objection does to the locked owner: (actor, owner, objection, on).
    on_upheld: Callable[[Any, OwnerT, ObjectionT, datetime.date], None]


def _lock_owner(rules: PublicityRules[OwnerT, Any], pk: Any) -> OwnerT:
    manager = rules.owner_model._default_manager
    return manager.select_for_update().select_related("household").get(pk=pk)


def _record_event(
    actor: Any, action: str, objection: PublicityObjectionBase, owner: Any, **kwargs: Any
) -> None:
    household = owner.household
    events.record(
        actor=actor,
        action=action,
        obj=objection,
        subject=household,
        region_code=household.region_id,
        **kwargs,
    )


@transaction.atomic
def objection_record(
    *,
    actor: Any,
    owner: OwnerT,
    received_on: datetime.date,
    content: str,
    rules: PublicityRules[OwnerT, ObjectionT],
) -> ObjectionT:
    require_role(actor, rules.record_roles)
    locked = _lock_owner(rules, owner.pk)
    if not rules.accepts_objections(locked):
        raise DomainError(
            "not_in_publicity",
            _("Objections are recorded during the publicity period."),
            status=409,
        )
    objection = rules.objection_model(
        **{rules.owner_field: locked}, received_on=received_on, content=content.strip()
    )
    objection.full_clean()
    objection.save()
    _record_event(
        actor,
        f"{rules.workflow}.objection",
        objection,
        locked,
        changes={"content": [None, objection.content]},
        summary=_("Publicity objection recorded"),
    )
    return objection


@transaction.atomic
def objection_decide(
    *,
    actor: Any,
    objection: ObjectionT,
    upheld: bool,
    resolution: str,
    on: datetime.date,
    rules: PublicityRules[Any, ObjectionT],
) -> ObjectionT:
    """Upheld or not, with a resolution; an upheld objection then acts on its owner."""
    require_role(actor, rules.decide_roles)
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": _("Give the resolution.")})
    owner = _lock_owner(rules, getattr(objection, f"{rules.owner_field}_id"))
    # Read again under the owner's lock: a decision another reviewer just committed is seen.
    locked = rules.objection_model._default_manager.get(pk=objection.pk)
    if locked.upheld is not None:
        raise DomainError("already_decided", _("This objection was already decided."), status=409)
    locked.upheld, locked.resolution, locked.decided_by = upheld, resolution, actor
    locked.full_clean()
    locked.save()
    _record_event(
        actor,
        f"{rules.workflow}.objection_decided",
        locked,
        owner,
        changes={"upheld": [None, upheld], "resolution": [None, resolution], "date": [None, on]},
        summary=_("Publicity objection upheld") if upheld else _("Publicity objection not upheld"),
    )
    if upheld:
        rules.on_upheld(actor, owner, locked, on)
    return locked
