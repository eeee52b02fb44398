"""Every rule an import checks, with the Chinese reason it gives; a refused file writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from households.models import AnnualIncome, Household, Member
from households.resources import FileError
from tests.households import import_files as f
from tests.households.factories import BIJIANG_VILLAGE, MemberFactory, household_with_head

pytestmark = pytest.mark.django_db

NO_1, NO_2 = f"{f.VILLAGE}0001", f"{f.VILLAGE}0002"


def good_file() -> dict[str, Any]:
    """Two households with three members each and one income row each: all valid."""
    families = [f.family(1), f.family(2)]
    return {
        "households": [h for h, _m in families],
        "members": [m for _h, ms in families for m in ms],
        "incomes": [f.income(NO_1), f.income(NO_2)],
    }


def register_state() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), AnnualIncome.objects.count()


def test_a_good_file_checks_clean_then_imports_everything(operator):
    content = f.workbook(**good_file())

    dry = f.run(content, operator)
    assert dry.errors == []
    assert dry.counts == {
        "贫困户": {"new": 2, "updated": 0, "unchanged": 0, "invalid": 0},
        "家庭成员": {"new": 6, "updated": 0, "unchanged": 0, "invalid": 0},
        "收入": {"new": 2, "updated": 0, "unchanged": 0, "invalid": 0},
    }
    assert register_state() == (0, 0, 0)

    result = f.run(content, operator, commit=True)

    assert result.written is True
    household = Household.objects.get(household_no=NO_1)
    assert (household.region_id, household.status, household.exit_year) == (
        f.VILLAGE,
        "exited",
        2018,
    )
    assert (household.poverty_attribute, household.main_cause, household.other_causes) == (
        "general",
        "illness",
        ["capital", "skills"],
    )
    assert (household.housing_grade, household.water_safe, household.phone) == (
        "A",
        True,
        "13800000000",
    )
    head = household.members.get(relation="01")
    assert (head.name, head.ethnicity, head.work_status, head.work_months) == (
        "户主0001",
        "15",
        "out_of_province",
        8,
    )
    income = AnnualIncome.objects.get(household=household, year=2020)
    assert (income.wage, income.business, income.business_expense) == (12000, 3000.5, 500)
    assert (income.property_other, income.transfer_other, income.member_count) == (200, 1800.25, 3)
    assert str(income.net_income) == "16500.75"
    assert str(income.per_capita_net_income) == "5500.25"


def _set(sheet: str, index: int, **cells: Any) -> Callable[[dict[str, list]], None]:
    def change(data: dict[str, list]) -> None:
        data[sheet][index].update(cells)

    return change


def _add(sheet: str, row: dict[str, Any]) -> Callable[[dict[str, list]], None]:
    return lambda data: data[sheet].append(row)


def _both(*changes: Callable[[dict[str, list]], None]) -> Callable[[dict[str, list]], None]:
    def change(data: dict[str, list]) -> None:
        for one in changes:
            one(data)

    return change


ID_A, ID_B = f.ids(2, start=5000)
BAD_CHECKSUM = f.ids(1, start=6000)[0][:-1] + ("0" if f.ids(1, start=6000)[0][-1] != "0" else "1")

TWO_HEADS = ("每户必须有且只有一名户主（与户主关系为 户主），导入后该户将有 2 名"
             "（家庭成员表第 2、3 行）。")  # fmt: skip
# (id, change to the good file, expected (sheet, spreadsheet row, column, reason))
RULES: list[tuple[str, Callable[[dict[str, list]], None], list[tuple[str, int, str, str]]]] = [
    ("household number shape", _set("households", 0, 户编号="5206#"),
     [("贫困户", 2, "户编号", "请使用4到32位数字或字母。"),
      *[("家庭成员", n, "户编号", "贫困户表中没有此户，您管辖范围内的登记中也没有。")
        for n in (2, 3, 4)],
      ("收入", 2, "户编号", "贫困户表中没有此户，您管辖范围内的登记中也没有。")]),
    ("unknown region code", _set("households", 0, 村代码="520627999999"),
     [("贫困户", 2, "村代码", "没有这个代码的行政区划。")]),
    ("region is not a village", _set("households", 0, 村代码="520627100000"),
     [("贫困户", 2, "村代码", "家庭必须属于一个村（社区）。")]),
    ("poverty attribute not in the list", _set("households", 0, 贫困户属性="富裕户"),
     [("贫困户", 2, "贫困户属性",
       "贫困户属性 应为 一般贫困户、低保贫困户、特困供养贫困户 之一。")]),
    ("identification year not a number", _set("households", 0, 识别年度="二〇一四"),
     [("贫困户", 2, "识别年度", "识别年度 应为四位数字年份。")]),
    ("identification year too early", _set("households", 0, 识别年度=1999, 脱贫年度=""),
     [("贫困户", 2, "识别年度", "识别年度 不能早于 2000 年。")]),
    ("identification year empty", _set("households", 0, 识别年度=""),
     [("贫困户", 2, "识别年度", "识别年度 不能为空。")]),
    ("main cause not in the list", _set("households", 0, 主要致贫原因="因懒"),
     [("贫困户", 2, "主要致贫原因",
       "主要致贫原因 应为 因病、因残、因学、因灾、缺土地、缺水、缺技术、缺劳力、缺资金、"
       "交通条件落后等 之一。")]),
    ("other cause not in the list", _set("households", 0, 其他致贫原因="缺资金、因懒"),
     [("贫困户", 2, "其他致贫原因", "请从列表中选择其他致贫原因。")]),
    ("three other causes", _set("households", 0, 其他致贫原因="缺资金、缺技术、缺土地"),
     [("贫困户", 2, "其他致贫原因", "其他致贫原因最多2项。")]),
    ("main cause also another cause", _set("households", 0, 其他致贫原因="因病"),
     [("贫困户", 2, "其他致贫原因", "主要致贫原因不能同时作为其他致贫原因。")]),
    ("status not in the list", _set("households", 0, 脱贫状态="小康"),
     [("贫困户", 2, "脱贫状态", "脱贫状态 应为 贫困户、已脱贫、返贫、清退、边缘户 之一。")]),
    ("exit before identification", _set("households", 0, 脱贫年度=2013),
     [("贫困户", 2, "脱贫年度", "脱贫年度不能早于识别年度。")]),
    ("housing grade not in the list", _set("households", 0, 危房等级="E"),
     [("贫困户", 2, "危房等级", "危房等级 应为 A级、B级、C级、D级 之一。")]),
    ("water neither yes nor no", _set("households", 0, 饮水安全="有时"),
     [("贫困户", 2, "饮水安全", "饮水安全 只能填 是 或 否。")]),
    ("water empty", _set("households", 0, 饮水安全=""),
     [("贫困户", 2, "饮水安全", "饮水安全 不能为空。")]),
    ("phone shape", _set("households", 0, 联系电话="call me"),
     [("贫困户", 2, "联系电话", "请输入电话号码（5到20位数字）。")]),
    ("head ID malformed", _set("households", 0, 户主证件号码="12345"),
     [("贫困户", 2, "户主证件号码",
       "证件号码应为18位（最后一位可为X），旧版身份证为15位，残疾人证号为20位。")]),
    ("head ID is not the head of the members", _set("households", 0, 户主证件号码=ID_A),
     [("贫困户", 2, "户主证件号码",
       "户主证件号码 与家庭成员表中户主（与户主关系为 户主）的证件号码不一致。")]),
    ("head name is not the head's", _set("households", 1, 户主姓名="王五"),
     [("贫困户", 3, "户主姓名",
       "户主姓名 与家庭成员表中户主（与户主关系为 户主）的姓名（户主0002）不一致。")]),
    ("household number twice", _add("households", f.household(NO_1, ID_A)),
     [("贫困户", 2, "户编号", "户编号在本表中重复出现（第 2、4 行）。"),
      ("贫困户", 4, "户编号", "户编号在本表中重复出现（第 2、4 行）。")]),
    ("member name empty", _set("members", 1, 姓名=""),
     [("家庭成员", 3, "姓名", "姓名 不能为空。")]),
    ("member ID with an impossible birth date", _set("members", 1, 证件号码="522228198002300013"),
     [("家庭成员", 3, "证件号码", "证件号码中的出生日期 19800230 不存在。")]),
    ("member ID with a wrong check character", _set("members", 1, 证件号码=BAD_CHECKSUM),
     [("家庭成员", 3, "证件号码", "证件号码的校验位不正确，请逐位核对。")]),
    ("relation not in the list", _set("members", 1, 与户主关系="邻居"),
     [("家庭成员", 3, "与户主关系",
       "与户主关系 应为 户主、配偶、之子、之女、之儿媳、之女婿、之孙子、之孙女、之外孙子、"
       "之外孙女等 之一。")]),
    ("ethnicity not in the list", _set("members", 1, 民族="火星族"),
     [("家庭成员", 3, "民族",
       "民族 应为 汉族、蒙古族、回族、藏族、维吾尔族、苗族、彝族、壮族、布依族、朝鲜族等 之一。")]),
    ("both education and schooling", _set("members", 1, 在校生状况="高中一年级"),
     [("家庭成员", 3, "在校生状况",
       "在校生状况为非在校生或不填时须填写文化程度；在校生填写年级，不填文化程度。")]),
    ("not in school without education", _set("members", 1, 在校生状况="非在校生", 文化程度=""),
     [("家庭成员", 3, "在校生状况",
       "在校生状况为非在校生或不填时须填写文化程度；在校生填写年级，不填文化程度。")]),
    ("work months above 12", _set("members", 1, 务工时间=13),
     [("家庭成员", 3, "务工时间", "务工时间 不能大于 12。")]),
    ("work months without work status", _set("members", 1, 务工状况="未外出务工"),
     [("家庭成员", 3, "务工时间", "填写务工时间时必须选择务工状况。")]),
    ("insurance neither yes nor no", _set("members", 1, 大病保险="不知道"),
     [("家庭成员", 3, "大病保险", "大病保险 只能填 是 或 否。")]),
    ("member of an absent household", _set("members", 1, 户编号=f"{f.VILLAGE}9999"),
     [("家庭成员", 3, "户编号", "贫困户表中没有此户，您管辖范围内的登记中也没有。")]),
    ("ID twice in the file", _set("members", 4, 证件号码=f.family(1)[1][2]["证件号码"]),
     [("家庭成员", 4, "证件号码", "该证件号码在文件中重复出现（家庭成员表第 4、6 行）。"),
      ("家庭成员", 6, "证件号码", "该证件号码在文件中重复出现（家庭成员表第 4、6 行）。")]),
    ("two heads", _set("members", 1, 与户主关系="户主"),
     [("贫困户", 2, "户主证件号码", TWO_HEADS),
      ("家庭成员", 2, "与户主关系", TWO_HEADS),
      ("家庭成员", 3, "与户主关系", TWO_HEADS)]),
    ("income year not a number", _set("incomes", 0, 年度="去年"),
     [("收入", 2, "年度", "年度 应为四位数字年份。")]),
    ("negative income", _set("incomes", 0, 工资性收入=-5),
     [("收入", 2, "工资性收入", "金额不能为负数。")]),
    ("income not a number", _set("incomes", 0, 转移性收入="很多"),
     [("收入", 2, "转移性收入", "转移性收入 应为金额（以元为单位的数字）。")]),
    ("income items that do not add up to the total",
     _both(_set("incomes", 0, 低保金=100), _set("incomes", 1, 低保金=1800.25)),
     [("收入", 2, "转移性收入", "转移性收入 填为 1800.25，但其分项（低保金）合计为 100。")]),
    ("income year twice", _add("incomes", f.income(NO_1)),
     [("收入", 2, "年度", "该户的这一年度在本表中重复出现（第 2、4 行）。"),
      ("收入", 4, "年度", "该户的这一年度在本表中重复出现（第 2、4 行）。")]),
    ("income of an absent household", _add("incomes", f.income(f"{f.VILLAGE}9999")),
     [("收入", 4, "户编号", "贫困户表中没有此户，您管辖范围内的登记中也没有。")]),
]  # fmt: skip


# Rows of a household whose own row is invalid cannot be imported either (see the test below),
# nor rows of a household with another refused row (tests/households/test_import_households_whole).
DEPENDENT = {
    "该户在贫困户表第 2 行有错误，本行也不能导入。",
    "该户在贫困户表第 3 行有错误，本行也不能导入。",
}
LEFT_OUT = "该户另有被拒绝的行"


@pytest.mark.parametrize(("change", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rule_gives_its_reason_and_writes_nothing(operator, change, expected):
    data = good_file()
    change(data)
    content = f.workbook(**data)

    dry = f.run(content, operator)
    committed = f.run(content, operator, commit=True)

    assert [
        error
        for error in f.errors_of(dry)
        if error[3] not in DEPENDENT and not error[3].startswith(LEFT_OUT)
    ] == expected
    assert committed.written is False
    assert register_state() == (0, 0, 0)


def test_a_county_supervisor_cannot_import_another_countys_village(county_supervisor):
    data = good_file()
    data["households"][0]["村代码"] = BIJIANG_VILLAGE

    result = f.run(f.workbook(**data), county_supervisor, commit=True)

    assert f.errors_of(result)[0] == ("贫困户", 2, "村代码", "该村不在您的管辖范围内。")
    assert result.written is False
    assert register_state() == (0, 0, 0)


def test_an_id_registered_in_another_household_is_refused(operator):
    other = household_with_head(household_no=f"{f.VILLAGE}7777")
    taken = other.members.get().id_number
    data = good_file()
    data["members"][1]["证件号码"] = taken

    result = f.run(f.workbook(**data), operator, commit=True)

    assert [e for e in f.errors_of(result) if not e[3].startswith(LEFT_OUT)] == [
        ("家庭成员", 3, "证件号码", "该证件号码已在其他家庭登记。")
    ]
    assert register_state() == (1, 1, 0)


def test_members_of_a_registered_household_outside_the_jurisdiction_are_refused(
    county_supervisor,
):
    outside = household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")
    row = f.member(outside.household_no, ID_A)

    result = f.run(f.workbook(members=[row]), county_supervisor, commit=True)

    assert f.errors_of(result) == [
        ("家庭成员", 2, "户编号", "贫困户表中没有此户，您管辖范围内的登记中也没有。")
    ]
    assert Member.objects.filter(id_number=ID_A).exists() is False


def test_a_household_number_of_another_county_is_refused(county_supervisor):
    household_with_head(region_id=BIJIANG_VILLAGE, household_no=NO_1)
    data = good_file()

    result = f.run(f.workbook(**data), county_supervisor)

    assert f.errors_of(result)[0] == (
        "贫困户", 2, "户编号", "该户编号属于您管辖范围以外的农户。"
    )  # fmt: skip


def test_a_members_only_file_may_add_to_a_registered_household(operator):
    household = household_with_head(household_no=NO_1)

    result = f.run(f.workbook(members=[f.member(NO_1, ID_A)]), operator, commit=True)

    assert result.errors == []
    assert household.members.get(id_number=ID_A).relation == "03"
    household.refresh_from_db()
    assert household.version == 2


def test_a_members_only_file_that_leaves_a_household_without_head_is_refused(operator):
    household = household_with_head(household_no=NO_1)
    head = household.members.get()
    row = f.member(NO_1, head.id_number, "配偶", 姓名=head.name)

    result = f.run(f.workbook(members=[row]), operator, commit=True)

    assert f.errors_of(result) == [
        ("家庭成员", 2, "与户主关系",
         "该户在家庭成员表第 2 行中没有户主（与户主关系为 户主），登记中也没有。")
    ]  # fmt: skip
    assert household.members.get().relation == "01"


def test_the_head_changes_when_the_file_swaps_relations(operator):
    household = household_with_head(household_no=NO_1)
    old_head = household.members.get()
    son: Any = MemberFactory(household=household, relation="03")
    rows = [
        f.member(NO_1, old_head.id_number, "之父", 姓名=old_head.name),
        f.member(NO_1, son.id_number, "户主", 姓名=son.name),
    ]

    result = f.run(f.workbook(members=rows), operator, commit=True)

    assert result.errors == []
    assert household.members.get(relation="01").pk == son.pk
    assert household.members.get(pk=old_head.pk).relation == "11"


# -- the file as a whole --------------------------------------------------------------------------


def _file_error(content: bytes, operator: Any, name: str = "register.xlsx") -> list[tuple]:
    with pytest.raises(FileError) as raised:
        f.run(content, operator, name=name)
    return [(e.sheet, e.row, e.column, e.message) for e in raised.value.errors]


def test_a_missing_column_is_named(operator):
    data = good_file()
    headers = [h for h in f.MEMBER_SHEET.headers if h != "民族"]

    errors = _file_error(f.workbook(**data, headers={"家庭成员": headers}), operator)

    assert errors == [("家庭成员", 1, "民族", "缺少此列。")]
    assert register_state() == (0, 0, 0)


def test_an_empty_file_is_refused(operator):
    assert _file_error(b"", operator) == [("", 0, "", "文件是空的。")]


def test_a_workbook_with_headers_only_is_refused(operator):
    content = f.workbook(households=[], members=[], incomes=[])

    assert _file_error(content, operator) == [("", 0, "", "文件中没有数据行，只有列名。")]


def test_a_text_file_renamed_xlsx_is_refused(operator):
    content = "户编号,村代码\n5206271002000001,520627100200\n".encode()

    assert _file_error(content, operator) == [
        ("", 0, "", "这不是 XLSX 工作簿（可能是把其他文件改成了 .xlsx 扩展名）。")
    ]


def test_a_workbook_without_register_sheets_is_refused(operator):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)

    assert _file_error(buffer.getvalue(), operator) == [
        ("", 0, "", "文件中没有 贫困户、家庭成员、收入 中的任何一个工作表。")
    ]


def test_blank_trailing_rows_are_ignored(operator):
    content = f.workbook(**good_file(), blank_rows=10_000)

    dry = f.run(content, operator)
    result = f.run(content, operator, commit=True)

    assert dry.errors == []
    assert {sheet: counts["new"] for sheet, counts in dry.counts.items()} == {
        "贫困户": 2,
        "家庭成员": 6,
        "收入": 2,
    }
    assert sum(counts["invalid"] for counts in dry.counts.values()) == 0
    assert result.written is True
    assert register_state() == (2, 6, 2)


def test_csv_files_per_sheet_import_like_the_workbook(operator):
    import csv
    import io

    from households.importing.reading import bundle_csv_files

    data = good_file()
    files: list[tuple[str, bytes]] = []
    for sheet, rows in ((f.HOUSEHOLD_SHEET, data["households"]),
                        (f.MEMBER_SHEET, data["members"]),
                        (f.INCOME_SHEET, data["incomes"])):  # fmt: skip
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(f.headers_of(sheet, rows))
        writer.writerows(f.sheet_rows(sheet, rows))
        encoding = "gb18030" if sheet is f.MEMBER_SHEET else "utf-8-sig"
        files.append((f"upload{len(files)}.csv", buffer.getvalue().encode(encoding)))

    result = f.run(bundle_csv_files(files), operator, name="register.zip", commit=True)

    assert result.errors == []
    assert register_state() == (2, 6, 2)


def test_one_bad_row_among_a_thousand_writes_nothing_and_is_named_exactly(operator):
    families = [f.family(i, size=2) for i in range(1, 251)]
    data: dict[str, Any] = {
        "households": [h for h, _m in families],
        "members": [m for _h, ms in families for m in ms],
        "incomes": [f.income(h["户编号"]) for h, _m in families],
    }  # 250 + 500 + 250 = 1,000 good rows
    bad = f.member(families[99][0]["户编号"], BAD_CHECKSUM)
    data["members"].insert(300, bad)
    content = f.workbook(**data)

    result = f.run(content, operator, commit=True)

    assert [e for e in f.errors_of(result) if not e[3].startswith(LEFT_OUT)] == [
        ("家庭成员", 302, "证件号码", "证件号码的校验位不正确，请逐位核对。")
    ]
    assert result.written is False
    assert register_state() == (0, 0, 0)

    result = f.run(content, operator, commit=True, valid_only=True)

    assert result.written is True
    assert register_state() == (249, 498, 249)  # the household of the bad row is left out
    assert Household.objects.filter(household_no=families[99][0]["户编号"]).exists() is False
    assert Member.objects.filter(id_number=BAD_CHECKSUM).exists() is False


def test_rows_of_a_household_whose_row_is_invalid_are_named_as_dependent(operator):
    data = good_file()
    data["households"][1]["联系电话"] = "call me"

    result = f.run(f.workbook(**data), operator)

    dependent = "该户在贫困户表第 3 行有错误，本行也不能导入。"
    assert f.errors_of(result) == [
        ("贫困户", 3, "联系电话", "请输入电话号码（5到20位数字）。"),
        ("家庭成员", 5, "户编号", dependent),
        ("家庭成员", 6, "户编号", dependent),
        ("家庭成员", 7, "户编号", dependent),
        ("收入", 3, "户编号", dependent),
    ]
    assert result.counts["家庭成员"] == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 3}


def test_the_portable_write_path_writes_what_copy_writes(operator):
    """Without PostgreSQL's COPY (the embedded SQLite of a first run) rows go in with
    bulk_create; the result is the same register."""
    content = f.workbook(**good_file())

    result = f.run(content, operator, commit=True, use_copy=False)

    assert result.written is True
    assert register_state() == (2, 6, 2)
    household = Household.objects.get(household_no=NO_1)
    assert household.members.get(relation="01").name == "户主0001"
    assert str(household.incomes.get().per_capita_net_income) == "5500.25"
    assert f.run(content, operator).counts["家庭成员"]["unchanged"] == 6
