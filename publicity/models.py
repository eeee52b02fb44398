"""The abstract objection of a publicity; the exit and the monitoring workflows each subclass it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicityObjectionBase(models.Model):
    """An objection raised during a publicity (公示), and its decision: the fields every
    procedure with a publicity shares (exit, monitoring's risk clearance). A subclass adds the
    foreign key to its owner; ``publicity.services`` records and decides it."""

    received_on = models.DateField(_("received on"))
    content = models.TextField(_("objection"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.content[:30]
