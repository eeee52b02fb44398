"""Export of the register in the national format: the import's sheets and headers, so that an
export imports back with no change. Each export is a security event (personal data leaves)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from audit import events
from audit.models import Category
from households import resources, spreadsheets
from households.choices import Relation
from households.importing.validation import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from households.models import AnnualIncome, Household, Member
from regions.masking import mask_id_number, sees_full_id
from regions.roles import EXPORT_ROLES, require_role
from regions.scoping import assignment_of, scope_by_region
from tongren_fupin.errors import DomainError

CHUNK = 5000  # rows a database round trip brings while exporting
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "zip": "application/zip"}  # fmt: skip


def register_export(
    *, actor: Any, fmt: str, target: IO[bytes], ip_address: str | None = None
) -> dict[str, int]:
    """Write the register of the actor's jurisdiction to ``target``; returns the row counts."""
    require_role(actor, EXPORT_ROLES)
    if fmt not in FORMATS:
        raise DomainError("format", _("Choose XLSX or CSV."))
    export = RegisterExport(actor)
    assignment = assignment_of(actor)
    sheets = [
        (resources.HOUSEHOLD_SHEET, export.household_rows()),
        (resources.MEMBER_SHEET, export.member_rows()),
        (resources.INCOME_SHEET, export.income_rows()),
    ]
    if fmt == "xlsx":
        spreadsheets.write_xlsx(target, sheets)
    else:
        spreadsheets.write_csv_zip(target, sheets)
    events.record(
        actor=actor,
        action="register.exported",
        category=Category.SECURITY,
        region_code=assignment.region_id if assignment else "",
        changes={
            "format": [None, fmt],
            "masked": [None, export.masked],
            **{name: [None, count] for name, count in export.counts.items()},
        },
        summary=_("Exported the register (%(households)s households, %(members)s people)")
        % export.counts,
        ip_address=ip_address,
    )
    return export.counts


class RegisterExport:
    """The three sheets of the register in the user's jurisdiction, as rows of model values in
    the column order of ``households.resources``; ID numbers masked for roles that see them so."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.households = scope_by_region(Household.objects.all(), user)
        self.masked = not sees_full_id(user)
        self.counts = {"households": 0, "members": 0, "incomes": 0}

    def _id(self, number: str) -> str:
        return mask_id_number(number) if self.masked else number

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
            self.counts["households"] += 1
            name, id_number = heads.get(pk, ("", ""))
            yield (household_no, region, name, self._id(id_number), *rest)

    def member_rows(self) -> Iterator[tuple[Any, ...]]:
        rows = (
            Member.objects.filter(household__in=self.households)
            .order_by("household__household_no", "relation", "birth_date", "pk")
            .values_list("household__household_no", *MEMBER_FIELDS)
        )
        for household_no, name, id_number, *rest in rows.iterator(chunk_size=CHUNK):
            self.counts["members"] += 1
            yield (household_no, name, self._id(id_number), *rest)

    def income_rows(self) -> Iterator[tuple[Any, ...]]:
        rows = (
            AnnualIncome.objects.filter(household__in=self.households)
            .order_by("household__household_no", "year")
            .values_list(
                "household__household_no",
                "year",
                "wage",
                "business",
                "business_expense",
                "property_total",
                "transfer_total",
                "member_count",
            )
        )
        for row in rows.iterator(chunk_size=CHUNK):
            self.counts["incomes"] += 1
            yield row
