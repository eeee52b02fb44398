"""The columns of an import: a column the format does not know is left out and listed, not a
reason to refuse the file; the income sub-items, where the sheet carries them, are the inputs
and add up to their totals (decision 0017)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from households.exports import register_write
from households.models import AnnualIncome, Household, Member
from households.resources import FileError
from tests.households import import_files as f

pytestmark = pytest.mark.django_db

NO_1, NO_2 = f"{f.VILLAGE}0001", f"{f.VILLAGE}0002"


def two_families(income: Any = f.income) -> dict[str, Any]:
    families = [f.family(1), f.family(2)]
    return {
        "households": [h for h, _m in families],
        "members": [m for _h, ms in families for m in ms],
        "incomes": [income(NO_1), income(NO_2)],
    }


def register_state() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), AnnualIncome.objects.count()


def with_extra(sheet: Any, rows: list[dict[str, Any]], **extra: Any) -> list[str]:
    """The headers of a sheet with more columns, each row given a value in them."""
    for row in rows:
        row.update(extra)
    return [*f.headers_of(sheet, rows), *extra]


def file_errors(content: bytes, operator: Any) -> list[tuple[str, int, str, str]]:
    with pytest.raises(FileError) as raised:
        f.run(content, operator)
    return [(e.sheet, e.row, e.column, e.message) for e in raised.value.errors]


# -- columns the format does not know ----------------------------------------------------------


@pytest.mark.sqlite
def test_columns_the_format_does_not_know_are_listed_by_sheet_and_not_imported(operator):
    data = two_families()
    headers = {
        "贫困户": with_extra(f.HOUSEHOLD_SHEET, data["households"], 住房面积=86, 卫生厕所="是"),
        "家庭成员": with_extra(f.MEMBER_SHEET, data["members"], 是否会讲普通话="是"),
        "收入": with_extra(f.INCOME_SHEET, data["incomes"], 备注="核实"),
    }
    content = f.workbook(**data, headers=headers)

    dry = f.run(content, operator)
    result = f.run(content, operator, commit=True)

    for run in (dry, result):
        assert run.errors == []
        assert run.ignored_columns == [
            ("贫困户", ["住房面积", "卫生厕所"]),
            ("家庭成员", ["是否会讲普通话"]),
            ("收入", ["备注"]),
        ]
    assert dry.counts["家庭成员"] == {"new": 6, "updated": 0, "unchanged": 0, "invalid": 0}
    assert result.written is True
    assert register_state() == (2, 6, 2)


def test_a_file_without_unknown_columns_lists_none(operator):
    assert f.run(f.workbook(**two_families()), operator).ignored_columns == []


def test_an_unknown_column_given_twice_is_listed_once(operator):
    data = two_families()
    headers = {"收入": [*f.headers_of(f.INCOME_SHEET, data["incomes"]), "备注", "备注"]}

    result = f.run(f.workbook(**data, headers=headers), operator)

    assert result.errors == []
    assert result.ignored_columns == [("收入", ["备注"])]


def test_an_unknown_column_in_a_csv_file_is_left_out_too(operator):
    import csv

    from households.importing.reading import bundle_csv_files

    data = two_families()
    files: list[tuple[str, bytes]] = []
    for sheet, rows in ((f.HOUSEHOLD_SHEET, data["households"]),
                        (f.MEMBER_SHEET, data["members"]),
                        (f.INCOME_SHEET, data["incomes"])):  # fmt: skip
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*f.headers_of(sheet, rows), "是否现役军人"])
        writer.writerows([*cells, "否"] for cells in f.sheet_rows(sheet, rows))
        files.append((f"upload{len(files)}.csv", buffer.getvalue().encode("utf-8-sig")))

    result = f.run(bundle_csv_files(files), operator, name="register.zip", commit=True)

    assert result.errors == []
    assert [sheet for sheet, _columns in result.ignored_columns] == ["贫困户", "家庭成员", "收入"]
    assert register_state() == (2, 6, 2)


def test_a_column_of_the_format_given_twice_still_refuses_the_file(operator):
    data = two_families()
    headers = {"家庭成员": [*f.MEMBER_SHEET.headers, "民族"]}

    errors = file_errors(f.workbook(**data, headers=headers), operator)

    assert errors == [("家庭成员", 1, "民族", "此列重复出现。")]
    assert register_state() == (0, 0, 0)


def test_a_missing_column_still_refuses_the_file_beside_an_unknown_one(operator):
    data = two_families()
    headers = [h if h != "民族" else "民族名称" for h in f.MEMBER_SHEET.headers]

    errors = file_errors(f.workbook(**data, headers={"家庭成员": headers}), operator)

    assert errors == [("家庭成员", 1, "民族", "缺少此列。")]


def test_data_under_an_empty_header_still_refuses_the_file(operator):
    data = two_families()
    data["incomes"][1][""] = "3000"
    names = f.headers_of(f.INCOME_SHEET, data["incomes"])
    headers = {"收入": [*names[:3], "", *names[3:]]}

    errors = file_errors(f.workbook(**data, headers=headers), operator)

    assert errors == [
        ("收入", 3, "第 4 列", "此列有数据但没有列名：请填上导入格式中的列名（本表的列为：户编号、"
                             "年度、工资性收入、生产经营性收入、生产经营性支出、财产性收入、"
                             "资产收益扶贫分红收入、土地流转收入、其他财产性收入、转移性收入、计划生育金、"
                             "低保金、五保金（特困供养金）、养老保险金、生态补偿金、其他转移性收入、"
                             "年末家庭人口数），或删去此列。")
    ]  # fmt: skip
    assert register_state() == (0, 0, 0)


def test_an_empty_header_over_an_empty_column_is_passed_over(operator):
    data = two_families()
    names = f.headers_of(f.INCOME_SHEET, data["incomes"])
    headers = {"收入": [*names[:3], "", *names[3:]]}

    result = f.run(f.workbook(**data, headers=headers), operator, commit=True)

    assert (result.errors, result.ignored_columns) == ([], [])
    assert register_state() == (2, 6, 2)


# -- income sub-items ----------------------------------------------------------------------------


ITEM_FIELDS = {
    "资产收益扶贫分红收入": "property_dividend",
    "土地流转收入": "property_land",
    "其他财产性收入": "property_other",
    "计划生育金": "transfer_family_planning",
    "低保金": "transfer_dibao",
    "五保金（特困供养金）": "transfer_tekun",
    "养老保险金": "transfer_pension",
    "生态补偿金": "transfer_ecological",
    "其他转移性收入": "transfer_other",
}


def split_of(income: AnnualIncome) -> dict[str, Decimal]:
    return {header: getattr(income, name) for header, name in ITEM_FIELDS.items()}


def exported(user: Any, fmt: str) -> bytes:
    target = io.BytesIO()
    register_write(actor=user, fmt=fmt, target=target)
    return target.getvalue()


@pytest.mark.sqlite
def test_sub_items_import_exactly_and_export_back_unchanged(operator):
    second = {"资产收益扶贫分红收入": 0, "土地流转收入": 200, "其他财产性收入": 0, "低保金": 1200,
              "五保金（特困供养金）": 600.25, "养老保险金": 0, "计划生育金": 0, "生态补偿金": 0,
              "其他转移性收入": 0}  # fmt: skip
    data = two_families()
    data["incomes"] = [f.itemised_income(NO_1), f.itemised_income(NO_2, **second)]

    result = f.run(f.workbook(**data), operator, commit=True)

    assert result.errors == []
    first = AnnualIncome.objects.get(household__household_no=NO_1)
    assert split_of(first) == {h: Decimal(str(v)) for h, v in f.ITEMS.items()}
    assert (first.property_total, first.transfer_total) == (Decimal(200), Decimal("1800.25"))
    assert (str(first.net_income), str(first.per_capita_net_income)) == ("16500.75", "5500.25")
    other = AnnualIncome.objects.get(household__household_no=NO_2)
    assert split_of(other) == {h: Decimal(str(v)) for h, v in second.items()}
    for fmt, name in (("xlsx", "export.xlsx"), ("zip", "export.zip")):
        again = f.run(exported(operator, fmt), operator, name=name)

        assert again.errors == []
        assert again.counts["收入"] == {"new": 0, "updated": 0, "unchanged": 2, "invalid": 0}
        assert sum(c["new"] + c["updated"] for c in again.counts.values()) == 0


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        pytest.param(
            {"财产性收入": 300}, "财产性收入",
            "财产性收入 填为 300，但其分项（资产收益扶贫分红收入、土地流转收入、其他财产性收入）"
            "合计为 200。",
            id="property",
        ),
        pytest.param(
            {"低保金": 800.5}, "转移性收入",
            "转移性收入 填为 1800.25，但其分项（计划生育金、低保金、五保金（特困供养金）、"
            "养老保险金、生态补偿金、其他转移性收入）合计为 1700.75。",
            id="transfer",
        ),
    ],
)  # fmt: skip
def test_a_total_that_differs_from_its_sub_items_is_refused_with_both_figures(
    operator, cells, column, message
):
    data = two_families(f.itemised_income)
    data["incomes"][0].update(cells)

    result = f.run(f.workbook(**data), operator, commit=True)

    assert [e for e in f.errors_of(result) if e[0] == "收入"] == [("收入", 2, column, message)]
    assert result.written is False
    assert register_state() == (0, 0, 0)


def test_only_some_sub_item_columns_count_the_others_as_zero(operator):
    data = two_families(lambda no: f.income(no, 低保金=1000, 养老保险金=800.25))

    result = f.run(f.workbook(**data), operator, commit=True)

    assert result.errors == []
    income = AnnualIncome.objects.get(household__household_no=NO_1)
    assert split_of(income) == {
        **dict.fromkeys(ITEM_FIELDS, Decimal(0)),
        "其他财产性收入": Decimal(200),  # the property group is given by its total only
        "低保金": Decimal(1000),
        "养老保险金": Decimal("800.25"),
    }
    assert income.transfer_total == Decimal("1800.25")


@pytest.mark.parametrize("header", ["五保金", "特困供养金"])
def test_the_other_names_of_the_tekun_column_are_read(operator, header):
    data = two_families(lambda no: f.income(no, 转移性收入=600, **{header: 600}))
    headers = {"收入": [*f.headers_of(f.INCOME_SHEET, data["incomes"]), header]}

    result = f.run(f.workbook(**data, headers=headers), operator, commit=True)

    assert result.errors == []
    assert AnnualIncome.objects.get(household__household_no=NO_1).transfer_tekun == 600


def test_a_negative_sub_item_is_refused_under_its_column(operator):
    data = two_families(f.itemised_income)
    data["incomes"][0].update(土地流转收入=-50, 其他财产性收入=130)

    result = f.run(f.workbook(**data), operator)

    assert ("收入", 2, "土地流转收入", "金额不能为负数。") in f.errors_of(result)


def test_a_negative_total_without_sub_items_is_refused_as_before(operator):
    data = two_families()
    data["incomes"][0]["财产性收入"] = -5

    result = f.run(f.workbook(**data), operator)

    assert [e for e in f.errors_of(result) if e[0] == "收入"] == [
        ("收入", 2, "财产性收入", "金额不能为负数。")
    ]


def test_a_registered_split_that_differs_from_the_file_is_updated(operator):
    f.run(f.workbook(**two_families()), operator, commit=True)
    before = AnnualIncome.objects.get(household__household_no=NO_1)
    assert (before.property_other, before.transfer_other) == (200, Decimal("1800.25"))

    dry = f.run(f.workbook(**two_families(f.itemised_income)), operator)
    result = f.run(f.workbook(**two_families(f.itemised_income)), operator, commit=True)

    assert dry.counts["收入"] == {"new": 0, "updated": 2, "unchanged": 0, "invalid": 0}
    assert result.counts["收入"]["updated"] == 2
    after = AnnualIncome.objects.get(pk=before.pk)
    assert split_of(after) == {h: Decimal(str(v)) for h, v in f.ITEMS.items()}
    assert after.net_income == before.net_income
    assert Household.objects.get(household_no=NO_1).version == 2


def test_a_file_without_sub_items_behaves_as_before(operator):
    f.run(f.workbook(**two_families(f.itemised_income)), operator, commit=True)

    same = f.run(f.workbook(**two_families()), operator)
    changed = two_families()
    changed["incomes"][0]["转移性收入"] = 2000
    result = f.run(f.workbook(**changed), operator, commit=True)

    # Same totals: the registered split stays; a changed total becomes the one "other" item.
    assert same.counts["收入"] == {"new": 0, "updated": 0, "unchanged": 2, "invalid": 0}
    assert result.counts["收入"] == {"new": 0, "updated": 1, "unchanged": 1, "invalid": 0}
    kept = AnnualIncome.objects.get(household__household_no=NO_2)
    assert split_of(kept) == {h: Decimal(str(v)) for h, v in f.ITEMS.items()}
    replaced = AnnualIncome.objects.get(household__household_no=NO_1)
    assert split_of(replaced) == {
        **{h: Decimal(str(v)) for h, v in f.ITEMS.items()},
        **dict.fromkeys(list(ITEM_FIELDS)[3:], Decimal(0)),
        "其他转移性收入": Decimal(2000),
    }


def test_a_national_export_with_many_more_columns_imports(operator):
    """A sheet laid out as the national system's: its own order, the sub-items, and columns
    this register does not keep."""
    data = two_families(f.itemised_income)
    book = Workbook()
    book.remove(book.active)
    extra = {"贫困户": ["住房面积", "有无卫生厕所"], "家庭成员": ["是否现役军人", "是否会讲普通话"],
             "收入": ["纯收入", "人均纯收入"]}  # fmt: skip
    for sheet, rows in ((f.HOUSEHOLD_SHEET, data["households"]),
                        (f.MEMBER_SHEET, data["members"]),
                        (f.INCOME_SHEET, data["incomes"])):  # fmt: skip
        names = [*reversed(f.headers_of(sheet, rows)), *extra[sheet.name]]
        worksheet = book.create_sheet(sheet.name)
        worksheet.append(names)
        for row in rows:
            worksheet.append([row.get(name, "1" if name in extra[sheet.name] else "")
                              for name in names])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)

    result = f.run(buffer.getvalue(), operator, commit=True)

    assert result.errors == []
    assert result.ignored_columns == list(extra.items())
    assert register_state() == (2, 6, 2)
