"""Who sees personal data in full: one policy per role and field, applied by ``displayed``.

The fields are the ID number, the phone, the bank account, the health status and the disability
details (the category and grade a disability-certificate number ends with, and a health status
that includes a disability: 残疾, 长期慢性病及残疾, 大病残疾). Each has its role set in
``regions.roles`` (``FULL_<FIELD>_ROLES``); everyone else sees it masked. Pages, the API, exports
and the audit history all go through ``displayed`` (or ``masked_changes`` for a history), and
each display of a full value is audited by the caller (``households.selectors.log_full_display``).
Decision 0021. (Parsing and checking ID numbers is ``households.id_numbers``.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from regions.roles import (
    FULL_BANK_ACCOUNT_ROLES,
    FULL_DISABILITY_ROLES,
    FULL_HEALTH_ROLES,
    FULL_ID_ROLES,
    FULL_PHONE_ROLES,
    has_role,
)

# What an export writes in a masked cell that has no partial form (a health status).
MASK = "***"
# The health statuses that are themselves a disability detail: 残疾 and the combinations
# 长期慢性病及残疾, 大病残疾 (households.choices.WITH_DISABILITY, which this layer cannot import;
# tests/regions/test_masking.py keeps the two equal).
WITH_DISABILITY = frozenset({"disabled", "chronic_disabled", "serious_disabled"})
ID_LENGTH = 18  # a disability-certificate number is an ID number and two more digits


class Personal(StrEnum):
    """The personal fields the policy covers."""

    ID_NUMBER = "id_number"
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    HEALTH = "health"
    DISABILITY = "disability"


FULL_VIEW: dict[Personal, frozenset[str]] = {
    Personal.ID_NUMBER: FULL_ID_ROLES,
    Personal.PHONE: FULL_PHONE_ROLES,
    Personal.BANK_ACCOUNT: FULL_BANK_ACCOUNT_ROLES,
    Personal.HEALTH: FULL_HEALTH_ROLES,
    Personal.DISABILITY: FULL_DISABILITY_ROLES,
}


def sees_full(user: Any, field: Personal | str) -> bool:
    """``user``'s role sees ``field`` whole (an operator sees everything)."""
    return user is not None and has_role(user, FULL_VIEW[Personal(field)])


def displayed(user: Any, field: Personal | str, value: Any) -> Any:
    """``value`` of ``field`` as ``user`` may see it: whole, or masked. A masked health status
    (or a status with a disability for a role that may not see disability details) is ``None``."""
    field = Personal(field)
    if value is None or value == "":
        return value
    if field is Personal.ID_NUMBER:
        number = str(value)
        if len(number) > ID_LENGTH and not sees_full(user, Personal.DISABILITY):
            number = number[:ID_LENGTH]  # the certificate's category and grade
        return number if sees_full(user, field) else mask_id_number(number)
    if field is Personal.HEALTH:
        hidden = not sees_full(user, field) or (
            value in WITH_DISABILITY and not sees_full(user, Personal.DISABILITY)
        )
        return None if hidden else value
    if sees_full(user, field):
        return value
    if field is Personal.PHONE:
        return mask_phone(str(value))
    if field is Personal.BANK_ACCOUNT:
        return mask_bank_account(str(value))
    return None  # disability details on their own: nothing of them shows


def mask_id_number(number: str) -> str:
    """``522201********123X``: area code and the last four characters stay visible."""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_phone(phone: str) -> str:
    """``138****5678``: the first three and last four characters stay visible."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_bank_account(account: str) -> str:
    """``************1234``: the last four digits stay visible."""
    if len(account) < 8:
        return "*" * len(account)
    return f"{'*' * (len(account) - 4)}{account[-4:]}"


def sees_full_id(user: Any) -> bool:
    return sees_full(user, Personal.ID_NUMBER)


def displayed_id(user: Any, number: str) -> str:
    return str(displayed(user, Personal.ID_NUMBER, number))


def masked_changes(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Personal fields in a history are shown as the user may see them."""
    personal = set(changes) & HISTORY_FIELDS
    if not personal:
        return changes
    return {
        **changes,
        **{
            name: [
                displayed(user, _field_of(name), v) if isinstance(v, str) else v
                for v in changes[name]
            ]
            for name in personal
        },
    }


HISTORY_FIELDS = {field.value for field in Personal} | {"cadre_phone"}


def _field_of(name: str) -> Personal:
    """The policy field of a model field (both phones are phones)."""
    return Personal.PHONE if name == "cadre_phone" else Personal(name)
