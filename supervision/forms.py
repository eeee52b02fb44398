"""Page forms of the supervision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import ReportKind
from supervision.periods import Period, parse_period
from tongren_fupin.errors import DomainError


class ReportRequestForm(forms.Form):
    """Ask for the bulletin of a past month or the analysis of a past quarter."""

    kind = forms.ChoiceField(
        label=_("Report"),
        choices=[
            (ReportKind.ANALYSIS, ReportKind.ANALYSIS.label),
            (ReportKind.BULLETIN, ReportKind.BULLETIN.label),
        ],
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A quarter for the analysis (2020-Q4), a month for the bulletin (2020-12)."),
    )


class SnapshotsRequestForm(forms.Form):
    """Ask for the missing figures of a readiness page to be computed (a job)."""

    period = forms.CharField(label=_("Period"), max_length=7)

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
