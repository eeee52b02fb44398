from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

RECORDED_AT = "2026-12-01T10:30:00+08:00"


def visit_record(household: Any, **extra: Any) -> dict[str, Any]:
    return {
        "client_token": str(uuid.uuid4()),
        "kind": "visit",
        "recorded_at": RECORDED_AT,
        "household": household.pk,
        "visit": {
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "kind": "routine",
            "note": "离线走访",
            "five_looks": dict.fromkeys(
                ("furnishings", "clothing", "cupboard", "bedding", "pot"), True
            ),
        },
        **extra,
    }


def update_record(household: Any, changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "client_token": str(uuid.uuid4()),
        "kind": "household_update",
        "recorded_at": RECORDED_AT,
        "household": household.pk,
        "changes": changes,
        **extra,
    }


def post(api: Any, user: Any, record: dict[str, Any], **kwargs: Any) -> Any:
    api.force_authenticate(user)
    return api.post("/api/v1/sync/", record, format="json", **kwargs)
