from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TongrenFupinConfig(AppConfig):
    """The project package as an app: shared templates tags, commands and tasks."""

    name = "tongren_fupin"
    verbose_name = _("Tongren poverty alleviation")
