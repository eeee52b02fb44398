"""The reference tables operators maintain, imported and exported in the admin (XLSX): partners,
institutions and pairings through ``services.reference_save``, projects through
``services.project_create``, trainings through ``services.training_record``. See
``tongren_fupin.resources``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from assistance import services
from assistance.models import Institution, Pairing, Partner, Project, Training
from tongren_fupin.resources import ServiceResource


class ReferenceResource(ServiceResource):
    """A reference row, validated as the admin's form validates it, saved with its audit event."""

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        services.reference_save(actor=actor, obj=instance)


class PartnerResource(ReferenceResource):
    class Meta:
        model = Partner
        fields = (
            "id",
            "name",
            "kind",
            "home_place",
            "home_region",
            "credit_code",
            "is_collective",
            "note",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class InstitutionResource(ReferenceResource):
    class Meta:
        model = Institution
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class PairingResource(ReferenceResource):
    class Meta:
        model = Pairing
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class ProjectResource(ServiceResource):
    """New projects are created as on the project page; an existing project changes on its page
    (its state, funds and beneficiaries have their own steps), so a changed row is refused."""

    class Meta:
        model = Project
        fields = ("id", *services.PROJECT_FIELDS)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        if not is_create:
            raise ValidationError(
                _("An existing project is changed on its page, not by import: %(name)s")
                % {"name": instance}
            )
        data = {name: getattr(instance, name) for name in services.PROJECT_FIELDS}
        created = services.project_create(actor=actor, data=data)
        instance.pk = created.pk


class TrainingResource(ServiceResource):
    """New trainings are recorded as on the training page (same validation, an audit event per
    row); a recorded training is not changed by import, so a changed row is refused."""

    class Meta:
        model = Training
        fields = ("id", *services.TRAINING_FIELDS)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        if not is_create:
            raise ValidationError(
                _("A recorded training is not changed by import: %(name)s") % {"name": instance}
            )
        data = {name: getattr(instance, name) for name in services.TRAINING_FIELDS}
        created = services.training_record(actor=actor, data=data)
        instance.pk = created.pk
