"""The register in the national format (DESIGN §11): sheets, columns, reading and writing.

One workbook, three sheets with Chinese headers (贫困户, 家庭成员, 收入); or one CSV per sheet
(a single .csv, or several in a .zip). This module only translates between cells and model
values; the rules are the models' own (``households.imports`` calls ``full_clean()``).

Code lists are written and read as their Chinese labels (the labels of ``households.choices``
in zh-hans), so there is no second table of names; the code itself (``01``, ``general``) is
accepted as well. Income totals map to the model's inputs: 工资性 → wage, 生产经营性 →
business, 生产经营性支出 → business_expense, 财产性 → property_other, 转移性 → transfer_other
(an export writes the property and transfer totals).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from households.choices import (
    Cause,
    Education,
    Health,
    HousingGrade,
    IdentificationStandard,
    LabourAbility,
    PovertyAttribute,
    Relation,
    Schooling,
    Status,
    WorkStatus,
)
from households.models import Ethnicity

HOUSEHOLDS, MEMBERS, INCOMES = "贫困户", "家庭成员", "收入"
CAUSE_SEPARATOR = "、"
MAX_CSV_BYTES = 1 << 30  # a CSV of Tongren's whole register is about 100 MB
YES, NO = "是", "否"
# Short names the national system uses besides the full labels.
ALIASES: dict[type[models.TextChoices], dict[str, str]] = {
    Status: {"未脱贫": Status.REGISTERED, "已脱贫": Status.EXITED},
}


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a model field, or head_name / head_id_number (checked against the members)
    kind: str = "text"  # text, int, decimal, bool, choice, causes
    choices: type[models.TextChoices] | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


HOUSEHOLD_SHEET = Sheet(
    HOUSEHOLDS,
    (
        Column("户编号", "household_no"),
        Column("村代码", "region"),
        Column("户主姓名", "head_name"),
        Column("户主证件号码", "head_id_number"),
        Column("贫困户属性", "poverty_attribute", "choice", PovertyAttribute),
        Column("识别标准", "identification_standard", "choice", IdentificationStandard),
        Column("识别年度", "identification_year", "int"),
        Column("主要致贫原因", "main_cause", "choice", Cause),
        Column("其他致贫原因", "other_causes", "causes", Cause),
        Column("脱贫状态", "status", "choice", Status),
        Column("脱贫年度", "exit_year", "int"),
        Column("危房等级", "housing_grade", "choice", HousingGrade),
        Column("饮水安全", "water_safe", "bool"),
        Column("联系电话", "phone"),
    ),
)
MEMBER_SHEET = Sheet(
    MEMBERS,
    (
        Column("户编号", "household_no"),
        Column("姓名", "name"),
        Column("证件号码", "id_number"),
        Column("与户主关系", "relation", "choice", Relation),
        Column("民族", "ethnicity", "choice", Ethnicity),
        Column("文化程度", "education", "choice", Education),
        Column("在校生状况", "schooling", "choice", Schooling),
        Column("健康状况", "health", "choice", Health),
        Column("劳动技能", "labour_ability", "choice", LabourAbility),
        Column("务工状况", "work_status", "choice", WorkStatus),
        Column("务工时间", "work_months", "int"),
        Column("城乡居民基本医疗保险", "basic_medical_insurance", "bool"),
        Column("大病保险", "serious_illness_insurance", "bool"),
        Column("养老保险", "pension_insurance", "bool"),
    ),
)
INCOME_SHEET = Sheet(
    INCOMES,
    (
        Column("户编号", "household_no"),
        Column("年度", "year", "int"),
        Column("工资性收入", "wage", "decimal"),
        Column("生产经营性收入", "business", "decimal"),
        Column("生产经营性支出", "business_expense", "decimal"),
        Column("财产性收入", "property_other", "decimal"),
        Column("转移性收入", "transfer_other", "decimal"),
    ),
)
SHEETS = (HOUSEHOLD_SHEET, MEMBER_SHEET, INCOME_SHEET)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


@dataclass(frozen=True)
class RowError:
    """One reason a row (or the file) cannot be imported; ``row`` is the spreadsheet row."""

    sheet: str
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class FileError(Exception):
    """The file cannot be read as the register at all (nothing of it can be imported)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def file_error(message: str, sheet: str = "", row: int = 0, column: str = "") -> FileError:
    return FileError([RowError(sheet, row, column, "", message)])


# -- cells → values -----------------------------------------------------------------------------


def text(cell: Any) -> str:
    """A cell as trimmed text; whole numbers lose the ``.0`` a spreadsheet gives them."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return YES if cell else NO
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    return str(cell)


@cache
def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label (and the part before a bracket, and the code) → code."""
    lookup: dict[str, str] = {}
    with translation.override("zh-hans"):
        for value, label in choices.choices:
            full = str(label)
            lookup.setdefault(full, value)
            lookup.setdefault(full.split("（")[0], value)
    lookup.update(ALIASES.get(choices, {}))
    for value in choices.values:
        lookup[value] = value
    return lookup


