from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TongrenFupinConfig(AppConfig):
    """The project package as an app: shared templates tags, commands and tasks."""

    name = "tongren_fupin"
    verbose_name = _("Tongren poverty alleviation")

    def ready(self) -> None:
        from django.core import checks

        from tongren_fupin.pdf import check_pdf_rendering

        checks.register(check_pdf_rendering)
