"""Writing a report workbook (county × indicator, 11 rows × 18 columns, styled: title, number
formats, widths, frozen header) with openpyxl and with XlsxWriter; and the project's streaming
writer for the same cells unstyled (it has no styles). Decision 0026.

    .venv/bin/python bench/report_workbooks.py [--runs 50]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROWS, COLUMNS = 11, 18
DATA = [
    [f"52060{r}000000", f"县{r}", *[r * c + 0.25 for c in range(COLUMNS - 2)]] for r in range(ROWS)
]


def with_openpyxl() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "2020-Q4 季度分析"
    sheet["A1"].font = Font(bold=True, size=14)
    header = PatternFill("solid", fgColor="E8EEF7")
    for column in range(1, COLUMNS + 1):
        cell = sheet.cell(row=3, column=column, value=f"指标{column}")
        cell.fill = header
        sheet.column_dimensions[cell.column_letter].width = 14
    for r, row in enumerate(DATA, start=4):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if c > 2:
                cell.number_format = '0.0"%"'
    sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_xlsxwriter() -> bytes:
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "2020-Q4 季度分析", book.add_format({"bold": True, "font_size": 14}))
    header = book.add_format({"bg_color": "#E8EEF7"})
    rate = book.add_format({"num_format": '0.0"%"'})
    for column in range(COLUMNS):
        sheet.write(2, column, f"指标{column + 1}", header)
    sheet.set_column(0, COLUMNS - 1, 14)
    for r, row in enumerate(DATA, start=3):
        for c, value in enumerate(row):
            sheet.write(r, c, value, rate if c > 1 else None)
    sheet.freeze_panes(3, 2)
    book.close()
    return buffer.getvalue()


def with_own_writer() -> bytes:
    from households.spreadsheets import XlsxWriter

    buffer = io.BytesIO()
    with XlsxWriter(buffer) as book:
        book.sheet("县区比较", [f"指标{c}" for c in range(COLUMNS)], DATA)
    return buffer.getvalue()


def median_ms(write: Callable[[], bytes], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        write()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongren_fupin.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    results = {
        "openpyxl (styled)": median_ms(with_openpyxl, runs),
        "XlsxWriter (styled)": median_ms(with_xlsxwriter, runs),
        "own streaming writer (no styles)": median_ms(with_own_writer, runs),
    }
    base = results["XlsxWriter (styled)"]
    for name, ms in results.items():
        print(f"{name:34} {ms:7.2f} ms  ({ms / base:.2f}× XlsxWriter)")


if __name__ == "__main__":
    main()
