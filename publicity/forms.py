"""The action form of an owner's page (the exit application, the monitoring case).

One form per page, bound to the POST of any of its buttons: ``action`` names the button and the
other fields are those its form sends. A malformed date is an error on its field, never today.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tongren_fupin.bounds import PUBLICITY_DAYS_MAX

OBJECTION_ACTIONS = ("objection", "decide")


class OwnerActionForm(forms.Form):
    """The fields every owner page shares; subclasses name their actions in ``ACTIONS``."""

    ACTIONS: ClassVar[tuple[str, ...]] = OBJECTION_ACTIONS

    action = forms.ChoiceField(label=gettext_lazy("action"), choices=())
    on = forms.DateField(label=gettext_lazy("date"), required=False)
    start = forms.DateField(label=gettext_lazy("publicity start"), required=False)
    days = forms.IntegerField(
        label=gettext_lazy("publicity days"),
        required=False,
        min_value=1,
        max_value=PUBLICITY_DAYS_MAX,
    )
    content = forms.CharField(label=gettext_lazy("objection"), required=False, max_length=2000)
    objection = forms.CharField(label=gettext_lazy("objection"), required=False, max_length=20)
    upheld = forms.ChoiceField(
        label=gettext_lazy("decision"),
        choices=[("yes", gettext_lazy("upheld")), ("no", gettext_lazy("not upheld"))],
        required=False,
    )
    resolution = forms.CharField(label=gettext_lazy("resolution"), required=False, max_length=500)
    reason = forms.CharField(label=gettext_lazy("reason"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, a) for a in self.ACTIONS]  # type: ignore[attr-defined]

    def day(self, name: str = "on") -> datetime.date:
        """The date sent in ``name``; today when the field was left empty."""
        value = self.cleaned_data.get(name)
        return value if isinstance(value, datetime.date) else timezone.localdate()