@cache
def choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def _choice(cell: Any, column: Column) -> str:
    raw = text(cell)
    assert column.choices is not None
    if column.choices is Relation and raw.isdigit() and len(raw) == 1:
        raw = f"0{raw}"  # a spreadsheet turned 01 into 1
    # An unknown label is kept as it is: the model's choice validation rejects it.
    return choice_lookup(column.choices).get(raw, raw)


def _causes(cell: Any, column: Column) -> list[str]:
    raw = text(cell)
    if not raw:
        return []
    assert column.choices is not None
    lookup = choice_lookup(column.choices)
    parts = [part.strip() for part in raw.replace("，", CAUSE_SEPARATOR).split(CAUSE_SEPARATOR)]
    return [lookup.get(part, part) for part in parts if part]


def _int(cell: Any) -> Any:
    if isinstance(cell, bool):
        return text(cell)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    raw = text(cell)
    return int(raw) if raw.isdigit() else raw  # anything else: the model's message


def _decimal(cell: Any) -> Any:
    if isinstance(cell, bool):
        return text(cell)
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell))
    return text(cell)


def _bool(cell: Any) -> Any:
    if isinstance(cell, bool):
        return cell
    raw = text(cell)
    return True if raw == YES else False if raw == NO else raw


CONVERTERS = {
    "text": lambda cell, column: text(cell),
    "int": lambda cell, column: _int(cell),
    "decimal": lambda cell, column: _decimal(cell),
    "bool": lambda cell, column: _bool(cell),
    "choice": _choice,
    "causes": _causes,
}


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- reading ---------------------------------------------------------------------------------


Loaded = tuple[int, Sequence[Any], Iterator[Sequence[Any]], int] | None


@dataclass
class SheetData:
    """One sheet of an upload, read only when its turn comes (one sheet in memory at a time):
    ``loader`` gives (header row number, header cells, row iterator, height) or None if empty."""

    sheet: Sheet
    loader: Callable[[], Loaded] | None
    positions: dict[str, int] = field(default_factory=dict)  # field → index in a row
    first_row: int = 2  # spreadsheet number of the first row after the header
    height: int = 0  # rows after the header, blank ones included (for the progress bar)
    rows: Iterator[Sequence[Any]] = field(default_factory=lambda: iter(()))
    empty: bool = False

    def open(self) -> None:
        """Read the sheet and locate its columns (raises FileError for a bad header)."""
        loaded = self.loader() if self.loader else None
        self.loader = None
        if loaded is None:
            self.empty = True
            return
        header_row, header, self.rows, self.height = loaded
        self.positions = locate_columns(self.sheet, header, header_row)
        self.first_row = header_row + 1

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """(spreadsheet row number, cells) of every row that is not blank."""
        rows, self.rows = self.rows, iter(())  # let the sheet go once it has been read
        for offset, cells in enumerate(rows):
            if any(not is_blank(cell) for cell in cells):
                yield self.first_row + offset, cells


@dataclass
class Upload:
    sheets: dict[str, SheetData] = field(default_factory=dict)


def locate_columns(sheet: Sheet, header: Sequence[Any], row: int) -> dict[str, int]:
    """Header names matched exactly (order free); a missing, unknown or repeated one is an error."""
    names = [text(cell) for cell in header]
    while names and not names[-1]:
        names.pop()
    errors = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            errors.append(RowError(sheet.name, row, name, name, _("This column appears twice.")))
        elif name not in sheet.headers:
            errors.append(
                RowError(
                    sheet.name,
                    row,
                    name or _("column %(n)s") % {"n": index + 1},
                    name,
                    _("Unknown column. The columns of this sheet are: %(columns)s.")
                    % {"columns": "、".join(sheet.headers)},
                )
            )
        seen.setdefault(name, index)
    for column in sheet.columns:
        if column.header not in seen:
            errors.append(
                RowError(sheet.name, row, column.header, "", _("This column is missing."))
            )
    if errors:
        raise FileError(errors)
    return {column.field: seen[column.header] for column in sheet.columns}


def read_upload(path: Path, original_name: str) -> Upload:
    """Open an .xlsx workbook, a .csv of one sheet or a .zip of CSVs; raises FileError."""
    if path.stat().st_size == 0:
        raise file_error(_("The file is empty."))
    suffix = Path(original_name).suffix.lower()
    if suffix == ".xlsx":
        upload = _read_xlsx(path)
    elif suffix == ".csv":
        upload = Upload()
        _add_csv(upload, path.read_bytes(), original_name)
    elif suffix == ".zip":
        upload = _read_zip(path)
    else:
        raise file_error(_("Upload an .xlsx workbook, a .csv file or a .zip of CSV files."))
    if not upload.sheets:
        raise file_error(
            _("The file has none of the sheets %(sheets)s.") % {"sheets": "、".join(SHEETS_BY_NAME)}
        )
    return upload


