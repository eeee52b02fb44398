"""Every write to the register. Each runs in one transaction and appends an audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from households.choices import STATUS_TRANSITIONS, Relation, Status
from households.models import AnnualIncome, AssistanceMeasure, Household, Member, PovertyLine
from regions.roles import CAPTURE_ROLES, STATUS_ROLES, require_role
from regions.scoping import in_jurisdiction
from tongren_fupin import outbox
from tongren_fupin.errors import DomainError

HOUSEHOLD_FIELDS = [
    "household_no",
    "region",
    "poverty_attribute",
    "identification_standard",
    "identification_year",
    "status",
    "exit_year",
    "relapse_year",
    "relapse_cause",
    "main_cause",
    "other_causes",
    "housing_grade",
    "housing_area",
    "water_safe",
    "electricity",
    "road_type",
    "toilet",
    "fuel",
    "phone",
    "responsible_cadre",
    "cadre_name",
    "cadre_unit",
    "cadre_post",
    "cadre_phone",
    "is_relocated",
]
# Fields a household edit may change; status, exit and relapse change only through their services.
HOUSEHOLD_EDITABLE = [
    f
    for f in HOUSEHOLD_FIELDS
    if f not in {"household_no", "status", "exit_year", "relapse_year", "relapse_cause"}
]
MEMBER_FIELDS = [
    "name",
    "id_number",
    "relation",
    "ethnicity",
    "political_status",
    "education",
    "schooling",
    "health",
    "labour_ability",
    "work_status",
    "work_months",
    "basic_medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "dibao",
    "is_active_military",
]
MEMBER_EDITABLE = [f for f in MEMBER_FIELDS if f != "relation"]


def _check_capture(actor: Any, region_code: str, roles: frozenset[str] = CAPTURE_ROLES) -> None:
    """A capture role, else the refusal; a village outside the jurisdiction is a field error."""
    require_role(actor, roles)
    if not in_jurisdiction(actor, region_code):
        raise ValidationError({"region": _("This village is outside your jurisdiction.")})


def _lock(household: Household, expected_version: int | None) -> Household:
    """The household row, locked; refuses a change made on a stale copy."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if expected_version is None or int(expected_version) != locked.version:
        raise DomainError(
            "stale_version",
            _("This household was changed by someone else. Please reload and try again."),
            status=409,
            errors={"version": [_("The data you edited is out of date.")]},
        )
    return locked


def _bump(household: Household) -> None:
    """Every change of an existing household: a new version, and its risk check once committed
    (through the outbox, so the change is saved even when the broker is down)."""
    Household.objects.filter(pk=household.pk).update(
        version=F("version") + 1, updated=timezone.now()
    )
    household.version += 1
    outbox.enqueue("households.check_risks", household.pk)


def _check_id_unique(member: Member) -> None:
    """The message never says where the number is registered (it may be another county)."""
    if Member.objects.filter(id_number=member.id_number).exclude(pk=member.pk).exists():
        raise ValidationError(
            {"id_number": _("This ID number is already registered in another household.")}
        )


