from __future__ import annotations

from typing import Any

from rest_framework import serializers

from audit.models import AuditEvent
from regions.masking import masked_changes


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
