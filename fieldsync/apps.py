from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldsyncConfig(AppConfig):
    name = "fieldsync"
    verbose_name = _("Offline field work")