def _save_member(member: Member) -> None:
    member.full_clean(validate_unique=False, validate_constraints=False)
    _check_id_unique(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        if "id_number" in str(error) or "member_id_number" in str(error):
            raise ValidationError(
                {"id_number": _("This ID number is already registered in another household.")}
            ) from error
        raise


def _apply(obj: Any, data: Mapping[str, Any], allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.is_relation and value is not None and not hasattr(value, "_meta"):
            name = field.attname  # a key given as its value, e.g. a region code
        setattr(obj, name, value)


@transaction.atomic
def household_register(
    *, actor: Any, data: Mapping[str, Any], head: Mapping[str, Any]
) -> Household:
    """A new registered household with its head (户主)."""
    household = Household(status=Status.REGISTERED)
    _apply(household, data, [*HOUSEHOLD_EDITABLE, "household_no"])
    _check_capture(actor, household.region_id or "")
    household.full_clean()
    household.save()
    member = Member(household=household, relation=Relation.HEAD)
    _apply(member, head, MEMBER_EDITABLE)
    try:
        _save_member(member)
    except ValidationError as error:
        raise ValidationError(
            {f"head_{key}": value for key, value in error.message_dict.items()}
        ) from error
    events.record(
        actor=actor,
        action="household.registered",
        obj=household,
        region_code=household.region_id,
        changes={
            **{k: [None, v] for k, v in events.snapshot(household, HOUSEHOLD_FIELDS).items()},
            "head": [None, member.name],
        },
        summary=_("Registered household %(no)s") % {"no": household.household_no},
    )
    return household


@transaction.atomic
def household_update(
    *,
    actor: Any,
    household: Household,
    expected_version: int | None,
    data: Mapping[str, Any],
    roles: frozenset[str] = CAPTURE_ROLES,
) -> Household:
    """``roles`` is widened only by a caller that checked its own rule first (a reviewer
    settling a data conflict, ``fieldsync.services``)."""
    _check_capture(actor, household.region_id, roles)
    locked = _lock(household, expected_version)
    before = events.snapshot(locked, HOUSEHOLD_EDITABLE)
    _apply(locked, data, HOUSEHOLD_EDITABLE)
    _check_capture(actor, locked.region_id or "", roles)
    locked.full_clean()
    changes = events.diff(before, events.snapshot(locked, HOUSEHOLD_EDITABLE))
    if not changes:
        return locked
    locked.save()
    _bump(locked)
    events.record(
        actor=actor,
        action="household.updated",
        obj=locked,
        region_code=locked.region_id,
        changes=changes,
        summary=_("Edited household details"),
    )
    return locked


@transaction.atomic
def member_add(
    *, actor: Any, household: Household, expected_version: int | None, data: Mapping[str, Any]
) -> Member:
    _check_capture(actor, household.region_id)
    locked = _lock(household, expected_version)
    member = Member(household=locked)
    _apply(member, data, MEMBER_FIELDS)
    if member.relation == Relation.HEAD:
        raise ValidationError(
            {"relation": _("The household already has a head; use “change head” instead.")}
        )
    _save_member(member)
    _bump(locked)
    events.record(
        actor=actor,
        action="member.added",
        obj=member,
        subject=locked,
        region_code=locked.region_id,
        changes={k: [None, v] for k, v in events.snapshot(member, MEMBER_FIELDS).items()},
        summary=_("Added member %(name)s") % {"name": member.name},
    )
    _resize_latest_income(actor, locked)
    return member


def _resize_latest_income(actor: Any, locked: Household) -> None:
    """After a member is added or removed: the household's latest income row takes the new
    household size, so its per-capita income is never stale (earlier years are history: their
    size is what it was that year). Recorded as an event of its own."""
    income = AnnualIncome.objects.filter(household=locked).order_by("-year").first()
    size = locked.members.count()
    if income is None or size == 0 or income.member_count == size:
        return
    before = events.snapshot(income, ["member_count", "per_capita_net_income"])
    income.member_count = size
    income.save()
    events.record_change(
        actor=actor,
        action="income.resized",
        obj=income,
        before=before,
        subject=locked,
        region_code=locked.region_id,
        summary=_("The income of %(year)s counted again with %(size)s members")
        % {"year": income.year, "size": size},
    )


@transaction.atomic
def member_update(
    *,
    actor: Any,
    member: Member,
    expected_version: int | None,
    data: Mapping[str, Any],
    roles: frozenset[str] = CAPTURE_ROLES,
) -> Member:
    """``roles`` as for ``household_update``."""
    household = member.household
    _check_capture(actor, household.region_id, roles)
    locked = _lock(household, expected_version)
    member = Member.objects.get(pk=member.pk)
    before = events.snapshot(member, MEMBER_EDITABLE)
    _apply(member, data, MEMBER_EDITABLE)
    _save_member(member)
    if events.record_change(
        actor=actor,
        action="member.updated",
        obj=member,
        before=before,
        subject=locked,
        region_code=locked.region_id,
        summary=_("Edited member %(name)s") % {"name": member.name},
        if_changed=True,
    ):
        _bump(locked)
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: Member, expected_version: int | None) -> None:
    household = member.household
    _check_capture(actor, household.region_id)
    locked = _lock(household, expected_version)
    if member.relation == Relation.HEAD:
        raise DomainError(
            "head_not_removable",
            _("The head cannot be removed. Make another member the head first."),
        )
    before = events.snapshot(member, MEMBER_FIELDS)
    member_id = member.pk
    member.delete()
    _bump(locked)
    events.record(
        actor=actor,
        action="member.removed",
        subject=locked,
        region_code=locked.region_id,
        changes={**{k: [v, None] for k, v in before.items()}, "member_id": [member_id, None]},
        summary=_("Removed member %(name)s") % {"name": before["name"]},
    )
    _resize_latest_income(actor, locked)


@transaction.atomic
def household_change_head(
    *,
    actor: Any,
    household: Household,
    expected_version: int | None,
    new_head: Member,
    old_head_relation: str,
) -> Household:
    """The new head becomes 户主; the old head takes ``old_head_relation``."""
    _check_capture(actor, household.region_id)
    locked = _lock(household, expected_version)
    if new_head.household_id != locked.pk:
        raise ValidationError({"new_head": _("Choose a member of this household.")})
    if old_head_relation == Relation.HEAD or old_head_relation not in Relation.values:
        raise ValidationError({"old_head_relation": _("Choose the former head's new relation.")})
    old_head = Member.objects.select_for_update().get(household=locked, relation=Relation.HEAD)
    if old_head.pk == new_head.pk:
        return locked
    new_relation_before = new_head.relation
    Member.objects.filter(pk=old_head.pk).update(relation=old_head_relation)
    Member.objects.filter(pk=new_head.pk).update(relation=Relation.HEAD)
    _bump(locked)
    events.record(
        actor=actor,
        action="household.head_changed",
        obj=locked,
        region_code=locked.region_id,
        changes={
            "head": [old_head.name, new_head.name],
            f"relation:{old_head.name}": [Relation.HEAD.value, old_head_relation],
            f"relation:{new_head.name}": [new_relation_before, Relation.HEAD.value],
        },
        summary=_("Changed the head to %(name)s") % {"name": new_head.name},
    )
    return locked


@transaction.atomic
def income_record(
    *,
    actor: Any,
    household: Household,
    expected_version: int | None,
    year: int,
    inputs: Mapping[str, Any],
    member_count: int | None = None,
) -> AnnualIncome:
    """Record (or correct) the income of one year; totals are derived. The household size is
    ``_income_size``'s: the members for the latest year, the year's own for an earlier one."""
    _check_capture(actor, household.region_id)
    locked = _lock(household, expected_version)
    income = AnnualIncome.objects.filter(household=locked, year=year).first()
    created = income is None
    if income is None:
        income = AnnualIncome(household=locked, year=year)
    before = {} if created else events.snapshot(income, [*AnnualIncome.INPUTS, "member_count"])
    _apply(income, inputs, list(AnnualIncome.INPUTS))
    income.member_count = _income_size(locked, year, member_count, None if created else income)
    income.full_clean(validate_unique=False)
    income.save()
    if events.record_change(
        actor=actor,
        action="income.recorded",
        obj=income,
        before=before,
        fields=[*AnnualIncome.INPUTS, "member_count", "net_income", "per_capita_net_income"],
        subject=locked,
        region_code=locked.region_id,
        summary=_("Recorded the income of %(year)s") % {"year": year},
        if_changed=True,
    ):
        _bump(locked)
    return income


def _income_size(
    locked: Household, year: int, stated: int | None, existing: AnnualIncome | None
) -> int:
    """The household size of an income row. The latest year (this one or a later one than any
    recorded) counts the registered members, as the import does and as adding or removing a
    member keeps it (decisions 0017, 0019): a stated size that differs is refused with both
    numbers, or its per-capita income would be stale. An earlier year is history: the size given,
    else the size it was recorded with (the members, for a year recorded now for the first
    time)."""
    members = locked.members.count()
    latest = AnnualIncome.objects.filter(household=locked).aggregate(Max("year"))["year__max"]
    if latest is None or year >= latest:
        if members == 0:
            raise ValidationError(
                {
                    "member_count": _(
                        "The household has no members, so its per-capita income cannot be computed."
                    )
                }
            )
        if stated is not None and stated != members:
            raise ValidationError(
                {
                    "member_count": _(
                        "年末家庭人口数 is %(stated)s, but the household has %(size)s registered "
                        "members. The latest year counts the members: add or remove members "
                        "to change it, or leave this empty."
                    )
                    % {"stated": stated, "size": members}
                }
            )
        return members
    if stated:
        return stated
    return existing.member_count if existing is not None else members


@transaction.atomic
def measure_add(*, actor: Any, household: Household, data: Mapping[str, Any]) -> AssistanceMeasure:
    _check_capture(actor, household.region_id)
    measure = AssistanceMeasure(household=household)
    _apply(measure, data, ["kind", "year", "description", "amount"])
    measure.full_clean()
    measure.save()
    events.record(
        actor=actor,
        action="measure.added",
        obj=measure,
        subject=household,
        region_code=household.region_id,
        changes={
            k: [None, v]
            for k, v in events.snapshot(measure, ["kind", "year", "description", "amount"]).items()
        },
        summary=_("Added a %(kind)s measure") % {"kind": measure.get_kind_display()},
    )
    return measure


@transaction.atomic
def household_change_status(
    *,
    actor: Any,
    household: Household,
    expected_version: int | None,
    status: str,
    year: int | None = None,
    reason: str = "",
) -> Household:
    """清退, 返贫 and the other moves of STATUS_TRANSITIONS (exits use the exit procedure)."""
    require_role(actor, STATUS_ROLES)
    locked = _lock(household, expected_version)
    if status not in STATUS_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A household in status “%(current)s” cannot move to “%(new)s”.")
                % {
                    "current": Status(locked.status).label,
                    "new": Status(status).label if status in Status.values else status,
                }
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    before = events.snapshot(locked, ["status", "relapse_year", "relapse_cause", "exit_year"])
    locked.status = status
    if status == Status.RELAPSED:
        if not year:
            raise ValidationError({"year": _("Give the year of the relapse.")})
        locked.relapse_year, locked.relapse_cause = year, reason
    locked.full_clean()
    locked.save()
    _bump(locked)
    events.record_change(
        actor=actor,
        action="household.status_changed",
        obj=locked,
        before=before,
        extra={"reason": [None, reason]},
        region_code=locked.region_id,
        summary=_("Status changed to %(status)s") % {"status": Status(status).label},
    )
    return locked


POVERTY_LINE_FIELDS = ["year", "kind", "amount", "source"]


@transaction.atomic
def poverty_line_save(*, actor: Any, line: PovertyLine) -> PovertyLine:
    """Create or change a poverty line (the admin's form and its workbook import), validated as
    the form validates it, with an audit event listing what changed. The national line feeds the
    exit rule and the indicators: checks read it at once, snapshots computed from then on use it
    (stored snapshots of dispatched months keep theirs)."""
    line.full_clean()
    before: dict[str, Any] = {}
    if line.pk is not None:
        current = PovertyLine.objects.select_for_update().filter(pk=line.pk).first()
        before = {} if current is None else events.snapshot(current, POVERTY_LINE_FIELDS)
    line.save()
    stored = PovertyLine.objects.get(pk=line.pk)  # compared as stored (2300 is 2300.00)
    events.record_change(
        actor=actor,
        action="poverty_line.changed" if before else "poverty_line.created",
        obj=stored,
        before=before,
        fields=POVERTY_LINE_FIELDS,
        summary=(
            _("Poverty line %(line)s changed") if before else _("Poverty line %(line)s created")
        )
        % {"line": stored},
    )
    return stored
