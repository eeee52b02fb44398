"""Export of the register in the national format: the import's sheets and headers, so that an
export imports back with no change. Each export is a security event (personal data leaves)."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _

from audit import events
from audit.models import Category
from households import resources, spreadsheets
from households.permissions import EXPORT_ROLES, has_role
from imports.selectors import RegisterExport
from regions.scoping import assignment_of
from tongren_fupin.errors import DomainError

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "zip": "application/zip"}  # fmt: skip


def register_export(
    *, actor: Any, fmt: str, target: IO[bytes], ip_address: str | None = None
) -> dict[str, int]:
    """Write the register of the actor's jurisdiction to ``target``; returns the row counts."""
    if not has_role(actor, EXPORT_ROLES):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
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
