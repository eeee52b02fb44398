from __future__ import annotations

from typing import Any

from rest_framework import serializers

from audit.models import AuditEvent
from regions.roles import mask_id_number, sees_full_id


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created",
            "actor",
            "action",
            "object_type",
            "object_id",
            "summary",
            "changes",
        ]

    def to_representation(self, instance: AuditEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["changes"] = masked_changes(self.context["request"].user, instance.changes)
        return data


def masked_changes(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """ID numbers in a history are masked for roles that do not see full numbers."""
    if "id_number" not in changes or sees_full_id(user):
        return changes
    return {
        **changes,
        "id_number": [mask_id_number(v) if isinstance(v, str) else v for v in changes["id_number"]],
    }
