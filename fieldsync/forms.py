"""The form that settles a data conflict: the register's value, the offline one, or another,
entered in the field's own input (its choices, its range), confirmed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldsync import fields
from fieldsync.models import FieldConflict, Resolution
from tongren_fupin.forms import NamedChoices


def value_field(conflict: FieldConflict) -> forms.Field:
    """The input the register's own form gives this field."""
    model_field = fields.model_field(conflict.target, conflict.field)
    label = _("the other value")
    if isinstance(model_field, models.BooleanField):
        return forms.TypedChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
        )
    formfield = model_field.formfield(required=False, label=label)
    assert formfield is not None
    return formfield


class ConflictResolveForm(NamedChoices, forms.Form):
    resolution = forms.ChoiceField(
        label=_("The value that stands"), choices=Resolution.choices, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    confirm = forms.BooleanField(
        label=_("I have checked with the household: this value stands"), required=True
    )

    def __init__(
        self, *args: Any, conflict: FieldConflict, now: str, offline: str, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("version", conflict.household.version)
        super().__init__(*args, **kwargs)
        shown: dict[str, str] = {Resolution.SERVER: now, Resolution.OFFLINE: offline}
        self.fields["resolution"].choices = [  # type: ignore[attr-defined]
            (value, f"{label}：{shown[value]}" if value in shown else label)
            for value, label in Resolution.choices
        ]
        self.fields["value"] = value_field(conflict)
        order = ["resolution", "value", "confirm", "version"]
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resolution") == Resolution.OTHER and data.get("value") is None:
            self.add_error("value", _("Enter the other value."))
        return data
