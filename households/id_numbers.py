"""Resident ID numbers (GB 11643-1999) and second-generation disability-certificate numbers.

An 18-character ID: 6-digit area code, 8-digit birth date, 3-digit sequence (odd for men),
check character (ISO 7064 MOD 11-2). The area code is the county *at the time of issue*, so
historic codes (522201 for the former county-level 铜仁市) are accepted: only its shape is checked.
The 15-digit format of 1989 (6-digit date, no check character) is accepted and converted.
A disability-certificate number is a valid 18-character ID followed by the disability category
(1–7) and grade (1–4).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_WHITESPACE = re.compile(r"\s")
# The shapes by length: whitespace is removed first, so the length tells which one applies.
_SHAPE_18 = re.compile(r"[1-9]\d{16}[\dX]")
_SHAPE_15 = re.compile(r"[1-9]\d{14}")
_SHAPE_20 = re.compile(r"[1-9]\d{16}[\dX][1-7][1-4]")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# A day known to be past: a birth date up to it needs no call of date.today() (which costs
# more than the rest of the check); a later one asks for today and moves this forward.
_known_past = datetime.date.today()


@dataclass(frozen=True, slots=True)
class IdFacts:
    number: str
    birth_date: datetime.date
    sex: str  # "male" or "female"
    is_disability_certificate: bool


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2: the sum of digit × weight, modulo 11. The weights are 2^(17−i) mod 11
    and 13 ≡ 2 (mod 11), so the sum is 2 × (the digits read in base 13), modulo 11: one int()
    instead of seventeen (this runs for every member of an import)."""
    if len(first17) != len(WEIGHTS) or not first17.isdecimal():
        raise ValueError("check_character() takes the 17 digits before the check character")
    return CHECK_CHARACTERS[2 * int(first17, 13) % 11]


def _birth_date(digits: str) -> datetime.date:
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(date)s in the ID number does not exist."),
            code="id_birth_date",
            params={"date": digits},
        ) from None
    global _known_past
    if born > _known_past:
        _known_past = datetime.date.today()
    if not EARLIEST_BIRTH <= born <= _known_past:
        raise ValidationError(
            _("The birth date %(date)s in the ID number is not plausible."),
            code="id_birth_date",
            params={"date": digits},
        )
    return born


def upgrade_15(number: str) -> str:
    """The 18-character form of a 15-digit ID (19 inserted before the year, check added)."""
    first17 = f"{number[:6]}19{number[6:]}"
    return first17 + check_character(first17)


def parse_id_number(raw: str) -> IdFacts:
    """Validate and normalise; raises ValidationError with the reason in the user's language.

    It runs for every member of an import (about a million at Tongren's scale), so it avoids
    work a common number does not need: no whitespace to remove from a letters-and-digits string,
    one shape tried, chosen by the length."""
    number = raw or ""
    if not number.isalnum():  # whitespace is not alphanumeric: nothing to remove otherwise
        number = _WHITESPACE.sub("", number)
    number = number.upper()
    if len(number) == 15 and _SHAPE_15.fullmatch(number):
        number = upgrade_15(number)
    length = len(number)
    disability = length == 20 and bool(_SHAPE_20.fullmatch(number))
    if not (disability or (length == 18 and _SHAPE_18.fullmatch(number))):
        raise ValidationError(
            _(
                "An ID number has 18 characters (digits, the last may be X), 15 digits in the "
                "old format, or 20 for a disability certificate."
            ),
            code="id_format",
        )
    base = number[:18]
    born = _birth_date(base[6:14])
    if base[17] != check_character(base[:17]):
        raise ValidationError(
            _("The check character of the ID number is wrong: please check every digit."),
            code="id_checksum",
        )
    sex = "male" if int(base[16]) % 2 else "female"
    return IdFacts(number=number, birth_date=born, sex=sex, is_disability_certificate=disability)
