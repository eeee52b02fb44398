"""Public notices (公示, 公告): what a notice may say, who issues it, and its page and PDF.

A notice is posted where anyone can read it, so it carries a household's head name, size and
place, and never an ID number, a phone number, a bank account or a health detail:
``notice_household`` reads the head's name and the number of members and nothing else, and
``NoticeHousehold`` has no field that could carry more. Each workflow's selector builds its
``PublicNotice`` (``exits.selectors``, ``monitoring.selectors``); its template extends
``publicity/notice_base.html`` (A4, the title block, the period, the way to object, the seal).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from households.choices import Relation
from households.models import Household, Member
from regions.models import Region
from tongren_fupin.pdf import pdf_response


@dataclass(frozen=True)
class NoticeHousehold:
    """Everything a public notice may say of a household."""

    head_name: str
    size: int
    household_no: str
    village: str
    township: str
    county: str


@dataclass(frozen=True)
class PublicNotice:
    title: str
    issuing_unit: str
    issued_on: datetime.date
    household: NoticeHousehold
    # The publicity period: from ``period_start``, ``period_days`` days (the last one included).
    period_start: datetime.date
    period_days: int
    # Where and how an objection is raised.
    objection_place: str
    objection_ways: str

    @property
    def period_last(self) -> datetime.date:
        return self.period_start + datetime.timedelta(days=self.period_days - 1)


def notice_household(household: Household) -> NoticeHousehold:
    """The head's name and the household size (two queries); no other member field is read."""
    members = Member.objects.filter(household=household)
    head = members.filter(relation=Relation.HEAD).values_list("name", flat=True).first()
    village = household.region
    township = village.parent
    county = township.parent if township else None
    return NoticeHousehold(
        head_name=head or "",
        size=members.count(),
        household_no=household.household_no,
        village=village.name,
        township=township.name if township else "",
        county=county.name if county else "",
    )


def village_committee(village: Region) -> str:
    """村民委员会, or 居民委员会 for a community (village codes 001–199, GB/T 10114)."""
    if int(village.code[9:12]) < 200:
        return _("%(village)s residents' committee") % {"village": village.name}
    return _("%(village)s villagers' committee") % {"village": village.name}


def township_government(township: Region) -> str:
    """镇/乡人民政府, or the 街道办事处 of a subdistrict (township codes 001–099)."""
    if int(township.code[6:9]) < 100:
        return _("%(township)s subdistrict office") % {"township": township.name}
    return _("%(township)s people's government") % {"township": township.name}


def village_objection_place(village: Region) -> str:
    """Who takes an objection to a village publicity: the village committee or the township
    (the roles that record objections, ``EXIT_OBJECTION_ROLES``)."""
    committee = village_committee(village)
    if village.parent is None:
        return committee
    return _("%(committee)s or %(government)s") % {
        "committee": committee,
        "government": township_government(village.parent),
    }


def objection_ways() -> str:
    return _("in person or in writing")


def notice_response(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    as_pdf: bool,
    filename: str,
) -> HttpResponse:
    """The notice as its page, or as the same page in a PDF (A4) to download."""
    if as_pdf:
        return pdf_response(request, template, context, filename=filename)
    return render(request, template, context)
