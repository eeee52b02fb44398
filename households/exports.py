"""Export of the register in the national format: the import's sheets and headers, so that an
export imports back with no change. Each export is a security event (personal data leaves)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from audit import events
from audit.models import Category
from households import resources, spreadsheets
from households.choices import Relation
from households.importing.validation import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from households.models import AnnualIncome, Household, Member
from regions.masking import MASK, Personal, displayed, sees_full
from regions.roles import EXPORT_ROLES, require_role
from regions.scoping import assignment_of, scope_by_region
from tongren_fupin.errors import DomainError

CHUNK = 5000  # rows a database round trip brings while exporting
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "zip": "application/zip"}  # fmt: skip


Progress = Callable[[int, str], None]


def register_export(
    *,
    actor: Any,
    fmt: str,
    target: IO[bytes],
    ip_address: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the register of the actor's jurisdiction to ``target`` and record the export;
    returns the row counts. (An export job writes first and records when it keeps the file.)"""
    export = register_write(actor=actor, fmt=fmt, target=target, progress=progress)
    register_export_record(actor=actor, export=export, fmt=fmt, ip_address=ip_address)
    return export.counts


def check_export(*, actor: Any, fmt: str) -> None:
    require_role(actor, EXPORT_ROLES)
    if fmt not in FORMATS:
        raise DomainError("format", _("Choose XLSX or CSV."))


def register_write(
    *, actor: Any, fmt: str, target: IO[bytes], progress: Progress | None = None
) -> RegisterExport:
    """The three sheets of the actor's jurisdiction, scoped and masked for the actor's role."""
    check_export(actor=actor, fmt=fmt)
    export = RegisterExport(actor, progress)
    sheets = [
        (resources.HOUSEHOLD_SHEET, export.household_rows()),
        (resources.MEMBER_SHEET, export.member_rows()),
        (resources.INCOME_SHEET, export.income_rows()),
    ]
    if fmt == "xlsx":
        spreadsheets.write_xlsx(target, sheets)
    else:
        spreadsheets.write_csv_zip(target, sheets)
    return export


def register_export_record(
    *,
    actor: Any,
    export: RegisterExport,
    fmt: str,
    ip_address: str | None = None,
    obj: Any = None,
) -> None:
    """The security event of an export (personal data leaves the system), and, when the file
    holds personal data in full, the full display's event as every channel records it (decision
    0021): one for the file, naming the fields and the number of households and people."""
    assignment = assignment_of(actor)
    region_code = assignment.region_id if assignment else ""
    events.record(
        actor=actor,
        action="register.exported",
        obj=obj,
        category=Category.SECURITY,
        region_code=region_code,
        changes={
            "format": [None, fmt],
            "masked": [None, export.masked],
            **{name: [None, count] for name, count in export.counts.items()},
        },
        summary=_("Exported the register (%(households)s households, %(members)s people)")
        % export.counts,
        ip_address=ip_address,
    )  # fmt: skip
    if export.full and export.counts["households"]:
        events.record(
            actor=actor,
            action="personal_data.displayed",
            obj=obj,
            category=Category.SECURITY,
            region_code=region_code,
            changes={
                "fields": [None, export.full],
                "households": [None, export.counts["households"]],
                "members": [None, export.counts["members"]],
                "channel": [None, "export"],
            },
            summary=_("Personal data in full in an export of the register: %(households)s "
                      "households, %(members)s people (%(fields)s)")
            % {**export.counts, "fields": "、".join(export.full)},
            ip_address=ip_address,
        )  # fmt: skip


# The personal fields of the export's columns (the head's ID number is the household sheet's).
EXPORTED = {
    "head_id_number": Personal.ID_NUMBER,
    "id_number": Personal.ID_NUMBER,
    "phone": Personal.PHONE,
    "cadre_phone": Personal.PHONE,
    "health": Personal.HEALTH,
}


def masked_export(user: Any) -> bool:
    """Some personal field of the export is masked for ``user``."""
    return not all(sees_full(user, field) for field in {*EXPORTED.values(), Personal.DISABILITY})


