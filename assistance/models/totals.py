"""Reported totals: the part of a published cumulative figure not recorded item by item."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assistance.models.partners import Partner, PartnerKind, Scheme


class ReportedTotal(models.Model):
    """The part of a published cumulative figure that is not recorded item by item.

    The summary adds these to the itemised rows. A row names its source, its scheme, the
    region it concerns, the years it covers and, for a group of partners, their kind.
    """

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_totals",
    )
    partner_kind = models.CharField(
        _("partner kind"), max_length=24, choices=PartnerKind.choices, blank=True
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="assistance_reported_totals",
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    funds = models.DecimalField(_("funds (yuan)"), default=0, max_digits=16, decimal_places=2)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    people_covered = models.PositiveIntegerField(_("people covered"), default=0)
    exchange_visitors = models.PositiveIntegerField(_("exchange visitors"), default=0)
    joint_meetings = models.PositiveIntegerField(_("joint meetings"), default=0)
    working_meetings = models.PositiveIntegerField(_("working meetings"), default=0)
    trainings = models.PositiveIntegerField(_("training sessions"), default=0)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    placed = models.PositiveIntegerField(_("people placed in jobs"), default=0)
    purchased = models.DecimalField(
        _("products bought (yuan)"), default=0, max_digits=16, decimal_places=2
    )
    sales_helped = models.DecimalField(
        _("sales helped (yuan)"), default=0, max_digits=16, decimal_places=2
    )
    seconded_cadres = models.PositiveIntegerField(_("seconded cadres"), default=0)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("reported total")
        verbose_name_plural = _("reported totals")
        ordering = ["scheme", "region", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="reported_total_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(funds__gte=0, purchased__gte=0, sales_helped__gte=0),
                name="reported_total_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.start_year}–{self.end_year}"
