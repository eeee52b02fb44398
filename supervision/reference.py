"""三率一度 thresholds (domain brief §2.3): reference data seeded by migration 0002."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SOURCE = "国开办发〔2017〕56号 贫困县退出专项评估检查实施办法"
THRESHOLDS = (
    ("poverty_incidence", "west", "lt", "3"),
    ("poverty_incidence", "central", "lt", "2"),
    ("wrong_exit_rate", "west", "lt", "2"),
    ("wrong_exit_rate", "central", "lt", "2"),
    ("missed_rate", "west", "lt", "2"),
    ("missed_rate", "central", "lt", "2"),
    ("approval_rate", "west", "gte", "90"),
    ("approval_rate", "central", "gte", "90"),
)


def install_thresholds(threshold_model: Any) -> int:
    """Create the thresholds that are missing; existing rows keep an operator's edits."""
    created = 0
    for indicator, zone, comparison, value in THRESHOLDS:
        _row, new = threshold_model.objects.get_or_create(
            indicator=indicator,
            zone=zone,
            defaults={"comparison": comparison, "value": Decimal(value), "source": SOURCE},
        )
        created += int(new)
    return created
