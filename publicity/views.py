"""The objection actions of an owner's page (the exit application, the monitoring case).

The owner's page binds its ``OwnerActionForm`` and dispatches the actions in ``PAGE_ACTIONS``
here; the page shows the services' refusals as it shows its own.
"""

from __future__ import annotations

from typing import Any

from publicity import selectors, services
from publicity.forms import OBJECTION_ACTIONS, OwnerActionForm

PAGE_ACTIONS = frozenset(OBJECTION_ACTIONS)


def objection_page_post(
    *, form: OwnerActionForm, actor: Any, owner: Any, rules: services.PublicityRules[Any, Any]
) -> None:
    """Record an objection (action ``objection``) or decide one (``decide``) from a valid form;
    an objection id that is not one of the owner's answers 404."""
    data = form.cleaned_data
    if data["action"] == "objection":
        services.objection_record(
            actor=actor,
            owner=owner,
            received_on=form.day(),
            content=data["content"],
            rules=rules,
        )
        return
    services.objection_decide(
        actor=actor,
        objection=selectors.objection_get(owner=owner, pk=data["objection"], rules=rules),
        upheld=data["upheld"] == "yes",
        resolution=data["resolution"],
        on=form.day(),
        rules=rules,
    )
