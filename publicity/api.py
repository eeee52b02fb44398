"""The objection actions of an owner's API (``…/objections/``, ``…/decide-objection/``): the
owner's viewset parses the body and answers with the owner; these call the services."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from publicity import selectors, services


def objection_api_record(
    *, actor: Any, owner: Any, data: dict[str, Any], rules: services.PublicityRules[Any, Any]
) -> None:
    services.objection_record(
        actor=actor,
        owner=owner,
        received_on=data["received_on"],
        content=data["content"],
        rules=rules,
    )


def objection_api_decide(
    *, actor: Any, owner: Any, data: dict[str, Any], rules: services.PublicityRules[Any, Any]
) -> None:
    """An objection id that is not one of the owner's is a bad request (400)."""
    try:
        objection = selectors.objection_get(owner=owner, pk=data["objection"], rules=rules)
    except Http404:
        raise serializers.ValidationError({"objection": [_("No such objection.")]}) from None
    services.objection_decide(
        actor=actor,
        objection=objection,
        upheld=data["upheld"],
        resolution=data["resolution"],
        on=data.get("on") or timezone.localdate(),
        rules=rules,
    )
