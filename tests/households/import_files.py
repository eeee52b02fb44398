"""Small register files for the import tests, built with openpyxl as the national system would."""

from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from households.importing.run import Result, run_import
from households.models import AnnualIncome
from households.resources import HOUSEHOLD_SHEET, INCOME_SHEET, MEMBER_SHEET, Sheet
from tests.households.factories import make_id

VILLAGE = "520627100200"  # 太岭村, 沿河
VILLAGE_2 = "520627100201"


def household(no: str, head_id: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "户编号": no,
        "村代码": VILLAGE,
        "户主姓名": f"户主{no[-4:]}",
        "户主证件号码": head_id,
        "贫困户属性": "一般贫困户",
        "识别标准": "国家标准",
        "识别年度": 2014,
        "主要致贫原因": "因病",
        "其他致贫原因": "缺资金、缺技术",
        "脱贫状态": "已脱贫（享受政策）",
        "脱贫年度": 2018,
        "危房等级": "A级（安全）",
        "饮水安全": "是",
        "联系电话": "13800000000",
    }
    row.update(overrides)
    return row


def member(no: str, id_number: str, relation: str = "之子", **overrides: Any) -> dict[str, Any]:
    row = {
        "户编号": no,
        "姓名": f"成员{id_number[-5:]}",
        "证件号码": id_number,
        "与户主关系": relation,
        "民族": "土家族",
        "文化程度": "初中",
        "在校生状况": "",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "务工状况": "省外务工",
        "务工时间": 8,
        "城乡居民基本医疗保险": "是",
        "大病保险": "是",
        "养老保险": "否",
    }
    row.update(overrides)
    return row


def head(no: str, id_number: str, **overrides: Any) -> dict[str, Any]:
    return member(no, id_number, "户主", 姓名=f"户主{no[-4:]}", **overrides)


def income(no: str, year: int = 2020, **overrides: Any) -> dict[str, Any]:
    row = {
        "户编号": no,
        "年度": year,
        "工资性收入": 12000,
        "生产经营性收入": 3000.5,
        "生产经营性支出": 500,
        "财产性收入": 200,
        "转移性收入": 1800.25,
    }
    row.update(overrides)
    return row


# The income sub-item columns: a file has them only where its rows give them (the national
# files seen before carried the two totals only).
ITEM_HEADERS = frozenset(
    c.header for c in INCOME_SHEET.columns if c.field in (*AnnualIncome.PROPERTY,
                                                          *AnnualIncome.TRANSFER)
)  # fmt: skip
ITEMS = {
    "资产收益扶贫分红收入": 120,
    "土地流转收入": 50,
    "其他财产性收入": 30,
    "计划生育金": 100,
    "低保金": 900,
    "五保金（特困供养金）": 0,
    "养老保险金": 600.25,
    "生态补偿金": 150,
    "其他转移性收入": 50,
}  # adds up to the totals of ``income``: 200 and 1800.25


def itemised_income(no: str, year: int = 2020, **overrides: Any) -> dict[str, Any]:
    """An income row with every sub-item, adding up to its totals."""
    return income(no, year, **{**ITEMS, **overrides})


def ids(count: int, start: int = 0) -> list[str]:
    """Distinct valid ID numbers."""
    base = datetime.date(1960, 1, 1)
    return [
        make_id(base + datetime.timedelta(days=(start + n) // 900), sequence=(start + n) % 900 + 1)
        for n in range(count)
    ]


def family(index: int, size: int = 3) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A household row and its members (the head first)."""
    no = f"{VILLAGE}{index:04d}"
    numbers = ids(size, start=index * 10)
    rows = [head(no, numbers[0])]
    rows += [member(no, number) for number in numbers[1:]]
    return household(no, numbers[0]), rows


def headers_of(sheet: Sheet, rows: list[dict[str, Any]]) -> list[str]:
    """The sheet's headers, the income sub-items only if a row gives them."""
    given = {key for row in rows for key in row}
    return [h for h in sheet.headers if h not in ITEM_HEADERS or h in given]


def sheet_rows(sheet: Sheet, rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[row.get(header, "") for header in headers_of(sheet, rows)] for row in rows]


def workbook(
    households: list[dict[str, Any]] | None = None,
    members: list[dict[str, Any]] | None = None,
    incomes: list[dict[str, Any]] | None = None,
    headers: dict[str, list[str]] | None = None,
    blank_rows: int = 0,
) -> bytes:
    """An XLSX workbook with the given sheets (``None`` leaves a sheet out)."""
    book = Workbook()
    book.remove(book.active)
    for sheet, rows in (
        (HOUSEHOLD_SHEET, households),
        (MEMBER_SHEET, members),
        (INCOME_SHEET, incomes),
    ):
        if rows is None:
            continue
        worksheet = book.create_sheet(sheet.name)
        names = (headers or {}).get(sheet.name) or headers_of(sheet, rows)
        worksheet.append(names)
        for row in rows:
            worksheet.append([row.get(name, "") for name in names])
        for _n in range(blank_rows):
            worksheet.append([" ", None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(content: bytes, actor: Any, name: str = "register.xlsx", **options: Any) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return run_import(path=path, original_name=name, actor=actor, **options)


def errors_of(result: Result) -> list[tuple[str, int, str, str]]:
    return [(e.sheet, e.row, e.column, e.message) for e in result.errors]
