"""The visit evidence of the demo register: one visit a year, 2014–2020, for every household.

Each visit has its 五个看, its 五个一致 and its 四个好, consistent with the register: the five
looks show want in the years a household is still poor and are adequate from its exit year on;
the five sources of 五个一致 agree with the register (the family size, and the per-capita income
recorded for the year before the visit, as the 系统录的 column of a real visit shows); of a
county's surveys of a year, 4% (rounded down) have one item 不满意 (``Quota``). A visit falls
between March and 20 December (2014: April to October), so the visit of a year is the only one
in the evidence window of that year (the 365 days up to 31 December); in the village of the demo
casework the visit of 2020 comes before the casework's visits (from late August).

A few households are deliberate exceptions (``Flaw``), chosen per county by
``demo.register``: a wrong exit (错退) whose evidence fails one criterion from its exit year on,
a household not visited in 2020 (缺少佐证), an edge household under the line (漏评).

Everything is written in bulk (``demo.bulk``: ``COPY`` on PostgreSQL), never through
``inspections.services``: the services' side effects (a problem per mismatch, the risk check,
the audit event) belong to real visits, and at full scale a visit at a time would take hours.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.bulk import insert, reserve_ids
from households.models import Household
from inspections.models import (
    ApprovalSurvey,
    CheckedField,
    ConsistencyCheck,
    ConsistencyItem,
    FiveLooks,
    Satisfaction,
    Visit,
    VisitKind,
)

FIRST_YEAR, LAST_YEAR = 2014, 2020
VISITOR = "register_visitor"  # the user the generated visits are recorded by (cannot log in)
# The share of a county's surveys of a year that do not approve (one item 不满意).
DISAPPROVING_SHARE = 0.04
BATCH = 5000
WANTING = ("cupboard", "pot", "clothing", "bedding")  # besides the furnishings, one of these
NOTES = {
    "furnishings": "家具陈旧简陋",
    "cupboard": "存粮不足",
    "pot": "饭菜单一，缺少油肉",
    "clothing": "衣着单薄",
    "bedding": "被褥破旧",
}


class Flaw:
    """What is deliberately wrong with a household ("" for nothing)."""

    INCOME = "income"  # 错退: per-capita income under the line from its exit year on
    HOUSING = "housing"  # 错退: a dangerous house (grade C or D)
    FOOD = "food"  # 错退: the cupboard found short on every visit from its exit year on
    MEDICAL = "medical"  # 错退: a member without basic medical insurance
    EDUCATION = "education"  # 错退: a child of compulsory age out of school
    UNVISITED = "unvisited"  # 缺少佐证: no visit in 2020 (the family away at work)
    MISSED = "missed"  # 漏评: an edge household under the line

    WRONG_EXIT = (INCOME, HOUSING, FOOD, MEDICAL, EDUCATION)


@dataclass
class Story:
    """One household of the register as the evidence needs it."""

    household: Household
    size: int
    flaw: str
    per_capita: dict[int, Decimal] = field(default_factory=dict)  # income by year
    casework: bool = False  # in the village of the demo casework (``demo.cases``)

    @property
    def poor_until(self) -> int:
        """The last year the household was poor (the year before its exit; edge: none)."""
        exit_year = self.household.exit_year
        return FIRST_YEAR - 1 if exit_year is None else exit_year - 1


def visitor() -> Any:
    """The user of the generated visits: no password, not active (the 帮扶责任人 of each
    household is named on the household, ``cadre_name``)."""
    user, created = get_user_model().objects.get_or_create(
        username=VISITOR, defaults={"first_name": "帮扶责任人（演示登记）", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _date(rng: random.Random, story: Story, year: int) -> datetime.date:
    """A day of ``year``: April to October in 2014 (精准识别), else March to 20 December — in
    the casework's village in 2020, before the casework (from late August)."""
    if year == FIRST_YEAR:
        start, end = datetime.date(year, 4, 1), datetime.date(year, 10, 31)
    elif year == LAST_YEAR and story.casework:
        start, end = datetime.date(year, 3, 1), datetime.date(year, 8, 15)
    else:
        start, end = datetime.date(year, 3, 1), datetime.date(year, 12, 20)
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _kind_and_note(story: Story, year: int) -> tuple[str, str]:
    household = story.household
    if household.exit_year is None:
        return VisitKind.ROUTINE, "非建档立卡户入户排查"
    if year == FIRST_YEAR:
        return VisitKind.ROUTINE, f"精准识别入户（帮扶责任人 {household.cadre_name}）"
    if year == household.exit_year:
        return VisitKind.VERIFICATION, "脱贫退出入户核实"
    if year < household.exit_year:
        return VisitKind.ROUTINE, f"帮扶走访（帮扶责任人 {household.cadre_name}）"
    return VisitKind.ROUTINE, "脱贫后跟踪回访（四个不摘）"


