"""The visit form: one phone page whose sections may each be skipped."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import (
    SOURCES,
    ApprovalSurvey,
    CheckedField,
    FiveLooks,
    MotivationAssessment,
    Satisfaction,
    Visit,
)


def _label(model: Any, name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


YES_NO = [("yes", _("yes")), ("no", _("no"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )


class SectionForm(forms.Form):
    """A section that is skipped when nothing in it is filled, and complete otherwise."""

    required_when_used: tuple[str, ...] = ()

    def values(self) -> dict[str, Any] | None:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return data or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(name) not in (None, "") for name in data):
            for name in self.required_when_used:
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Fill in every item of this section, or none."))
        return data


class VisitForm(forms.ModelForm):
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = ["date", "kind", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {"client_token": uuid.uuid4(), "date": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)


class FiveLooksForm(SectionForm):
    prefix = "looks"
    required_when_used = FiveLooks.LOOKS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FiveLooks.LOOKS:
            self.fields[name] = _yes_no(_label(FiveLooks, name))
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("note"), required=False, max_length=200
            )


class ConsistencyForm(SectionForm):
    """Four sources typed by the visitor; 系统录的 is shown from the register."""

    prefix = "check"

    def __init__(self, *args: Any, system: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.system = system
        for field in CheckedField:
            for source in SOURCES:
                if source == "system":
                    continue
                self.fields[f"{field.value}__{source}"] = forms.CharField(
                    label=f"{field.label} · {_source_label(source)}", required=False, max_length=100
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "field": field,
                "system": self.system.get(field.value, ""),
                "inputs": [self[f"{field.value}__{s}"] for s in SOURCES if s != "system"],
            }
            for field in CheckedField
        ]

    def values(self) -> dict[str, dict[str, str]] | None:
        result: dict[str, dict[str, str]] = {}
        for field in CheckedField.values:
            given = {
                s: self.cleaned_data.get(f"{field}__{s}", "") for s in SOURCES if s != "system"
            }
            if any(v.strip() for v in given.values()):
                result[field] = given
        return result or None


def _source_label(source: str) -> str:
    from inspections.models import ConsistencyItem

    return str(getattr(ConsistencyItem._meta.get_field(source), "verbose_name", source))


class SurveyForm(SectionForm):
    prefix = "survey"
    required_when_used = ApprovalSurvey.ITEMS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ApprovalSurvey.ITEMS:
            self.fields[name] = forms.ChoiceField(
                label=_label(ApprovalSurvey, name),
                required=False,
                choices=Satisfaction.choices,
                widget=forms.RadioSelect,
            )


class MotivationForm(SectionForm):
    prefix = "motivation"
    required_when_used = MotivationAssessment.ITEMS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MotivationAssessment.ITEMS:
            self.fields[name] = _yes_no(_label(MotivationAssessment, name))


class ProblemActionForm(forms.Form):
    """A button of the problem list: 整改 sends its evidence, the others nothing."""

    evidence = forms.CharField(label=_("rectification evidence"), required=False, max_length=2000)
