from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TongrenFupinConfig(AppConfig):
    """The project package as an app: shared templates tags, commands and tasks."""

    name = "tongren_fupin"
    verbose_name = _("Tongren poverty alleviation")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from tongren_fupin.middleware import session_refreshed_at_login
        from tongren_fupin.pdf import check_pdf_rendering

        checks.register(check_pdf_rendering)
        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="session_refreshed")
        self._bound_related_ids()

    @staticmethod
    def _bound_related_ids() -> None:
        """Every ModelSerializer's foreign keys take ids in the column's range, and its JSON
        fields JSON within the parser's limits (decision 0022)."""
        from django.db import models
        from rest_framework import serializers

        from tongren_fupin.api.fields import BoundedJSONField, BoundedPrimaryKeyRelatedField

        model_serializer = serializers.ModelSerializer
        model_serializer.serializer_related_field = BoundedPrimaryKeyRelatedField
        model_serializer.serializer_field_mapping = {
            **model_serializer.serializer_field_mapping,
            models.JSONField: BoundedJSONField,
        }
