"""Page forms of relocation. They parse input; validation and saving are the services'.

Every error message starts with the field's label, so a message read alone (or by a screen
reader) still says which field it is about.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms import ServiceFormMixin
from relocation.models import (
    CultureActivity,
    Facility,
    FacilityStatus,
    GovernanceUnit,
    PartyOrganisation,
    Site,
)
from tongren_fupin.bounds import ID_MAX, ID_MIN

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NamedErrorsMixin:
    """Starts each field's error message with its label ("搬迁入住日期：…") unless the
    message already names it, whether the message comes from the field, a validator or the
    service."""

    def add_error(self, field: str | None, error: Any) -> None:
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        if field in fields:
            label = str(fields[field].label)
            error = ValidationError(
                [m if label in m else f"{label}：{m}" for m in ValidationError(error).messages]
            )
        super().add_error(field, error)  # type: ignore[misc]


class ServiceForm(NamedErrorsMixin, ServiceFormMixin):
    """A page form whose instance is validated by the service (``full_clean`` there)."""


class RelocationForm(NamedErrorsMixin, forms.Form):
    """The household comes from the picker (a search of the user's jurisdiction)."""

    household = forms.IntegerField(
        label=_("household"),
        min_value=ID_MIN,
        max_value=ID_MAX,
        widget=forms.HiddenInput,
        error_messages={"required": _("search the register and choose the household.")},
    )
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    moved_in = forms.DateField(label=_("moved in"), widget=DateInput)
    hukou_transferred = forms.BooleanField(
        label=_("hukou transferred"),
        required=False,
        help_text=_("迁户办证 done already; it can also be recorded later."),
    )
    # The picker's search term, sent again with the form so the candidates stay on the page.
    q = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site: Any = self.fields["site"]
        site.queryset = sites
        site.label_from_instance = lambda s: f"{s.region.name} · {s.name}"
        self.fields["moved_in"].initial = timezone.localdate()


class ConfirmForm(forms.Form):
    """A confirmation page's button: nothing to send but its CSRF token."""


class FacilityForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["kind", "name", "status"]


class FacilityStatusForm(NamedErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=FacilityStatus.choices)


class CultureActivityForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = CultureActivity
        fields = ["kind", "held_on", "sessions", "attendance", "note"]
        widgets = {"held_on": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class GovernanceUnitForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = GovernanceUnit
        fields = ["kind", "name", "status", "officers"]
        help_texts = {"officers": _("Only for a community police room.")}


class PartyOrganisationForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = PartyOrganisation
        fields = ["kind", "name", "members"]
