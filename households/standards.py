"""Register facts the exit standard and the monitoring checks both read, defined once.

- compulsory education (义务教育): the ages 6 to 15 on 1 September of the school year;
- a member whose 在校生状况 is 非在校生 or empty is not in school (any grade, 学前教育 to
  大专及以上 or 送教上门, is in school); the grades of compulsory education are
  ``choices.COMPULSORY_GRADES``;
- safe housing: grade A or B (``choices.SAFE_HOUSING_GRADES``) or a relocation home.
"""

from __future__ import annotations

import datetime

from households.choices import COMPULSORY_GRADES, SAFE_HOUSING_GRADES, Schooling

__all__ = [
    "COMPULSORY_AGES",
    "COMPULSORY_GRADES",
    "LAST_EXIT_YEAR",
    "NOT_IN_SCHOOL",
    "SAFE_HOUSING_GRADES",
    "compulsory_birth_bounds",
    "of_compulsory_age",
    "school_year_start",
]

# The last year with a national poverty line and exits from poverty; after it, households in
# difficulty go through 防返贫监测 (monitoring cases).
LAST_EXIT_YEAR = 2020
COMPULSORY_AGES = (6, 15)  # the youngest and the oldest age on 1 September
# The 在校生状况 of a member who is not in school: 非在校生, or left empty (older rows and files).
NOT_IN_SCHOOL: tuple[str, ...] = ("", Schooling.NOT_IN_SCHOOL.value)


def school_year_start(on: datetime.date) -> datetime.date:
    """1 September of the school year that ``on`` falls in."""
    year = on.year if (on.month, on.day) >= (9, 1) else on.year - 1
    return datetime.date(year, 9, 1)


def compulsory_birth_bounds(september: datetime.date) -> tuple[datetime.date, datetime.date]:
    """``(born_after, born_on_or_before)``: the birth dates of the children of compulsory
    school age on ``september`` (a 1 September), for a database filter."""
    youngest, oldest = COMPULSORY_AGES
    return (
        september.replace(year=september.year - oldest - 1),
        september.replace(year=september.year - youngest),
    )


def of_compulsory_age(birth_date: datetime.date, september: datetime.date) -> bool:
    """Whether a member born on ``birth_date`` is of compulsory school age on ``september``."""
    born_after, born_on_or_before = compulsory_birth_bounds(september)
    return born_after < birth_date <= born_on_or_before
