"""Page forms. They parse the fields; saving always goes through assistance.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import FundFlowKind, Partner, Scheme
from regions.models import Level, Region
from regions.scoping import scope_by_region


class DateInput(forms.DateInput):
    input_type = "date"


def apply_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class FundFlowForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=FundFlowKind.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    date = forms.DateField(label=_("date"), widget=DateInput)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class AdvanceForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput)


def _regions_for(user: Any) -> Any:
    """Regions a training can be held for: the jurisdiction's city, counties and townships."""
    regions = scope_by_region(Region.objects.all(), user, field="code")
    return regions.filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP]).order_by("code")


class TrainingForm(forms.Form):
    scheme = forms.ChoiceField(label=_("scheme"), choices=Scheme.choices)
    partner = forms.ModelChoiceField(
        label=_("partner"), queryset=Partner.objects.order_by("kind", "name"), required=False
    )
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    start_on = forms.DateField(label=_("start"), widget=DateInput)
    end_on = forms.DateField(label=_("end"), widget=DateInput, required=False)
    sessions = forms.IntegerField(label=_("sessions"), min_value=1, max_value=100000, initial=1)
    participants = forms.IntegerField(label=_("participants"), min_value=1, max_value=10000000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: Any = self.fields["region"]
        region_field.queryset = _regions_for(user)
