from __future__ import annotations

from typing import Any

from rest_framework import serializers

from audit.models import AuditEvent
from regions.masking import masked_changes


class AuditEventSerializer(serializers.ModelSerializer):
    # System events (a scheduled check, a migration) have no actor: null, as documented.
    actor = serializers.CharField(
        source="actor.username", default=None, read_only=True, allow_null=True
    )

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
