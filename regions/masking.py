"""Who sees personal data in full: ID numbers are shown whole to ``FULL_ID_ROLES`` only.

Pages, the API, exports and the audit history all mask through these functions. (Parsing and
checking ID numbers is ``households.id_numbers``.)
"""

from __future__ import annotations

from typing import Any

from regions.roles import FULL_ID_ROLES, has_role


def mask_id_number(number: str) -> str:
    """``522201********123X``: area code and the last four characters stay visible."""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def sees_full_id(user: Any) -> bool:
    return has_role(user, FULL_ID_ROLES)


def displayed_id(user: Any, number: str) -> str:
    return number if sees_full_id(user) else mask_id_number(number)


def masked_changes(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """ID numbers in a history are masked for roles that do not see full numbers."""
    if "id_number" not in changes or sees_full_id(user):
        return changes
    return {
        **changes,
        "id_number": [mask_id_number(v) if isinstance(v, str) else v for v in changes["id_number"]],
    }
