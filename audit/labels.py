"""Model labels in the audit trail across a move of a model to another app.

Events are append-only: one written before a model moved keeps the label the model had then
(``households.exitapplication``), so a reader looks a label up through ``current_label`` and
filters a model's events by every label in ``recorded_labels``. The tables did not move
(``Meta.db_table``), so the ids in old events still name the same rows.
"""

from __future__ import annotations

# Old label → the model's label now (``_meta.label_lower``). Decision 0013: the exit procedure
# moved to ``exits`` and the monitoring cases to ``monitoring``.
MOVED_LABELS: dict[str, str] = {
    "households.exitapplication": "exits.exitapplication",
    "households.exitstep": "exits.exitstep",
    "households.objection": "exits.objection",
    "households.monitoringcase": "monitoring.monitoringcase",
    "households.monitoringstep": "monitoring.monitoringstep",
    "households.monitoringobjection": "monitoring.monitoringobjection",
}


def current_label(label: str) -> str:
    """The label of the model an event's ``object_type`` or ``subject_type`` names today."""
    label = label.lower()
    return MOVED_LABELS.get(label, label)


def recorded_labels(label: str) -> list[str]:
    """Every label events of the model ``label`` may carry: the current one, then the old ones."""
    label = current_label(label)
    return [label, *sorted(old for old, new in MOVED_LABELS.items() if new == label)]
