"""The exit thresholds (三率一度) in the admin (XLSX): a row is identified by its indicator and
zone; each new or changed row goes through ``services.exit_threshold_save`` (the form's
validation, an audit event per row). See ``tongren_fupin.resources``."""

from __future__ import annotations

from typing import Any

from django.db import models

from supervision import services
from supervision.models import ExitThreshold
from tongren_fupin.resources import ServiceResource


class ExitThresholdResource(ServiceResource):
    class Meta:
        model = ExitThreshold
        fields = tuple(services.THRESHOLD_FIELDS)
        import_id_fields = ("indicator", "zone")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        assert isinstance(instance, ExitThreshold)
        services.exit_threshold_save(actor=actor, threshold=instance)
