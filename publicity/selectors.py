"""Reads of a publicity's objections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

if TYPE_CHECKING:
    from publicity.services import ObjectionT, PublicityRules


def objection_get(*, owner: Any, pk: Any, rules: PublicityRules[Any, ObjectionT]) -> ObjectionT:
    """One objection of ``owner``, which the user's scoped selector gave: 404 for an objection
    of another owner, a stale id or one that is not a number."""
    objections = rules.objection_model._default_manager.filter(**{rules.owner_field: owner})
    try:
        return objections.get(pk=int(pk))
    except (TypeError, ValueError, rules.objection_model.DoesNotExist):
        raise Http404 from None
