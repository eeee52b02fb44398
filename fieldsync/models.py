"""Offline field work: each record a phone sends once synced (``SyncRecord``, its token the
idempotency key) and each field changed on both sides meanwhile (``FieldConflict``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SyncKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    HOUSEHOLD_UPDATE = "household_update", _("Household update")
    PROBLEM = "problem", _("Problem reported")


class SyncStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPLIED_WITH_CONFLICTS = "applied_with_conflicts", _("Applied, with conflicts")


class SyncRecord(models.Model):
    """A record made on a phone, applied once: a resend of the same token answers ``result``
    again and changes nothing. A refused record is not stored (the phone may correct it and
    send the same token again)."""

    client_token = models.UUIDField(_("client token"), unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKind.choices)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="sync_records",
    )
    recorded_at = models.DateTimeField(_("recorded on the phone at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    payload = models.JSONField(_("record as sent"), default=dict)
    status = models.CharField(_("status"), max_length=24, choices=SyncStatus.choices)
    result = models.JSONField(_("answer"), default=dict)
    visit = models.ForeignKey(
        "inspections.Visit",
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    problem = models.ForeignKey(
        "inspections.Problem",
        verbose_name=_("problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("synced record")
        verbose_name_plural = _("synced records")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["visit"], name="sync_record_visit")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.client_token}"


class ConflictTarget(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    MEMBER = "member", _("Member")


class ConflictState(models.TextChoices):
    OPEN = "open", pgettext_lazy("data conflict", "Open")
    RESOLVED = "resolved", pgettext_lazy("data conflict", "Resolved")


class Resolution(models.TextChoices):
    SERVER = "server", _("Keep the register's value")
    OFFLINE = "offline", _("Take the value recorded offline")
    OTHER = "other", _("Another value")


class FieldConflictQuerySet(models.QuerySet):
    def open(self) -> FieldConflictQuerySet:
        return self.filter(state=ConflictState.OPEN)


class FieldConflict(models.Model):
    """One field changed on the phone (from ``base_value`` to ``offline_value``) while the
    register moved from ``base_value`` to ``server_value``: nothing is overwritten until a
    reviewer chooses the value that stands."""

    sync_record = models.ForeignKey(
        SyncRecord,
        verbose_name=_("synced record"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="field_conflicts",
    )
    target = models.CharField(_("record"), max_length=10, choices=ConflictTarget.choices)
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    member_name = models.CharField(_("member"), max_length=50, blank=True)
    field = models.CharField(_("field"), max_length=40)
    base_value = models.JSONField(_("value before"), null=True, blank=True)
    server_value = models.JSONField(_("value in the register"), null=True, blank=True)
    server_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed in the register by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    server_changed_at = models.DateTimeField(_("changed in the register at"), null=True, blank=True)
    offline_value = models.JSONField(_("value recorded offline"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded offline by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded offline at"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolved_value = models.JSONField(_("value chosen"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = FieldConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("data conflict")
        verbose_name_plural = _("data conflicts")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["state", "household"], name="conflict_state_household"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open", resolved_by__isnull=True, resolution="")
                | models.Q(state="resolved", resolved_by__isnull=False) & ~models.Q(resolution=""),
                name="conflict_resolved_by_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(target="household") | ~models.Q(member_name=""),
                name="conflict_member_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.field}"
