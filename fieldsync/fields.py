"""The register fields an offline record may change: a few a visit brings, each read and
written through the register's own model field (its choices, validators and label)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from households.models import Household, Member

HOUSEHOLD_FIELDS = ("phone",)
MEMBER_FIELDS = (
    "work_status",
    "work_months",
    "schooling",
    "education",
    "basic_medical_insurance",
)
TARGET_FIELDS: dict[str, tuple[str, ...]] = {
    "household": HOUSEHOLD_FIELDS,
    "member": MEMBER_FIELDS,
}
# Fields that only make sense together (a member in school has a grade and no education level;
# months worked away need a work status): when one of them conflicts, the others of the same
# record conflict too, so a half of the pair is never applied alone.
COUPLED = (frozenset({"schooling", "education"}), frozenset({"work_status", "work_months"}))


def model_of(target: str) -> type[models.Model]:
    return Household if target == "household" else Member


def model_field(target: str, name: str) -> models.Field:
    field = model_of(target)._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def label(target: str, name: str) -> str:
    return str(model_field(target, name).verbose_name)


def normalized(target: str, name: str, value: Any) -> Any:
    """``value`` as the register stores it (a text field's null is ``""``); raises
    ``ValidationError`` when the field cannot hold it (wrong type, not one of its choices)."""
    field = model_field(target, name)
    if value is None and not field.null:
        value = "" if isinstance(field, models.CharField) else value
    if isinstance(field, models.BooleanField) and not isinstance(value, bool):
        raise ValidationError(_("Give true or false."))
    return field.clean(value, None)


def current(obj: models.Model, name: str) -> Any:
    return getattr(obj, name)


def shown(target: str, name: str, value: Any) -> str:
    """A value as people read it: a choice's label, 是/否, or "—" for nothing."""
    field = model_field(target, name)
    labels = dict(field.flatchoices) if field.choices else {}
    if value in labels:  # also a coded "nothing", such as 未外出务工
        return str(labels[value])
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def choices_of(target: str, name: str) -> list[dict[str, Any]]:
    field = model_field(target, name)
    return [{"value": value, "label": str(text)} for value, text in field.flatchoices]
