"""The visit form: one phone page whose sections may each be skipped."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.choices import Cause, PovertyAttribute, Status
from inspections.models import (
    CHECKED_UNITS,
    SOURCES,
    ApprovalSurvey,
    CheckedField,
    FiveLooks,
    MotivationAssessment,
    Problem,
    ProblemCategory,
    ProblemSource,
    Satisfaction,
    Visit,
    with_unit,
)
from tongren_fupin.photos import PhotosField

FIELD_SOURCES = tuple(s for s in SOURCES if s != "system")  # the four the visitor checks
# The input of each checked item is the register's: a choice list for coded items, a number
# for numbers, text for a name.
CODED_ITEMS: dict[str, Any] = {
    CheckedField.POVERTY_ATTRIBUTE: PovertyAttribute,
    CheckedField.STATUS: Status,
    CheckedField.MAIN_CAUSE: Cause,
}
COUNT_ITEMS = {CheckedField.FAMILY_SIZE, CheckedField.MEASURES}
MONEY_ITEMS = {CheckedField.PER_CAPITA_INCOME}
# What a count is counted in: the register keeps the number of measures, which a cadre read as
# a code (“系统录的：1”) until the page said so.
CHECK_HINTS: dict[str, Any] = {
    CheckedField.FAMILY_SIZE: _("Check the number of people in the household."),
    CheckedField.MEASURES: _(
        "Check the number of assistance measures: count how many each source lists and fill "
        "in that number, not their names."
    ),
}


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


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class SectionForm(forms.Form):
    """A section that is skipped when nothing in it is filled, and complete otherwise."""

    required_when_used: tuple[str, ...] = ()

    def values(self) -> dict[str, Any] | None:
        data = {k: v for k, v in self.cleaned_data.items() if not _empty(v)}
        return data or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A photo field with no file cleans to an empty list: an empty section stays skipped.
        if any(not _empty(data.get(name)) for name in data):
            for name in self.required_when_used:
                if _empty(data.get(name)):
                    self.add_error(name, _("Fill in every item of this section, or none."))
        return data


class VisitForm(forms.ModelForm):
    client_token = forms.UUIDField(widget=forms.HiddenInput)
    photos = PhotosField(label=_("photos of the visit"))
    share_position = forms.BooleanField(
        label=_("Record where I am (the phone's position) with this visit"), required=False
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "kind",
            "note",
            "latitude",
            "longitude",
            "position_accuracy",
            "position_taken_at",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
            "position_accuracy": forms.HiddenInput,
            "position_taken_at": forms.HiddenInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {"client_token": uuid.uuid4(), "date": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)
        self.fields["share_position"].widget.attrs.update(
            {
                "data-asking": _("Asking the phone for its position…"),
                "data-taken": _("Position taken"),
                "data-refused": _("The position was not given; the visit is saved without it."),
                "data-unavailable": _("This phone cannot give its position."),
            }
        )

    def visit_data(self) -> dict[str, Any]:
        """The visit's fields; the position only when the visitor allowed it."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in {"client_token", "photos", "share_position"}
        }
        if not self.cleaned_data.get("share_position") or data.get("latitude") is None:
            for name in ("latitude", "longitude", "position_accuracy", "position_taken_at"):
                data.pop(name, None)
        return data


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
            self.fields[f"{name}_photos"] = PhotosField(
                label=_("photos of “%(look)s”") % {"look": _label(FiveLooks, name)}
            )

    def values(self) -> dict[str, Any] | None:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if v not in (None, "") and not k.endswith("_photos")
        }
        return data or None

    def photos(self) -> dict[str, list[Any]]:
        """The photos of each look that has some."""
        return {
            name: self.cleaned_data[f"{name}_photos"]
            for name in FiveLooks.LOOKS
            if self.cleaned_data.get(f"{name}_photos")
        }

    def answered(self) -> int:
        return sum(
            self.data.get(self.add_prefix(name)) in {"yes", "no"} for name in FiveLooks.LOOKS
        )


