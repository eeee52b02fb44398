from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from households.models import Household
from inspections import services
from inspections.models import Visit

ALL_ADEQUATE = dict.fromkeys(("furnishings", "clothing", "cupboard", "bedding", "pot"), True)


def record_visit(
    actor: Any,
    household: Household,
    on: datetime.date,
    *,
    looks: dict[str, bool] | None = None,
    consistency: dict[str, dict[str, str]] | None = None,
    **extra: Any,
) -> Visit:
    return services.visit_record(
        actor=actor,
        household=household,
        data={"date": on, "kind": "routine", **extra},
        five_looks=looks if looks is not None else ALL_ADEQUATE,
        consistency=consistency if consistency is not None else agreeing(household),
    )


def agreeing(household: Household) -> dict[str, dict[str, str]]:
    """Four sources saying what the register says: no mismatch."""
    size = str(household.members.count())
    return {"family_size": {"wall": size, "bag": size, "spoken": size, "observed": size}}


def money(value: str) -> Decimal:
    return Decimal(value)
