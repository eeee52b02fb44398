"""Page forms. They parse the fields; saving always goes through assistance.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assistance import selectors
from assistance.models import (
    FundFlowKind,
    Partner,
    PlacementPlace,
    ProjectCategory,
    ProjectState,
    Scheme,
)
from regions.models import Level, Region
from regions.scoping import jurisdiction_prefix, scope_by_region
from tongren_fupin.bounds import ID_MAX, ID_MIN, PROJECT_PEOPLE_MAX, PROJECT_PEOPLE_MIN
from tongren_fupin.forms import CountField
from tongren_fupin.photos import PhotosField


class DateInput(forms.DateInput):
    input_type = "date"


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
    vouchers = PhotosField(label=_("photos of the vouchers"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class AdvanceForm(forms.Form):
    """The step to the next state, confirmed from the state the user saw."""

    on = forms.DateField(label=_("date reached"), widget=DateInput)
    state = forms.ChoiceField(choices=ProjectState.choices, widget=forms.HiddenInput)


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
    sessions = forms.IntegerField(
        label=pgettext_lazy("training", "sessions"), min_value=1, max_value=100000, initial=1
    )
    participants = forms.IntegerField(label=_("participants"), min_value=1, max_value=10000000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: Any = self.fields["region"]
        region_field.queryset = _regions_for(user)


def _project_regions_for(user: Any) -> Any:
    """Regions a project can target: the city, counties and townships of the jurisdiction, and
    its villages for a county (or smaller) jurisdiction, where the list stays short."""
    levels = [Level.CITY, Level.COUNTY, Level.TOWNSHIP]
    prefix = jurisdiction_prefix(user)
    if prefix is not None and len(prefix) >= 6:
        levels.append(Level.VILLAGE)
    regions = scope_by_region(Region.objects.all(), user, field="code")
    return regions.filter(level__in=levels).order_by("code")


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    scheme = forms.ChoiceField(label=_("scheme"), choices=Scheme.choices)
    partner = forms.ModelChoiceField(
        label=_("partner"), queryset=Partner.objects.order_by("kind", "name"), required=False
    )
    agreement = forms.ModelChoiceField(
        label=_("agreement"), queryset=Partner.objects.none(), required=False
    )
    target_region = forms.ModelChoiceField(label=_("target region"), queryset=Region.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=ProjectCategory.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    planned_amount = forms.DecimalField(
        label=_("planned amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(0),
    )
    people_covered = CountField(
        label=_("people covered"), low=PROJECT_PEOPLE_MIN, high=PROJECT_PEOPLE_MAX, initial=0
    )
    planned_completion = forms.DateField(
        label=_("planned completion"), widget=DateInput, required=False
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        region_field: Any = self.fields["target_region"]
        region_field.queryset = _project_regions_for(user)
        agreement_field: Any = self.fields["agreement"]
        agreement_field.queryset = selectors.agreement_list(user=user)


class JobPlacementForm(forms.Form):
    """The member comes from the picker (a search of the jurisdiction's register)."""

    member = forms.IntegerField(
        label=_("member"),
        min_value=ID_MIN,
        max_value=ID_MAX,
        widget=forms.HiddenInput,
        error_messages={"required": _("Search the register and choose the member placed.")},
    )
    employer = forms.CharField(label=_("employer"), max_length=100)
    place = forms.ChoiceField(label=_("place of work"), choices=PlacementPlace.choices)
    placed_on = forms.DateField(label=_("placed on"), widget=DateInput)
    scheme = forms.ChoiceField(label=_("scheme"), choices=Scheme.choices, initial=Scheme.EAST_WEST)
    partner = forms.ModelChoiceField(
        label=_("partner"), queryset=Partner.objects.order_by("kind", "name"), required=False
    )
    # The picker's search term, sent again with the form so the candidates stay on the page.
    q = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_member(self) -> Any:
        member = selectors.member_for_placement(user=self.user, pk=self.cleaned_data["member"])
        if member is None:
            raise ValidationError(_("No such member in your jurisdiction."))
        return member
