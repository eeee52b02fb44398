"""Relocation sites and their facilities, imported and exported in the admin (XLSX): new sites
through ``services.site_create``, new facilities through ``services.facility_record`` (the same
validation and audit event as the pages). A recorded row changes on its page (a facility's
status has its own step), so a changed row is refused. See ``tongren_fupin.resources``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from relocation import services
from relocation.models import Facility, Site
from tongren_fupin.resources import ServiceResource

FACILITY_FIELDS = ("site", "kind", "name", "status")


def _refuse_change(instance: models.Model) -> None:
    raise ValidationError(
        _("A recorded %(kind)s changes on its page, not by import: %(name)s")
        % {"kind": instance._meta.verbose_name, "name": instance}
    )


class SiteResource(ServiceResource):
    class Meta:
        model = Site
        fields = ("id", *services.SITE_FIELDS)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        if not is_create:
            _refuse_change(instance)
        data = {name: getattr(instance, name) for name in services.SITE_FIELDS}
        instance.pk = services.site_create(actor=actor, data=data).pk


class FacilityResource(ServiceResource):
    class Meta:
        model = Facility
        fields = ("id", *FACILITY_FIELDS)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        if not is_create:
            _refuse_change(instance)
        assert isinstance(instance, Facility)
        data = {name: getattr(instance, name) for name in FACILITY_FIELDS if name != "site"}
        created = services.facility_record(actor=actor, site=instance.site, data=data)
        instance.pk = created.pk
