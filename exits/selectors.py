"""Scoped reads of the exit procedure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from exits.misclassification import misclassification_suspects
from exits.models import ExitApplication, ExitState
from publicity.notices import (
    PublicNotice,
    notice_household,
    objection_ways,
    village_committee,
    village_objection_place,
)
from regions.scoping import scope_by_region

__all__ = [
    "ExitNotice",
    "announcement_notice",
    "exit_application_get",
    "exit_application_list",
    "misclassification_suspects",
    "publicity_notice",
]


def exit_application_list(*, user: Any, state: str = "") -> QuerySet[Any]:
    applications = scope_by_region(ExitApplication.objects.all(), user, field="household__region")
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("household", "household__region", "created_by").order_by(
        "-created"
    )


def exit_application_get(*, user: Any, pk: Any) -> Any:
    try:
        return exit_application_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ExitApplication.DoesNotExist):
        raise Http404 from None


@dataclass(frozen=True)
class ExitNotice(PublicNotice):
    exit_year: int


def publicity_notice(application: ExitApplication) -> ExitNotice | None:
    """The village publicity (村内公示) of an application, issued by the village committee:
    from the start of its publicity on (an upheld objection ends it), never for a rejected one."""
    if application.publicity_start is None or application.state == ExitState.REJECTED:
        return None
    household = application.household
    village = household.region
    facts = notice_household(household)
    return ExitNotice(
        title=_("%(place)s: publicity of the households proposed to exit poverty in %(year)s")
        % {"place": f"{facts.township}{facts.village}", "year": application.year},
        issuing_unit=village_committee(village),
        issued_on=application.publicity_start,
        household=facts,
        period_start=application.publicity_start,
        period_days=application.publicity_days,
        objection_place=village_objection_place(village),
        objection_ways=objection_ways(),
        exit_year=application.year,
    )


def announcement_notice(application: ExitApplication) -> ExitNotice | None:
    """The announcement (公告退出) of an approved exit, issued by the county on the day of its
    approval; its period is the village publicity it followed."""
    if application.state != ExitState.APPROVED or application.publicity_start is None:
        return None
    approved_on = (
        application.steps.filter(state=ExitState.APPROVED)
        .order_by("-created", "-id")
        .values_list("on", flat=True)
        .first()
    )
    facts = notice_household(application.household)
    return ExitNotice(
        title=_("%(county)s: announcement of the households that exited poverty in %(year)s")
        % {"county": facts.county, "year": application.year},
        issuing_unit=_("%(county)s poverty alleviation and development leading group")
        % {"county": facts.county},
        issued_on=approved_on or application.updated.date(),
        household=facts,
        period_start=application.publicity_start,
        period_days=application.publicity_days,
        objection_place=_("the office of the %(county)s poverty alleviation leading group")
        % {"county": facts.county},
        objection_ways=objection_ways(),
        exit_year=application.year,
    )
