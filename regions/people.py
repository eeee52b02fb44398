"""People by their name and role, never by their login (``{{ user|person }}`` in templates).

The name is the account's full name (the login only when none is recorded). The role is added
when the user's assignment is already loaded — ``select_related("<user>__assignment")`` in the
selector, or ``assignment_of`` for the signed-in user — so a list never runs a query per row.
"""

from __future__ import annotations

from typing import Any

from regions.scoping import _CACHE_KEY


def person_name(user: Any) -> str:
    """The name alone (the login when no name is recorded)."""
    if user is None:
        return ""
    return str(user.get_full_name().strip() or user.get_username())


def loaded_assignment(user: Any) -> Any:
    """The assignment when it is in memory already; ``None`` otherwise (no query)."""
    fields_cache = getattr(getattr(user, "_state", None), "fields_cache", {})
    if "assignment" in fields_cache:
        return fields_cache["assignment"]
    return user.__dict__.get(_CACHE_KEY)


def person_label(user: Any) -> str:
    """``张秀英 · 乡镇审核`` — or the name alone when the role is not loaded or there is none."""
    if user is None:
        return ""
    assignment = loaded_assignment(user)
    name = person_name(user)
    return f"{name} · {assignment.get_role_display()}" if assignment is not None else name
