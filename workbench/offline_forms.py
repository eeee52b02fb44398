"""The offline forms: the same Django forms as the online pages, rendered once without a
household so that the browser fills them from the offline pack. Same fields, same labels, same
names (the browser reads them back by name when it builds the record it queues)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.choices import Schooling, WorkStatus
from households.models import phone_validator
from inspections.forms import (
    ConsistencyForm,
    FiveLooksForm,
    MotivationForm,
    SurveyForm,
    VisitForm,
)
from inspections.models import FiveLooks, Problem, ProblemCategory


class OfflineVisitForm(VisitForm):
    """The visit's own fields; the token is made by the browser, the position is not asked for
    (the phone may have no fix without a network, and the online form keeps that choice)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "client_token",
            "share_position",
            "latitude",
            "longitude",
            "position_accuracy",
            "position_taken_at",
        ):
            del self.fields[name]


class HouseholdUpdateForm(forms.Form):
    """The small updates a visit brings: the phone number, a member's work status or schooling.
    A field left as it was in the pack is not sent."""

    prefix = "update"

    phone = forms.CharField(
        label=_("phone"), required=False, max_length=20, validators=[phone_validator]
    )
    member = forms.ChoiceField(label=_("member"), required=False, choices=[("", "—")])
    work_status = forms.ChoiceField(
        label=_("work status"), required=False, choices=[("", "—"), *WorkStatus.choices]
    )
    schooling = forms.ChoiceField(
        label=_("schooling status"), required=False, choices=[("", "—"), *Schooling.choices]
    )


class OfflineProblemForm(forms.ModelForm):
    """A problem reported from the field; the reporter is responsible until it is assigned."""

    prefix = "problem"

    class Meta:
        model = Problem
        fields = ["category", "description", "deadline"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {
                "category": ProblemCategory.FILL_GAPS,
                "deadline": timezone.localdate() + datetime.timedelta(days=30),
            }
        )
        super().__init__(*args, **kwargs)


def offline_forms() -> dict[str, Any]:
    looks = FiveLooksForm()
    return {
        "form": OfflineVisitForm(),
        "looks_rows": [
            {
                "name": name,
                "answer": looks[name],
                "note": looks[f"{name}_note"],
                "photos": looks[f"{name}_photos"],
            }
            for name in FiveLooks.LOOKS
        ],
        "check": ConsistencyForm(system={}),
        "survey": SurveyForm(),
        "motivation": MotivationForm(),
        "update": HouseholdUpdateForm(),
        "problem": OfflineProblemForm(),
    }
