"""Reporting periods: a year (``2019``), a quarter (``2019-Q3``) or a month (``2019-09``)."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongren_fupin.errors import DomainError

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")
MIN_YEAR, MAX_YEAR = 2014, 2100


class Kind:
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str
    code: str

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def ends_year(self) -> bool:
        """True for periods ending on 31 December, when the year's exits are counted."""
        return (self.end.month, self.end.day) == (12, 31)

    def has_ended(self, today: datetime.date) -> bool:
        return self.end < today

    def months(self) -> list[Period]:
        """The months of this period, in order."""
        first = self.start.month
        return [month_period(self.year, m) for m in range(first, self.end.month + 1)]

    def previous(self) -> Period:
        day = self.start - datetime.timedelta(days=1)
        if self.kind == Kind.YEAR:
            return parse_period(str(day.year))
        if self.kind == Kind.QUARTER:
            return quarter_period(day.year, (day.month - 1) // 3 + 1)
        return month_period(day.year, day.month)

    def __str__(self) -> str:
        return self.code


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        datetime.date(year, month, 1),
        datetime.date(year, month, last),
        Kind.MONTH,
        f"{year}-{month:02d}",
    )


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    last = calendar.monthrange(year, first + 2)[1]
    return Period(
        datetime.date(year, first, 1),
        datetime.date(year, first + 2, last),
        Kind.QUARTER,
        f"{year}-Q{quarter}",
    )


def parse_period(text: str) -> Period:
    """``2019`` → the year, ``2019-Q3`` → a quarter, ``2019-09`` → a month.

    Raises ``DomainError`` (code ``invalid_period``) with a Chinese message otherwise.
    """
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    year = int(match["year"]) if match else 0
    if match is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "invalid_period",
            _("Period: give a year (2019), a quarter (2019-Q3) or a month (2019-09), 2014–2100."),
            errors={"period": [_("Unknown period format or year out of range.")]},
        )
    if match["quarter"]:
        return quarter_period(year, int(match["quarter"]))
    if match["month"]:
        return month_period(year, int(match["month"]))
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), Kind.YEAR, str(year))


def period_or_default(text: str, default: Period) -> tuple[Period, str]:
    """The period a page's ``?period=`` names, or ``default`` with the message saying why the
    text was not one (empty text is the default, with no message)."""
    if not text:
        return default, ""
    try:
        return parse_period(text), ""
    except DomainError as error:
        return default, error.message


def month_just_ended(today: datetime.date) -> Period:
    """The month before ``today``'s month (what the dispatch on day 1 reports on)."""
    return month_period(today.year, today.month).previous()


def quarter_just_ended(today: datetime.date) -> Period:
    return quarter_period(today.year, (today.month - 1) // 3 + 1).previous()
