"""The objection forms of an owner's page (the exit application, the monitoring case).

The owner's page view dispatches the actions in ``PAGE_ACTIONS`` here and shows the errors of
the services as it shows its own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import QueryDict

from publicity import selectors, services

PAGE_ACTIONS = frozenset({"objection", "decide"})


def objection_page_post(
    *,
    post: QueryDict,
    actor: Any,
    owner: Any,
    on: datetime.date,
    rules: services.PublicityRules[Any, Any],
) -> None:
    """Record an objection (action ``objection``) or decide one (``decide``); an objection id
    that is not one of the owner's answers 404."""
    if post.get("action") == "objection":
        services.objection_record(
            actor=actor,
            owner=owner,
            received_on=on,
            content=post.get("content", ""),
            rules=rules,
        )
        return
    services.objection_decide(
        actor=actor,
        objection=selectors.objection_get(owner=owner, pk=post.get("objection"), rules=rules),
        upheld=post.get("upheld") == "yes",
        resolution=post.get("resolution", ""),
        on=on,
        rules=rules,
    )