class RegisterExport:
    """The three sheets of the register in the user's jurisdiction, as rows of model values in
    the column order of ``households.resources``; personal fields as the user's role may see
    them (``regions.masking``)."""

    def __init__(self, user: Any, progress: Progress | None = None) -> None:
        self.user = user
        self.households = scope_by_region(Household.objects.all(), user)
        self.masked = masked_export(user)
        # The personal fields the file holds whole, in the policy's order.
        self.full = [str(f) for f in dict.fromkeys(EXPORTED.values()) if sees_full(user, f)]
        self.household_masks = self._masks(resources.HOUSEHOLD_SHEET)
        self.member_masks = self._masks(resources.MEMBER_SHEET)
        self.counts = {"households": 0, "members": 0, "incomes": 0}
        self.progress = progress
        self.total = 0

    def _tick(self, sheet: str) -> None:
        """Every CHUNK rows: the share of the rows written (of the three sheets, estimated from
        the households as about 5 rows each, so no counting query is needed)."""
        self.counts[sheet] += 1
        if self.progress is None or self.counts[sheet] % CHUNK:
            return
        if not self.total:
            self.total = max(self.households.count() * 5, 1)
        done = sum(self.counts.values())
        self.progress(min(99, 100 * done // self.total), _("Writing the file"))

    def _masks(self, sheet: resources.Sheet) -> list[tuple[int, Personal]]:
        """(column index, field) of the sheet's personal columns that are masked for the user.
        A health status and an ID number may hold disability details (a status with a
        disability, a certificate's category and grade): ``displayed`` takes those out for a
        role that sees the field but not the details."""
        details = not sees_full(self.user, Personal.DISABILITY)
        return [
            (index, EXPORTED[column.field])
            for index, column in enumerate(sheet.columns)
            if column.field in EXPORTED
            and (
                not sees_full(self.user, EXPORTED[column.field])
                or (details and EXPORTED[column.field] in (Personal.HEALTH, Personal.ID_NUMBER))
            )
        ]

    def _shown(self, row: tuple[Any, ...], masks: list[tuple[int, Personal]]) -> tuple[Any, ...]:
        if not masks:
            return row
        cells = list(row)
        for index, field in masks:
            shown = displayed(self.user, field, cells[index])
            cells[index] = MASK if shown is None else shown
        return tuple(cells)

    def household_rows(self) -> Iterator[tuple[Any, ...]]:
        heads = {
            household_id: (name, id_number)
            for household_id, name, id_number in Member.objects.filter(
                household__in=self.households, relation=Relation.HEAD
            ).values_list("household_id", "name", "id_number")
        }
        fields = [f if f != "region_id" else "region" for f in HOUSEHOLD_FIELDS]
        rows = self.households.order_by("household_no").values_list("pk", *fields)
        for pk, household_no, region, *rest in rows.iterator(chunk_size=CHUNK):
            self._tick("households")
            name, id_number = heads.get(pk, ("", ""))
            row = (household_no, region, name, id_number, *rest)
            yield self._shown(row, self.household_masks)

    def member_rows(self) -> Iterator[tuple[Any, ...]]:
        rows = (
            Member.objects.filter(household__in=self.households)
            .order_by("household__household_no", "relation", "birth_date", "pk")
            .values_list("household__household_no", *MEMBER_FIELDS)
        )
        for row in rows.iterator(chunk_size=CHUNK):
            self._tick("members")
            yield self._shown(row, self.member_masks)

    def income_rows(self) -> Iterator[tuple[Any, ...]]:
        """The totals and every sub-item (so the split re-imports as it is) and the size."""
        rows = (
            AnnualIncome.objects.filter(household__in=self.households)
            .order_by("household__household_no", "year")
            .values_list(
                "household__household_no",
                *(column.field for column in resources.INCOME_SHEET.columns[1:]),
            )
        )
        for row in rows.iterator(chunk_size=CHUNK):
            self._tick("incomes")
            yield row
