"""The household is the unit of a partial commit, and its per-capita income is never stale."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from households.models import AnnualIncome, Household, Member
from households.spreadsheets import write_error_report
from tests.households import import_files as f

pytestmark = pytest.mark.django_db

NO_1, NO_2, NO_3 = (f"{f.VILLAGE}{n:04d}" for n in (1, 2, 3))
BAD_ID = f.ids(1, start=6000)[0][:-1] + ("0" if f.ids(1, start=6000)[0][-1] != "0" else "1")
SKIPPED = "该户另有被拒绝的行（家庭成员表第 6 行），整户不导入，本行也不导入。"


def three_families() -> dict[str, list[dict[str, Any]]]:
    families = [f.family(1), f.family(2, size=4), f.family(3, size=2)]
    return {
        "households": [h for h, _m in families],
        "members": [m for _h, ms in families for m in ms],
        "incomes": [f.income(NO_1), f.income(NO_2), f.income(NO_3)],
    }


def test_a_household_with_a_refused_member_is_left_out_whole_with_valid_rows_only(operator):
    # given: household 2 has a member (sheet row 6) whose ID number has a wrong check character
    data = three_families()
    data["members"][4]["证件号码"] = BAD_ID
    content = f.workbook(**data)

    # when
    dry = f.run(content, operator)
    result = f.run(content, operator, commit=True, valid_only=True)

    # then: nothing of household 2 is written, the others are written whole
    assert result.written is True
    assert Household.objects.filter(household_no=NO_2).exists() is False
    assert Member.objects.filter(household__household_no=NO_2).exists() is False
    assert Member.objects.filter(id_number__in=[m["证件号码"] for m in data["members"][3:7]]
                                 ).exists() is False  # fmt: skip
    assert sorted(Household.objects.values_list("household_no", flat=True)) == [NO_1, NO_3]
    assert Member.objects.count() == 5
    # and household 2 is named with the reason of its refused row; its other rows depend on it
    assert list(result.skipped) == [NO_2]
    assert [(e.sheet, e.row, e.column, e.message) for e in result.skipped[NO_2]] == [
        ("家庭成员", 6, "证件号码", "证件号码的校验位不正确，请逐位核对。")
    ]
    assert f.errors_of(result) == [
        ("贫困户", 3, "户编号", SKIPPED),
        ("家庭成员", 5, "户编号", SKIPPED),
        ("家庭成员", 6, "证件号码", "证件号码的校验位不正确，请逐位核对。"),
        ("家庭成员", 7, "户编号", SKIPPED),
        ("家庭成员", 8, "户编号", SKIPPED),
        ("收入", 3, "户编号", SKIPPED),
    ]
    assert dry.counts == {
        "贫困户": {"new": 2, "updated": 0, "unchanged": 0, "invalid": 1},
        "家庭成员": {"new": 5, "updated": 0, "unchanged": 0, "invalid": 4},
        "收入": {"new": 2, "updated": 0, "unchanged": 0, "invalid": 1},
    }
    # and every written household's per-capita income is its income divided by its members
    for income in AnnualIncome.objects.select_related("household"):
        members = income.household.members.count()
        assert income.member_count == members
        assert income.per_capita_net_income == (income.net_income / members).quantize(
            Decimal("0.01")
        )


def test_a_refused_income_row_leaves_its_registered_household_untouched(operator):
    # given: household 1 is registered; the file changes its phone and adds a member, but its
    # income row is refused
    f.run(f.workbook(**three_families()), operator, commit=True)
    data = three_families()
    data["households"][0]["联系电话"] = "13900000000"
    data["members"].append(f.member(NO_1, f.ids(1, start=7000)[0]))
    data["incomes"][0]["工资性收入"] = -1

    result = f.run(f.workbook(**data), operator, commit=True, valid_only=True)

    assert list(result.skipped) == [NO_1]
    assert [(e.sheet, e.row, e.column) for e in result.skipped[NO_1]] == [("收入", 2, "工资性收入")]
    household = Household.objects.get(household_no=NO_1)
    assert (household.phone, household.version, household.members.count()) == (
        "13800000000", 1, 3,
    )  # fmt: skip


def test_the_error_report_has_a_sheet_of_the_households_left_out(operator):
    data = three_families()
    data["members"][4]["证件号码"] = BAD_ID
    result = f.run(f.workbook(**data), operator)
    target = io.BytesIO()

    write_error_report(target, result.errors, result.skipped)

    book = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue()))
    assert book.sheet_names == ["错误", "整户未导入"]
    assert book.get_sheet_by_name("整户未导入").to_python() == [
        ["户编号", "工作表", "行号", "列", "值", "原因"],
        [NO_2, "家庭成员", 6.0, "证件号码", BAD_ID, "证件号码的校验位不正确，请逐位核对。"],
    ]


def test_reimport_after_adding_a_member_updates_the_income_row_and_its_per_capita(operator):
    # given: household 1 imported with 3 members: 16500.75 / 3
    data = three_families()
    f.run(f.workbook(**data), operator, commit=True)
    income = AnnualIncome.objects.get(household__household_no=NO_1)
    assert (income.member_count, str(income.per_capita_net_income)) == (3, "5500.25")

    # when: the corrected file adds a fourth member; the income row itself is the same
    data["members"].insert(3, f.member(NO_1, f.ids(1, start=7000)[0]))
    content = f.workbook(**data)
    dry = f.run(content, operator)
    f.run(content, operator, commit=True)

    # then: the income row is reported updated and its per-capita recomputed
    assert dry.counts["收入"] == {"new": 0, "updated": 1, "unchanged": 2, "invalid": 0}
    assert dry.counts["家庭成员"]["new"] == 1
    income.refresh_from_db()
    assert (income.member_count, str(income.per_capita_net_income)) == (4, "4125.19")
    assert f.run(content, operator).counts["收入"]["unchanged"] == 3


def test_a_members_only_file_recomputes_the_latest_income_row_of_the_household(operator):
    # given: household 1 has income rows of 2019 and 2020 for 3 members
    data = three_families()
    data["incomes"].append(f.income(NO_1, year=2019))
    f.run(f.workbook(**data), operator, commit=True)

    # when: a file of members only adds a fourth one
    content = f.workbook(members=[f.member(NO_1, f.ids(1, start=7000)[0])])
    dry = f.run(content, operator)
    f.run(content, operator, commit=True)

    # then: the 2020 row is updated (reported), the 2019 row keeps its year's size
    assert dry.counts["收入"]["updated"] == 1
    assert dry.resized == [(NO_1, 2020, 3, 4)]
    sizes = dict(
        AnnualIncome.objects.filter(household__household_no=NO_1).values_list(
            "year", "member_count"
        )
    )
    assert sizes == {2019: 3, 2020: 4}
    latest = AnnualIncome.objects.get(household__household_no=NO_1, year=2020)
    assert str(latest.per_capita_net_income) == "4125.19"


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        (4, ("收入", 2, "年末家庭人口数",
             "年末家庭人口数 填为 4，但该户在家庭成员表和登记中共有 3 人。")),
        ("三", ("收入", 2, "年末家庭人口数", "年末家庭人口数 应为不小于 1 的整数。")),
    ],
    ids=["differs from the members", "not a number"],
)  # fmt: skip
def test_a_stated_household_size_that_disagrees_refuses_the_row(operator, stated, expected):
    data = three_families()
    data["incomes"][0]["年末家庭人口数"] = stated

    result = f.run(f.workbook(**data), operator)

    assert expected in f.errors_of(result)
    assert NO_1 in result.skipped


def test_a_stated_household_size_that_agrees_is_accepted(operator):
    data = three_families()
    data["incomes"][0]["年末家庭人口数"] = 3

    result = f.run(f.workbook(**data), operator, commit=True)

    assert result.errors == []
    assert AnnualIncome.objects.get(household__household_no=NO_1).member_count == 3


def test_a_file_without_the_household_size_column_still_imports(operator):
    headers = {"收入": [h for h in f.headers_of(f.INCOME_SHEET, []) if h != "年末家庭人口数"]}

    result = f.run(f.workbook(**three_families(), headers=headers), operator, commit=True)

    assert result.errors == []
    assert AnnualIncome.objects.count() == 3
