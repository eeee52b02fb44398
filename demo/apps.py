from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data generators and their commands; no models, never imported by the others."""

    name = "demo"
    verbose_name = _("Demo data")