def _looks(rng: random.Random, story: Story, year: int) -> dict[str, tuple[bool, str]]:
    """Each look: adequate or not, with its note."""
    wanting: set[str] = set()
    if year <= story.poor_until:  # still poor: want shows in the house
        wanting = {"furnishings", rng.choice(WANTING)}
    elif story.flaw == Flaw.FOOD:
        wanting = {"cupboard"}
    return {
        look: (False, NOTES[look]) if look in wanting else (True, "") for look in FiveLooks.LOOKS
    }


class Quota:
    """Which surveys disapprove: of the ``n`` surveys of a county in a year, ⌊n × share⌋ — spread
    evenly, so the county's 认可度 is at least ``1 - share`` at every scale."""

    def __init__(self, share: float = DISAPPROVING_SHARE) -> None:
        self.share = share
        self.seen: dict[tuple[str, int], int] = {}

    def disapproves(self, county: str, year: int) -> bool:
        n = self.seen.get((county, year), 0)
        self.seen[(county, year)] = n + 1
        return int((n + 1) * self.share) > int(n * self.share)


def _survey(rng: random.Random, disapproves: bool) -> dict[str, str]:
    answers: dict[str, str] = {
        item: Satisfaction.SATISFIED if rng.random() < 0.8 else Satisfaction.BASICALLY
        for item in ApprovalSurvey.ITEMS
    }
    if disapproves:
        answers[rng.choice(ApprovalSurvey.ITEMS)] = Satisfaction.DISSATISFIED
    return answers


def _items(story: Story, year: int) -> dict[str, str]:
    """The checked items, each agreed by the five sources: the family size, and the per-capita
    income of the year before (the latest recorded at the visit; none before the first year)."""
    checked = {CheckedField.FAMILY_SIZE.value: str(story.size)}
    income = story.per_capita.get(year - 1)
    if income is not None:
        checked[CheckedField.PER_CAPITA_INCOME.value] = str(income)
    return checked


VISIT_FIELDS = ("id", "household", "visitor", "date", "kind", "note", "location", "client_token")
LOOKS_FIELDS = ("visit", *(f for look in FiveLooks.LOOKS for f in (look, f"{look}_note")))
SURVEY_FIELDS = ("visit", *ApprovalSurvey.ITEMS)
ITEM_FIELDS = ("consistency", "field", "wall", "bag", "spoken", "system", "observed", "mismatch")


def write_evidence(
    rng: random.Random, by: Any, stories: Sequence[Story], quota: Quota
) -> dict[str, int]:
    """The visits of ``stories`` (households already saved) with their sections, recorded by
    the user ``by``."""
    plans = [
        (story, year)
        for story in stories
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        if not (year == LAST_YEAR and story.flaw == Flaw.UNVISITED)
    ]
    visit_ids = reserve_ids(Visit, len(plans))
    check_ids = reserve_ids(ConsistencyCheck, len(plans))
    now = timezone.now()
    visits, looks, surveys, items = [], [], [], []
    for visit_id, check_id, (story, year) in zip(visit_ids, check_ids, plans, strict=True):
        household = story.household
        kind, note = _kind_and_note(story, year)
        token = uuid.UUID(int=rng.getrandbits(128), version=4)
        visits.append(
            (visit_id, household.pk, by.pk, _date(rng, story, year), kind, note, "", token, now)
        )
        looked = _looks(rng, story, year)
        looks.append((visit_id, *(v for look in FiveLooks.LOOKS for v in looked[look])))
        answers = _survey(rng, quota.disapproves(household.region_id[:6], year))
        surveys.append((visit_id, *(answers[item] for item in ApprovalSurvey.ITEMS)))
        for name, value in _items(story, year).items():
            items.append((check_id, name, value, value, value, value, value, False))
    insert(Visit, (*VISIT_FIELDS, "created"), visits)
    insert(FiveLooks, LOOKS_FIELDS, looks)
    insert(ApprovalSurvey, SURVEY_FIELDS, surveys)
    insert(ConsistencyCheck, ("id", "visit"), zip(check_ids, visit_ids, strict=True))
    insert(ConsistencyItem, ITEM_FIELDS, items)
    return {"visits": len(visits), "surveys": len(surveys), "consistency_items": len(items)}