class ConsistencyForm(SectionForm):
    """五个一致 in a few taps: per item the register's value (系统录的) is shown; each of the four
    sources is one tap for “一致”, and only a differing source asks for its value, in the input
    of the register (a choice list for coded items, a number for numbers). “全部一致” settles a
    whole item in one tap. What is stored is what each source said, so the mismatch rule
    (``ConsistencyItem.disagrees``) is unchanged."""

    prefix = "check"
    SAME, DIFFERS = "same", "differs"

    def __init__(
        self,
        *args: Any,
        system: dict[str, str],
        details: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.system = system
        self.details = details or {}  # what a count is made of (the measures' names)
        for field in CheckedField:
            self.fields[f"{field.value}__all"] = forms.BooleanField(
                label=_("all consistent"), required=False
            )
            for source in FIELD_SOURCES:
                label = f"{field.label} · {_source_label(source)}"
                self.fields[f"{field.value}__{source}__state"] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[(self.SAME, _("consistent")), (self.DIFFERS, _("differs"))],
                    widget=forms.RadioSelect,
                )
                self.fields[f"{field.value}__{source}"] = _value_field(field, label)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "field": field,
                "system": self.system.get(field.value, ""),
                "shown": with_unit(field.value, self.system.get(field.value, "")),
                "unit": CHECKED_UNITS.get(field.value, ""),
                "hint": CHECK_HINTS.get(field.value, ""),
                "detail": self.details.get(field.value, ""),
                "all": self[f"{field.value}__all"],
                "sources": [
                    {
                        "label": _source_label(s),
                        "state": self[f"{field.value}__{s}__state"],
                        "value": self[f"{field.value}__{s}"],
                    }
                    for s in FIELD_SOURCES
                ],
            }
            for field in CheckedField
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field in CheckedField.values:
            if data.get(f"{field}__all"):
                continue
            for source in FIELD_SOURCES:
                differs = data.get(f"{field}__{source}__state") == self.DIFFERS
                if differs and data.get(f"{field}__{source}") in (None, ""):
                    self.add_error(
                        f"{field}__{source}",
                        _("Fill in what this source says, or tap “consistent”."),
                    )
        return data

    def _said(self, field: str, source: str) -> str:
        if self.cleaned_data.get(f"{field}__all"):
            return self.system.get(field, "")
        state = self.cleaned_data.get(f"{field}__{source}__state")
        if state == self.SAME:
            return self.system.get(field, "")
        return _as_text(field, self.cleaned_data.get(f"{field}__{source}"))

    def values(self) -> dict[str, dict[str, str]] | None:
        result: dict[str, dict[str, str]] = {}
        for field in CheckedField.values:
            given = {s: self._said(field, s) for s in FIELD_SOURCES}
            if any(v.strip() for v in given.values()):
                result[field] = given
        return result or None

    def answered(self) -> int:
        """Items with something said (for the progress line)."""
        data = self.data

        def said(field: str) -> bool:
            names = [f"{field}__all"] + [
                f"{field}__{s}{tail}" for s in FIELD_SOURCES for tail in ("__state", "")
            ]
            return any(data.get(self.add_prefix(n)) for n in names)

        return sum(said(field) for field in CheckedField.values)


def measure_names(measures: Iterable[Any]) -> str:
    """The register's measures by name, for the 帮扶措施 row: ``产业扶持：种猪（2018）；…``."""
    names = []
    for measure in measures:
        kind = str(measure.get_kind_display())
        text = measure.description.strip()
        name = kind if not text or text == kind else f"{kind}：{text}"
        names.append(f"{name}（{measure.year}）")
    return "；".join(names)


def _value_field(field: CheckedField, label: str) -> forms.Field:
    if field in CODED_ITEMS:
        labels = [str(choice.label) for choice in CODED_ITEMS[field]]
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *[(x, x) for x in labels]]
        )
    if field in COUNT_ITEMS:
        return forms.IntegerField(label=label, required=False, min_value=0, max_value=999)
    if field in MONEY_ITEMS:
        return forms.DecimalField(
            label=label, required=False, min_value=0, max_digits=12, decimal_places=2
        )
    return forms.CharField(label=label, required=False, max_length=100)


def _as_text(field: str, value: Any) -> str:
    """A source's value written as the register writes it (so 5200 and 5200.00 agree)."""
    if value in (None, ""):
        return ""
    if field in MONEY_ITEMS:
        try:
            return str(Decimal(value).quantize(Decimal("0.01")))
        except InvalidOperation:
            return str(value)
    return str(value).strip()


def _source_label(source: str) -> str:
    from inspections.models import ConsistencyItem

    return str(getattr(ConsistencyItem._meta.get_field(source), "verbose_name", source))


class SurveyForm(SectionForm):
    prefix = "survey"
    required_when_used = ApprovalSurvey.ITEMS

    def answered(self) -> int:
        return sum(bool(self.data.get(self.add_prefix(n))) for n in ApprovalSurvey.ITEMS)

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

    def answered(self) -> int:
        return sum(bool(self.data.get(self.add_prefix(n))) for n in MotivationAssessment.ITEMS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MotivationAssessment.ITEMS:
            self.fields[name] = _yes_no(_label(MotivationAssessment, name))


class ProblemActionForm(forms.Form):
    """A button of the problem list: 整改 sends its evidence (and its photos), the others
    nothing."""

    evidence = forms.CharField(label=_("rectification evidence"), required=False, max_length=2000)
    photos = PhotosField(label=_("photos of the rectification"))
    # Where to go back to: the list (its buttons) or the problem's own page.
    back = forms.ChoiceField(required=False, choices=[("", ""), ("detail", "detail")])


class ResponsibleChoiceField(forms.ModelChoiceField):
    """A person shown by name (and role), never by login."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        assignment = getattr(obj, "assignment", None)
        return f"{name}（{assignment.get_role_display()}）" if assignment else name


class ProblemReportForm(forms.ModelForm):
    """A problem reported by hand, from the household page or from a visit."""

    responsible = ResponsibleChoiceField(
        label=_("responsible person"), queryset=Problem.objects.none()
    )
    photos = PhotosField()

    class Meta:
        model = Problem
        fields = ["category", "description", "deadline", "responsible"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, people: Any, actor: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {
                "deadline": timezone.localdate() + datetime.timedelta(days=30),
                "responsible": actor.pk,
                "category": ProblemCategory.FILL_GAPS,
            }
        )
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]

    def problem_data(self, *, from_visit: bool) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "photos"}
        return {**data, "source": ProblemSource.VISIT if from_visit else ProblemSource.BY_HAND}
