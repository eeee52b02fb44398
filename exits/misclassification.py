"""Misclassification (错退 / 错评 / 漏评): the households whose status the evidence contradicts,
each with its evidence, for a human decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from exits.assessment import assess_exit_many
from exits.criteria import STANDARD, Outcome, standard_outcome
from households.choices import Status
from households.models import AnnualIncome, Household, PovertyLine
from inspections.models import FiveLooks
from regions.scoping import scope_by_region, within_prefix


@dataclass(frozen=True)
class Suspect:
    # wrong_exit 错退, missing_evidence 缺少佐证 (待核实), wrongly_registered 错评, missed 漏评
    kind: str
    household: Household
    evidence: list[str]


ASSESSED_KINDS = {
    Status.EXITED: "wrong_exit",
    Status.EXITED_NO_POLICY: "wrong_exit",
    Status.EDGE: "missed",
}


def misclassification_suspects(
    *, user: Any, year: int, on: datetime.date | None = None, within: str = ""
) -> list[Suspect]:
    """错退 / 缺少佐证 / 错评 / 漏评 suspects of the user's jurisdiction (or of its part whose
    region codes start with ``within``), each with its evidence, in a fixed number of queries.

    错退: a household exited by the end of ``year`` that the evidence shows failing the
    standard; 缺少佐证: one with no failure but a criterion without evidence in the window (to
    verify, not a wrong exit); 漏评: an edge household failing the standard."""
    scoped = within_prefix(scope_by_region(Household.objects.all(), user), within).select_related(
        "region"
    )
    # The exited are those exited by the end of ``year`` (as 错退率 counts them).
    exited_by = Q(status=Status.EDGE) | Q(exit_year__lte=year)
    assessed = list(assessed_suspects(scoped.filter(exited_by), year=year, on=on))

    def by_place(kind: str) -> list[Suspect]:
        return sorted(
            (s for s in assessed if s.kind == kind),
            key=lambda s: (s.household.region_id, s.household.household_no),
        )

    suspects = by_place("wrong_exit")
    suspects.extend(by_place("missing_evidence"))
    suspects.extend(wrongly_registered(scoped))
    suspects.extend(by_place("missed"))
    return suspects


def assessed_suspects(
    households: QuerySet[Household],
    *,
    year: int,
    on: datetime.date | None = None,
    streamed: bool = True,
) -> Iterator[Suspect]:
    """错退 and 缺少佐证 (exited) and 漏评 (edge) suspects among ``households``, assessed together
    (``assess_exit_many``): a failed criterion of the standard makes a 错退 or 漏评 suspect; an
    exited household with none failed but one missing is 缺少佐证. The evidence lists the
    failed criteria (or the missing ones). ``streamed=False`` for a page of households."""
    among = households.filter(status__in=list(ASSESSED_KINDS))
    for household, criteria in assess_exit_many(among, year, on=on, streamed=streamed):
        outcome = standard_outcome(criteria)
        kind = ASSESSED_KINDS[Status(household.status)]
        if outcome == Outcome.MISSING and kind == "wrong_exit":
            kind = "missing_evidence"
        elif outcome != Outcome.FAILED:
            continue
        yield Suspect(
            kind,
            household,
            [
                f"{c.label}：{c.evidence}"
                for c in criteria
                if c.code in STANDARD and c.outcome == outcome
            ],
        )


def wrongly_registered(scoped: QuerySet[Household]) -> list[Suspect]:
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
