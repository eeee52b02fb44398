"""Reading an upload of the register: an .xlsx workbook (python-calamine), a .csv of one sheet
or a .zip of CSVs, one sheet in memory at a time; headers located by name. A column the format
does not know is left out and listed (``SheetData.ignored``), not refused."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from households.resources import (
    MAX_CSV_BYTES,
    SHEETS,
    SHEETS_BY_NAME,
    FileError,
    RowError,
    Sheet,
    csv_uncell,
    file_error,
    is_blank,
    text,
)

logger = logging.getLogger(__name__)

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
    ignored: list[str] = field(default_factory=list)  # headers the format does not know
    unnamed: tuple[int, ...] = ()  # positions of empty headers between named ones

    def open(self) -> None:
        """Read the sheet and locate its columns (raises FileError for a bad header)."""
        loaded = self.loader() if self.loader else None
        self.loader = None
        if loaded is None:
            self.empty = True
            return
        header_row, header, self.rows, self.height = loaded
        located = locate_columns(self.sheet, header, header_row)
        self.positions, self.ignored = located.positions, located.ignored
        self.unnamed = located.unnamed
        self.first_row = header_row + 1

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """(spreadsheet row number, cells) of every row that is not blank. Raises FileError at
        the first row with data under an empty header."""
        rows, self.rows = self.rows, iter(())  # let the sheet go once it has been read
        unnamed = self.unnamed
        for number, cells in enumerate(rows, start=self.first_row):
            if unnamed:
                self._refuse_unnamed_data(number, cells)
            # The first cell (户编号) is filled in nearly every row: look no further then.
            if (cells and not is_blank(cells[0])) or any(not is_blank(c) for c in cells):
                yield number, cells

    def _refuse_unnamed_data(self, number: int, cells: Sequence[Any]) -> None:
        for index in self.unnamed:
            if index < len(cells) and not is_blank(cells[index]):
                raise FileError(
                    [
                        RowError(
                            self.sheet.name,
                            number,
                            _("column %(n)s") % {"n": index + 1},
                            text(cells[index])[:200],
                            _(
                                "This column has data but no header. Give it its header in "
                                "the format (the columns of this sheet are: %(columns)s) or "
                                "delete it."
                            )
                            % {"columns": "、".join(self.sheet.headers)},
                        )
                    ]
                )


@dataclass
class Upload:
    sheets: dict[str, SheetData] = field(default_factory=dict)


@dataclass(frozen=True)
class Located:
    positions: dict[str, int]  # field → index in a row
    ignored: list[str]  # headers the format does not know: not imported (listed once each)
    unnamed: tuple[int, ...]  # empty headers before the last named one


def locate_columns(sheet: Sheet, header: Sequence[Any], row: int) -> Located:
    """Header names matched exactly (order free), or a column's alias. A missing column or one
    of the format given twice is an error (an optional column may be missing: it has no
    position then). A header the format does not know is not imported: it is listed in
    ``ignored``, so the operator sees what was left out. An empty header is refused only if
    its column has data (``SheetData.numbered_rows``)."""
    names = [text(cell) for cell in header]
    while names and not names[-1]:
        names.pop()
    known = sheet.names
    errors = []
    seen: dict[str, int] = {}  # field → position
    ignored: list[str] = []
    unnamed: list[int] = []
    for index, name in enumerate(names):
        column = known.get(name)
        if not name:
            unnamed.append(index)
        elif column is None:
            if name not in ignored:
                ignored.append(name)
        elif column.field in seen:
            errors.append(RowError(sheet.name, row, name, name, _("This column appears twice.")))
        else:
            seen[column.field] = index
    for column in sheet.columns:
        if column.field not in seen and not column.optional:
            errors.append(
                RowError(sheet.name, row, column.header, "", _("This column is missing."))
            )
    if errors:
        raise FileError(errors)
    return Located(seen, ignored, tuple(unnamed))


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


def _read_xlsx(path: Path) -> Upload:
    from python_calamine import CalamineWorkbook

    if not zipfile.is_zipfile(path):
        raise file_error(_("This is not an XLSX workbook (perhaps another file renamed .xlsx)."))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for damaged files
        # The library's words are for us (the log); the operator gets the reason and the way out.
        logger.warning("Unreadable XLSX workbook %s", path.name, exc_info=True)
        raise file_error(
            _(
                "The XLSX workbook cannot be read: the file may be damaged or not saved "
                "completely. Open it in Excel or WPS, save it as an .xlsx workbook and upload it "
                "again."
            )
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
            # Neither UTF-8 nor GB18030: an encoding's name means nothing to a county operator.
            raise file_error(
                _(
                    "The characters of the CSV file cannot be read. Save the sheet in Excel or "
                    "WPS as “CSV (comma delimited)” and upload it again."
                )
            ) from None


def _add_csv(upload: Upload, raw: bytes, name: str) -> None:
    content = _decode(raw)
    header = [text(cell) for cell in next(csv.reader(io.StringIO(content)), [])]
    if not header:
        raise file_error(_("The file is empty."))
    sheet = SHEETS_BY_NAME.get(Path(name).stem.strip()) or max(
        SHEETS, key=lambda candidate: len(set(candidate.names) & set(header))
    )
    if not set(sheet.names) & set(header) - {"户编号"}:
        raise file_error(
            _("Cannot tell which sheet the CSV file %(name)s holds from its columns.")
            % {"name": name}
        )
    if sheet.name in upload.sheets:
        raise file_error(_("Two CSV files hold the sheet %(sheet)s.") % {"sheet": sheet.name})

    def load() -> Loaded:
        rows = csv.reader(io.StringIO(content))
        header = next(rows)
        unescaped = ([csv_uncell(cell) for cell in row] for row in rows)
        return 1, header, unescaped, content.count("\n")

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
