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
_SHAPE_18 = re.compile(r"^[1-9]\d{16}[\dX]$")
_SHAPE_15 = re.compile(r"^[1-9]\d{14}$")
_SHAPE_20 = re.compile(r"^[1-9]\d{16}[\dX][1-7][1-4]$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: datetime.date
    sex: str  # "male" or "female"
    is_disability_certificate: bool


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _birth_date(digits: str) -> datetime.date:
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(date)s in the ID number does not exist."),
            code="id_birth_date",
            params={"date": digits},
        ) from None
    if not EARLIEST_BIRTH <= born <= datetime.date.today():
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
    """Validate and normalise; raises ValidationError with the reason in the user's language."""
    number = re.sub(r"\s", "", raw or "").upper()
    if _SHAPE_15.match(number):
        number = upgrade_15(number)
    disability = bool(_SHAPE_20.match(number))
    if not (_SHAPE_18.match(number) or disability):
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


def mask_id_number(number: str) -> str:
    """``522201********123X``: area code and the last four characters stay visible."""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
