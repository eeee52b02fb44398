"""The ranges of the integers a page or an API call may give (docs/decisions/0022).

Each is the range of the column the value reaches, or, for counts of people and days, what is
plausible, so a typo of a few extra digits is refused with a message instead of stored:

- ids: ``BigAutoField`` (``DEFAULT_AUTO_FIELD``), 1 to 2^63 − 1 on PostgreSQL and SQLite;
- versions (optimistic locking): ``PositiveIntegerField``, 0 to 2^31 − 1;
- years: 2000 to 2100, the span of the register and its plans;
- the attendees of a village's democratic appraisal: at most 5,000, more than the adults of
  the largest village of Tongren (its column is a small integer, at most 32,767);
- publicity periods: 1 to 60 days, as the API's.
"""

from __future__ import annotations

ID_MIN, ID_MAX = 1, 2**63 - 1
VERSION_MIN, VERSION_MAX = 0, 2**31 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
APPRAISAL_ATTENDEES_MAX = 5000
PUBLICITY_DAYS_MAX = 60
