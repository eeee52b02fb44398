"""Writing the register's sheets: a streaming XLSX writer of its own, a zip of CSVs, and the
XLSX error report of an import."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from households.resources import RowError, Sheet, cell_of, csv_cell


def write_xlsx(target: IO[bytes], sheets: Iterable[tuple[Sheet, Iterable[Sequence[Any]]]]) -> None:
    """A workbook of the given sheets (rows of model values), streamed row by row."""
    with XlsxWriter(target) as workbook:
        for sheet, rows in sheets:
            columns = sheet.columns
            workbook.sheet(
                sheet.name,
                sheet.headers,
                ([cell_of(v, c) for v, c in zip(row, columns, strict=True)] for row in rows),
            )


def write_csv_zip(
    target: IO[bytes], sheets: Iterable[tuple[Sheet, Iterable[Sequence[Any]]]]
) -> None:
    """One UTF-8 CSV per sheet (with a BOM, so that Excel shows the Chinese), zipped. A text
    that a spreadsheet would take for a formula is written after an apostrophe."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in sheets:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(sheet.headers)
            columns = sheet.columns
            for row in rows:
                writer.writerow(
                    [
                        csv_cell(cell_of(value, column))
                        for value, column in zip(row, columns, strict=True)
                    ]
                )
            archive.writestr(f"{sheet.name}.csv", "\ufeff" + buffer.getvalue())


REPORT_HEADERS = ("工作表", "行号", "列", "值", "原因")
SKIPPED_SHEET = "整户未导入"
SKIPPED_HEADERS = ("户编号", *REPORT_HEADERS)
IGNORED_SHEET = "未导入的列"
IGNORED_HEADERS = ("工作表", "列", "原因")


def write_error_report(
    target: IO[bytes],
    errors: Iterable[RowError],
    skipped: dict[str, list[RowError]] | None = None,
    ignored_columns: Sequence[tuple[str, Sequence[str]]] = (),
) -> None:
    """Every error; then, when some households were left out whole, one line per reason of
    each such household (its refused rows); then, when the file has columns the format does
    not know, one line per such column."""
    with XlsxWriter(target) as workbook:
        workbook.sheet(
            "错误",
            list(REPORT_HEADERS),
            ([e.sheet, e.row or "", e.column, e.value, e.message] for e in errors),
        )
        if skipped:
            workbook.sheet(
                SKIPPED_SHEET,
                list(SKIPPED_HEADERS),
                (
                    [number_key, e.sheet, e.row or "", e.column, e.value, e.message]
                    for number_key, reasons in skipped.items()
                    for e in reasons
                ),
            )
        if ignored_columns:
            reason = ignored_reason()
            workbook.sheet(
                IGNORED_SHEET,
                list(IGNORED_HEADERS),
                (
                    [sheet, column, reason]
                    for sheet, columns in ignored_columns
                    for column in columns
                ),
            )


def ignored_reason() -> str:
    return _("This column is not in the import format and was not imported.")


class XlsxWriter:
    """The smallest XLSX a spreadsheet opens: inline strings and numbers, no styles beyond the
    default. Text is always an inline string cell (``t="inlineStr"``), never a formula, so a name
    beginning with ``=`` stays a name. Written straight into the zip, so memory does not grow
    with the rows (and it runs about ten times faster than openpyxl's write-only mode without
    lxml)."""

    _ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    _NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    _REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    def __init__(self, target: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.names: list[str] = []

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish()
        self.zip.close()

    def _cell(self, ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value}</v></c>'
        value = self._ILLEGAL.sub("", str(value))
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        )

    def sheet(self, name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
        self.names.append(name)
        letters = [get_column_letter(n) for n in range(1, max(len(header), 1) + 1)]
        path = f"xl/worksheets/sheet{len(self.names)}.xml"
        with self.zip.open(path, "w", force_zip64=True) as stream:
            stream.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {self._NS}><sheetData>'.encode()
            )
            chunk: list[str] = []
            for number, row in enumerate(itertools.chain([header], rows), start=1):
                cells = "".join(
                    self._cell(f"{letter}{number}", value)
                    for letter, value in zip(letters, row, strict=False)
                )
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) == 2000:
                    stream.write("".join(chunk).encode())
                    chunk = []
            stream.write(("".join(chunk) + "</sheetData></worksheet>").encode())

    def _finish(self) -> None:
        sheets = range(1, len(self.names) + 1)
        types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        self.zip.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.'
            f'main+xml"/><Override PartName="/xl/styles.xml" ContentType="{types}.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{types}.worksheet'
                '+xml"/>'
                for n in sheets
            )
            + "</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{self._REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {self._NS} xmlns:r="{self._REL}">'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                for n, name in zip(sheets, self.names, strict=True)
            )
            + "</sheets></workbook>",
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{self._REL}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in sheets
            )
            + f'<Relationship Id="rId{len(self.names) + 1}" Type="{self._REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self.zip.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {self._NS}><fonts count="1"><font>'
            '<sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill'
            ' patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>",
        )


def get_column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