def no_data_rows() -> FileError:
    return file_error(_("The file has no data rows, only headers."))


def _read_xlsx(path: Path) -> Upload:
    from python_calamine import CalamineWorkbook

    if not zipfile.is_zipfile(path):
        raise file_error(_("This is not an XLSX workbook (perhaps another file renamed .xlsx)."))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for damaged files
        raise file_error(
            _("The XLSX workbook cannot be read: %(error)s") % {"error": error}
        ) from error
    upload = Upload()
    for name in workbook.sheet_names:
        sheet = SHEETS_BY_NAME.get(name.strip())
        if sheet is not None:  # other sheets (notes, summaries) are not the register's
            upload.sheets[sheet.name] = SheetData(sheet, _calamine_loader(workbook, name))
    return upload


def _calamine_loader(workbook: Any, name: str) -> Callable[[], Loaded]:
    def load() -> Loaded:
        data = workbook.get_sheet_by_name(name)
        if data.start is None:
            return None
        rows = data.iter_rows()
        header: Sequence[Any] = next(rows, [])
        return data.start[0] + 1, header, rows, max(0, data.height - 1)

    return load


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese Excel writes CSV."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise file_error(_("The CSV file is neither UTF-8 nor GB18030 text.")) from None


def _add_csv(upload: Upload, raw: bytes, name: str) -> None:
    content = _decode(raw)
    header = [text(cell) for cell in next(csv.reader(io.StringIO(content)), [])]
    if not header:
        raise file_error(_("The file is empty."))
    sheet = SHEETS_BY_NAME.get(Path(name).stem.strip()) or max(
        SHEETS, key=lambda candidate: len(set(candidate.headers) & set(header))
    )
    if not set(sheet.headers) & set(header) - {"户编号"}:
        raise file_error(
            _("Cannot tell which sheet the CSV file %(name)s holds from its columns.")
            % {"name": name}
        )
    if sheet.name in upload.sheets:
        raise file_error(_("Two CSV files hold the sheet %(sheet)s.") % {"sheet": sheet.name})

    def load() -> Loaded:
        rows = csv.reader(io.StringIO(content))
        return 1, next(rows), rows, content.count("\n")

    upload.sheets[sheet.name] = SheetData(sheet, load)


def _read_zip(path: Path) -> Upload:
    if not zipfile.is_zipfile(path):
        raise file_error(_("This is not a ZIP file."))
    upload = Upload()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            if info.file_size > MAX_CSV_BYTES:
                raise file_error(_("A CSV file in the ZIP is larger than 1 GB."))
            _add_csv(upload, archive.read(info), Path(info.filename).name)
    return upload


def bundle_csv_files(files: Sequence[tuple[str, bytes]]) -> bytes:
    """Several uploaded CSV files as one .zip, so that a job keeps one file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(Path(name).name, content)
    return buffer.getvalue()


# -- values → cells ------------------------------------------------------------------------


def cell_of(value: Any, column: Column) -> Any:
    """The exported cell of a model value (what ``read_upload`` reads back to the same value)."""
    if value is None:
        return ""
    if column.kind == "choice":
        assert column.choices is not None
        return choice_labels(column.choices).get(value, value)
    if column.kind == "causes":
        assert column.choices is not None
        labels = choice_labels(column.choices)
        return CAUSE_SEPARATOR.join(labels.get(code, code) for code in value or [])
    if column.kind == "bool":
        return YES if value else NO
    return value


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
    """One UTF-8 CSV per sheet (with a BOM, so that Excel shows the Chinese), zipped."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in sheets:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(sheet.headers)
            columns = sheet.columns
            for row in rows:
                writer.writerow(
                    [cell_of(value, column) for value, column in zip(row, columns, strict=True)]
                )
            archive.writestr(f"{sheet.name}.csv", "\ufeff" + buffer.getvalue())


REPORT_HEADERS = ("工作表", "行号", "列", "值", "原因")


def write_error_report(target: IO[bytes], errors: Iterable[RowError]) -> None:
    with XlsxWriter(target) as workbook:
        workbook.sheet(
            "错误",
            list(REPORT_HEADERS),
            ([e.sheet, e.row or "", e.column, e.value, e.message] for e in errors),
        )


class XlsxWriter:
    """The smallest XLSX a spreadsheet opens: inline strings and numbers, no styles beyond the
    default. Written straight into the zip, so memory does not grow with the rows (and it runs
    about ten times faster than openpyxl's write-only mode without lxml)."""

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
