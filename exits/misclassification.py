"""Misclassification (错退 / 错评 / 漏评): the households whose status the evidence contradicts,
each with its evidence, for a human decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from exits.assessment import assess_exit_many
from households.choices import Status
from households.models import AnnualIncome, Household, PovertyLine
from inspections.models import FiveLooks
from regions.scoping import scope_by_region, within_prefix


@dataclass(frozen=True)
class Suspect:
    kind: str  # wrong_exit 错退, wrongly_registered 错评, missed 漏评
    household: Household
    evidence: list[str]


STANDARD = frozenset({"income", "food", "clothing", "education", "medical", "housing", "water"})
ASSESSED_KINDS = {
    Status.EXITED: "wrong_exit",
    Status.EXITED_NO_POLICY: "wrong_exit",
    Status.EDGE: "missed",
}


def misclassification_suspects(
    *, user: Any, year: int, on: datetime.date | None = None, within: str = ""
) -> list[Suspect]:
    """错退 / 错评 / 漏评 suspects of the user's jurisdiction (or of its part whose region codes
    start with ``within``), each with its evidence, in a fixed number of queries."""
    scoped = within_prefix(scope_by_region(Household.objects.all(), user), within).select_related(
        "region"
    )
    assessed = list(assessed_suspects(scoped, year=year, on=on))
    suspects = sorted(
        (s for s in assessed if s.kind == "wrong_exit"),
        key=lambda s: (s.household.region_id, s.household.household_no),
    )
    suspects.extend(_wrongly_registered(scoped))
    suspects.extend(
        sorted(
            (s for s in assessed if s.kind == "missed"),
            key=lambda s: (s.household.region_id, s.household.household_no),
        )
    )
    return suspects


def assessed_suspects(
    households: QuerySet[Household], *, year: int, on: datetime.date | None = None
) -> Iterator[Suspect]:
    """错退 (exited) and 漏评 (edge) suspects among ``households``: those failing one of the
    exit standard's criteria (``STANDARD``), assessed together (``assess_exit_many``)."""
    among = households.filter(status__in=list(ASSESSED_KINDS))
    for household, criteria in assess_exit_many(among, year, on=on):
        failing = [c for c in criteria if c.code in STANDARD and not c.passed]
        if failing:
            yield Suspect(
                ASSESSED_KINDS[Status(household.status)],
                household,
                [f"{c.label}：{c.evidence}" for c in failing],
            )


def _wrongly_registered(scoped: QuerySet[Household]) -> list[Suspect]:
    """Income at identification above twice the line, or a visit that found nothing lacking."""
    lines = {line.year: line.amount for line in PovertyLine.objects.filter(kind="national")}
    rich_at_identification = AnnualIncome.objects.filter(
        household=OuterRef("pk"), year=OuterRef("identification_year")
    )
    candidates = scoped.filter(status__in=[Status.REGISTERED, Status.RELAPSED]).annotate(
        has_income=Exists(rich_at_identification)
    )
    suspects = []
    incomes = {
        (row.household_id, row.year): row.per_capita_net_income
        for row in AnnualIncome.objects.filter(
            household__in=candidates.filter(has_income=True)
        ).only("household_id", "year", "per_capita_net_income")
    }
    all_adequate = FiveLooks.objects.filter(
        visit__household=OuterRef("pk"),
        furnishings=True,
        clothing=True,
        cupboard=True,
        bedding=True,
        pot=True,
    )
    well_off = set(candidates.filter(Exists(all_adequate)).values_list("pk", flat=True))
    for household in candidates.iterator(chunk_size=2000):
        evidence = []
        income = incomes.get((household.pk, household.identification_year))
        line = lines.get(household.identification_year)
        if income is not None and line is not None and income > 2 * Decimal(line):
            evidence.append(
                _(
                    "Per-capita income %(income)s at identification (%(year)s) is "
                    "above twice the line of %(line)s."
                )
                % {"income": income, "year": household.identification_year, "line": line}
            )
        if household.pk in well_off:
            evidence.append(_("A visit found every one of the five looks adequate."))
        if evidence:
            suspects.append(Suspect("wrongly_registered", household, evidence))
    return suspects
