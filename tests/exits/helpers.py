"""A household that meets every criterion of the exit standard, for the exit procedure's tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from households.models import Household
from tests.households.factories import household_with_head, income
from tests.inspections.helpers import record_visit


def ready_for_exit(
    visitor: Any,
    household: Household | None = None,
    *,
    year: int = 2020,
    visited: datetime.date = datetime.date(2020, 9, 20),
    per_capita: Decimal = Decimal("6500"),
) -> Household:
    """``household`` (a new one by default) with the income of ``year`` above the line and a
    visit on ``visited`` by ``visitor`` whose five looks are adequate and whose five sources
    agree; the factories give safe housing and water and insured members."""
    household = household if household is not None else household_with_head()
    income(household, year, per_capita, household.members.count())
    record_visit(visitor, household, visited)
    return household


def compute_suspects(year: int, prefix: str = "") -> Any:
    """The misclassification suspects as of the end of ``year``, computed and stored now (what
    the monthly dispatch or the page's button does): the page and the API read these."""
    from exits.suspect_runs import suspects_compute
    from exits.suspects import year_end

    return suspects_compute(on=year_end(year), prefix=prefix)
