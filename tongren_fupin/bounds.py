"""The ranges of the integers a page or an API call may give (docs/decisions/0022).

Each is the range of the column the value reaches, or, for counts of people and days, what is
plausible, so a typo of a few extra digits is refused with a message instead of stored:

- ids: ``BigAutoField`` (``DEFAULT_AUTO_FIELD``), 1 to 2^63 − 1 on PostgreSQL and SQLite;
- versions (optimistic locking): ``PositiveIntegerField``, 0 to 2^31 − 1;
- years: 2000 to 2100, the span of the register and its plans;
- the attendees of a village's democratic appraisal: at most 5,000, more than the adults of
  the largest village of Tongren (its column is a small integer, at most 32,767);
- publicity periods: 1 to 60 days, as the API's;
- the people a project covers: at most 5,000,000, the whole city (Tongren's registered
  population is about 4.5 million); a project's target region is at most the city;
- a relocation site: 1 to 50,000 people and 1 to 15,000 households planned. Tongren moved
  about 294,000 people to 144 sites; the largest holds about 22,000 people in 4,900 households
  (relocation/reference.py), so the bounds leave twice that room, and 15,000 households hold
  the 50,000 at 3.3 people a household, below the sites' 4.4;
- the people on an exchange visit (互访考察): 1 to 1,000, a delegation, not a population;
- a household's size at year end (an income's ``member_count``): 1 to 30, as the income page
  has always said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ID_MIN, ID_MAX = 1, 2**63 - 1
VERSION_MIN, VERSION_MAX = 0, 2**31 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
APPRAISAL_ATTENDEES_MAX = 5000
PUBLICITY_DAYS_MAX = 60
PROJECT_PEOPLE_MIN, PROJECT_PEOPLE_MAX = 0, 5_000_000
SITE_PEOPLE_MIN, SITE_PEOPLE_MAX = 1, 50_000
SITE_HOUSEHOLDS_MIN, SITE_HOUSEHOLDS_MAX = 1, 15_000
EXCHANGE_VISIT_PEOPLE_MIN, EXCHANGE_VISIT_PEOPLE_MAX = 1, 1000
HOUSEHOLD_MEMBERS_MIN, HOUSEHOLD_MEMBERS_MAX = 1, 30


def count_message(label: str | StrPromise, low: int, high: int) -> Promise:
    """The refusal of a count of people or households, naming its field and the range."""
    return format_lazy(
        _("{field}: give a whole number from {low} to {high}."), field=label, low=low, high=high
    )


def count_messages(label: str | StrPromise, low: int, high: int) -> dict[str, Promise]:
    """The same message for anything but a whole number in the range (forms and the API)."""
    message = count_message(label, low, high)
    return {"invalid": message, "min_value": message, "max_value": message}
