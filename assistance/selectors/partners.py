"""Scoped reads of partners, pairings and agreements, and the 9+2 view of the helpers.

Partners are reference data every reader sees; their pairings and agreements are scoped to the
Tongren region they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from assistance.models import (
    Agreement,
    Institution,
    Pairing,
    Partner,
    Project,
    ReportedTotal,
    Scheme,
)
from assistance.selectors.projects import project_list
from regions.scoping import jurisdiction_prefix, scope_by_region


def partner_list(*, user: Any, scheme: str = "", kind: str = "") -> QuerySet[Partner]:
    """Every partner for a user with a jurisdiction; ``scheme`` keeps those with a pairing,
    project or reported total of that scheme."""
    if jurisdiction_prefix(user) is None:
        return Partner.objects.none()
    partners = Partner.objects.all()
    if kind:
        partners = partners.filter(kind=kind)
    if scheme:
        partners = partners.filter(
            Q(pk__in=Pairing.objects.filter(scheme=scheme).values("partner"))
            | Q(pk__in=Project.objects.filter(scheme=scheme).values("partner"))
            | Q(pk__in=ReportedTotal.objects.filter(scheme=scheme).values("partner"))
        )
    return partners.select_related("home_region").order_by("kind", "name")


def partner_get(*, user: Any, pk: Any) -> Partner:
    try:
        return partner_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Partner.DoesNotExist):
        raise Http404 from None


def institutions_recorded() -> bool:
    """Whether any school or hospital (the target of an institution pairing) is recorded."""
    return Institution.objects.exists()


def pairing_list(
    *, user: Any, scheme: str = "", level: str = "", partner: Partner | None = None
) -> QuerySet[Pairing]:
    pairings = scope_by_region(Pairing.objects.all(), user)
    if scheme:
        pairings = pairings.filter(scheme=scheme)
    if level:
        pairings = pairings.filter(level=level)
    if partner is not None:
        pairings = pairings.filter(partner=partner)
    return pairings.select_related("partner", "region", "institution", "agreement").order_by(
        "scheme", "level", "region_id", "id"
    )


def pairing_get(*, user: Any, pk: Any) -> Pairing:
    try:
        return pairing_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Pairing.DoesNotExist):
        raise Http404 from None


def agreement_list(*, user: Any, scheme: str = "") -> QuerySet[Agreement]:
    agreements = scope_by_region(Agreement.objects.all(), user)
    if scheme:
        agreements = agreements.filter(scheme=scheme)
    return agreements.select_related("partner", "region").order_by("region_id", "partner__name")


# --- the 9+2 view ----------------------------------------------------------------------------


@dataclass
class Helper:
    """One 9+2 helper county or zone with its pairing, agreements and project list."""

    partner: Partner
    pairings: list[Pairing] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


def nine_plus_two_helpers(*, user: Any) -> list[Helper]:
    """The helpers of the 9+2 action touching the jurisdiction, in three queries."""
    helpers: dict[int, Helper] = {}
    scheme = Scheme.NINE_PLUS_TWO
    for pairing in pairing_list(user=user, scheme=scheme):
        if pairing.partner is not None:
            helpers.setdefault(pairing.partner.pk, Helper(pairing.partner)).pairings.append(pairing)
    for agreement in agreement_list(user=user, scheme=scheme):
        helpers.setdefault(agreement.partner.pk, Helper(agreement.partner)).agreements.append(
            agreement
        )
    for project in project_list(user=user, scheme=scheme).order_by("partner__name", "name"):
        if project.partner is not None:
            helpers.setdefault(project.partner.pk, Helper(project.partner)).projects.append(project)
    # Counties in code order, then the zones.
    return sorted(
        helpers.values(),
        key=lambda h: (h.partner.kind, h.partner.home_region_id or "", h.partner.name),
    )
