"""Page forms. They validate input; saving always goes through households.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from households.choices import Cause, PovertyAttribute, Relation, Status
from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from households.services import HOUSEHOLD_EDITABLE, MEMBER_EDITABLE
from regions.models import Region
from tongren_fupin.bounds import (
    HOUSEHOLD_MEMBERS_MAX,
    HOUSEHOLD_MEMBERS_MIN,
    VERSION_MAX,
    VERSION_MIN,
)
from tongren_fupin.forms import CountField, NamedChoices


class ServiceFormMixin(NamedChoices):
    """Model validation happens in the service; the form only parses the fields."""

    def _post_clean(self) -> None:  # skip ModelForm's instance.full_clean()
        pass


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", VERSION_MIN)
        kwargs.setdefault("max_value", VERSION_MAX)
        super().__init__(**kwargs)


class HouseholdForm(ServiceFormMixin, forms.ModelForm):
    other_causes = forms.MultipleChoiceField(
        label=_("other poverty causes"),
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most 2."),
    )
    version = VersionField(required=False)

    class Meta:
        model = Household
        fields = [f for f in HOUSEHOLD_EDITABLE if f != "responsible_cadre"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from regions.scoping import scope_by_region

        villages = scope_by_region(Region.objects.filter(level="village"), user, field="code")
        region_field: Any = self.fields["region"]
        region_field.queryset = villages
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_other_causes(self) -> list[str]:
        causes = list(self.cleaned_data.get("other_causes") or [])
        if len(causes) > 2:
            raise ValidationError(_("At most 2 other poverty causes."))
        return causes


class HouseholdRegisterForm(HouseholdForm):
    class Meta(HouseholdForm.Meta):
        fields = ["household_no", *HouseholdForm.Meta.fields]


class MemberForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Member
        fields = ["relation", *MEMBER_EDITABLE]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relation: Any = self.fields["relation"]
        relation.choices = [c for c in relation.choices if c[0] != Relation.HEAD]
        if self.instance.pk:
            del self.fields["relation"]


class HeadForm(ServiceFormMixin, forms.ModelForm):
    """The head (户主) entered together with a new household."""

    prefix = "head"

    class Meta:
        model = Member
        fields = MEMBER_EDITABLE


class IncomeForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    member_count = CountField(
        label=_("household size at year end"),
        low=HOUSEHOLD_MEMBERS_MIN,
        high=HOUSEHOLD_MEMBERS_MAX,
        required=False,
        help_text=_(
            "The latest year counts the registered members: leave it empty. For an earlier "
            "year, the household size of that year."
        ),
    )

    class Meta:
        model = AnnualIncome
        fields = ["year", *AnnualIncome.INPUTS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in AnnualIncome.INPUTS:  # an empty amount is zero
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in AnnualIncome.INPUTS:
            if data.get(name) is None:
                data[name] = Decimal(0)
        negative = [name for name in AnnualIncome.INPUTS if (data.get(name) or 0) < 0]
        for name in negative:
            self.add_error(name, _("An amount cannot be negative."))
        return data


class MeasureForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = AssistanceMeasure
        fields = ["kind", "year", "description", "amount"]


class RemoveForm(forms.Form):
    """The confirmation of a removal: the version of the household the user saw."""

    version = VersionField(required=False)


class StatusForm(NamedChoices, forms.Form):
    version = VersionField()
    status = forms.ChoiceField(label=_("new status"), choices=Status.choices)
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("The year of a relapse."),
    )
    reason = forms.CharField(label=_("reason"), max_length=200)


class ChangeHeadForm(NamedChoices, forms.Form):
    version = VersionField()
    new_head = forms.ModelChoiceField(label=_("new head"), queryset=Member.objects.none())
    old_head_relation = forms.ChoiceField(
        label=_("the former head's new relation"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["new_head"]
        field.queryset = household.members.exclude(relation=Relation.HEAD)


class HouseholdSearchForm(NamedChoices, forms.Form):
    """The list's filters: a refused one is named on the page and left out; the others apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    poverty_attribute = forms.ChoiceField(
        label=_("poverty attribute"),
        required=False,
        choices=[("", _("All attributes")), *PovertyAttribute.choices],
    )
    cause = forms.ChoiceField(
        label=_("main poverty cause"),
        required=False,
        choices=[("", _("All causes")), *Cause.choices],
    )
    region = forms.RegexField(
        r"^\d{12}$",
        label=_("region code"),
        required=False,
        error_messages={"invalid": _("A region code has exactly 12 digits.")},
    )
