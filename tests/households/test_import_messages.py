"""Every import rule speaks the county operator's language: one Chinese message per rule, under
the column it concerns, with no English word, Python type name or raw code in it."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from households.models import AnnualIncome
from households.resources import FileError
from tests.households import import_files as f
from tests.households.factories import BIJIANG_VILLAGE, HouseholdFactory, household_with_head
from tests.households.test_import_rules import BAD_CHECKSUM, RULES, _add, _set, good_file

pytestmark = pytest.mark.django_db

NO_1 = f"{f.VILLAGE}0001"
# The Latin words an operator meets in his own tools: file types (as Excel, WPS and a file name
# show them) and sizes. Anything else of two letters in a row is an English word, a type name
# (int, bool, Decimal, UTF-8) or a code (general, out_of_province). A zero-padded number is a
# national code (01) shown raw.
FILE_WORDS = re.compile(r"(?<![A-Za-z])(?:xlsx|csv|zip|excel|wps|gb|mb)(?![A-Za-z0-9])", re.I)
FORBIDDEN = [
    (re.compile(r"[A-Za-z]{2,}"), "an English word, a type name or a code"),
    # Python's types as Django's and DRF's catalogues name them in Chinese ("“去年”的值应该是一个
    # 整型", "必须是有效的布尔值"), and their generic wording that names neither field nor rule.
    (re.compile(r"整型|整数型|布尔|浮点|十进制|字符串|主键|字典"), "a type name in Chinese"),
    (
        re.compile(r"有效选项|合法选项|有效的选项|可用的选项|的值应该|值必须"),
        "Django's wording instead of the rule",
    ),
    (re.compile(r"(?<!\d)0\d(?!\d)"), "a raw numeric code"),
    (re.compile(r"%\(|\{\w*\}"), "an unfilled placeholder"),
    (re.compile(r"'"), "a quoted Python value"),
]

# Rules the file-level table does not cover: (id, change, (sheet, row, column, message) expected).
MORE_RULES: list[tuple[str, Callable[[dict[str, list]], None], tuple[str, int, str, str]]] = [
    ("head name empty", _set("households", 0, 户主姓名=""),
     ("贫困户", 2, "户主姓名", "户主姓名 不能为空。")),
    ("head ID empty", _set("households", 0, 户主证件号码=""),
     ("贫困户", 2, "户主证件号码", "户主证件号码 不能为空。")),
    ("no head among the members",
     lambda data: data["members"][0].update(与户主关系="配偶"),
     ("贫困户", 2, "户主证件号码",
      "该户在家庭成员表第 2、3、4 行中没有户主（与户主关系为 户主），登记中也没有。")),
    ("household size stated wrong", _set("incomes", 0, 年末家庭人口数=5),
     ("收入", 2, "年末家庭人口数", "年末家庭人口数 填为 5，但该户在家庭成员表和登记中共有 3 人。")),
    ("household size not a number", _set("incomes", 0, 年末家庭人口数="三口"),
     ("收入", 2, "年末家庭人口数", "年末家庭人口数 应为不小于 1 的整数。")),
    ("income year too late", _set("incomes", 0, 年度=2101),
     ("收入", 2, "年度", "年度 不能晚于 2100 年。")),
    ("too many decimals", _set("incomes", 0, 工资性收入="12.345"),
     ("收入", 2, "工资性收入", "工资性收入 最多保留两位小数（到分）。")),
    ("name too long", _set("members", 1, 姓名="名" * 51),
     ("家庭成员", 3, "姓名", "姓名 最多 50 个字。")),
    ("work months not a number", _set("members", 1, 务工时间="半年"),
     ("家庭成员", 3, "务工时间", "务工时间 应为整数。")),
    ("a second head further down the sheet",
     _add("members", f.head(f"{f.VILLAGE}0001", f.ids(1, start=8000)[0])),
     ("家庭成员", 8, "与户主关系",
      "每户必须有且只有一名户主（与户主关系为 户主），导入后该户将有 2 名"
      "（家庭成员表第 2、8 行）。")),
]  # fmt: skip


def messages_of(change: Callable[[dict[str, list]], None], operator: Any) -> list[tuple]:
    data = good_file()
    change(data)
    return f.errors_of(f.run(f.workbook(**data), operator))


def offences(message: str) -> list[str]:
    message = FILE_WORDS.sub("", message)
    return [what for pattern, what in FORBIDDEN if pattern.search(message)]


@pytest.mark.parametrize(
    "change", [r[1] for r in RULES] + [r[1] for r in MORE_RULES],
    ids=[r[0] for r in RULES] + [r[0] for r in MORE_RULES],
)  # fmt: skip
def test_every_message_of_every_rule_is_in_the_domains_words(operator, change):
    found = messages_of(change, operator)

    assert found, "the rule gave no message"
    bad = [(column, message, offences(message)) for _s, _r, column, message in found
           if offences(message)]  # fmt: skip
    assert bad == []


@pytest.mark.parametrize(
    ("change", "expected"), [r[1:] for r in MORE_RULES], ids=[r[0] for r in MORE_RULES]
)
def test_each_further_rule_is_reported_under_its_column(operator, change, expected):
    assert expected in messages_of(change, operator)


def test_a_choice_error_lists_what_is_accepted_or_the_first_ten_and_etc(operator):
    grade = messages_of(_set("households", 0, 危房等级="E"), operator)
    relation = messages_of(_set("members", 1, 与户主关系="邻居"), operator)

    assert ("贫困户", 2, "危房等级", "危房等级 应为 A级、B级、C级、D级 之一。") in grade
    listed = next(m for _s, _r, column, m in relation if column == "与户主关系")
    assert listed.count("、") == 9 and "等 之一" in listed


def test_the_checker_itself_catches_programmer_wording():
    assert offences("“也许”的值应该为True或False") != []
    assert offences("“去年”的值应该是一个整型") != []
    assert offences("必须是有效的布尔值。") != []
    assert offences("“1.5”的值应该是一个浮点数") != []
    assert offences("选择一个有效的选项： 该选择不在可用的选项中。") != []
    assert offences("值 E 不是有效选项。") != []
    assert offences("值 'E' 不是有效选项。") != []
    assert offences("与户主关系为“户主”/01") != []
    assert offences("CSV 文件既不是 UTF-8 编码也不是 GB18030 编码的文本。") != []
    assert offences("无法读取该 XLSX 工作簿：Zip error: invalid Zip archive") != []
    # The file types an operator saves from Excel or WPS are his words, not a programmer's.
    assert offences("请上传 .xlsx 工作簿、.csv 文件或 CSV 文件的 .zip 压缩包。") == []
    assert offences("入户路类型 应为 水泥路、砂石路 之一。") == []


# -- the file as a whole, and the rules that need a register ------------------------------------


def _zip(*files: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def _other_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _headers(sheet: str, names: list[str]) -> bytes:
    return f.workbook(**good_file(), headers={sheet: names})


def _empty_header_above_data() -> bytes:
    """A column with no name above a figure (a column the format does not know is only listed:
    decision 0017)."""
    data = good_file()
    data["incomes"][0][""] = "3000"
    names = f.headers_of(f.INCOME_SHEET, data["incomes"])
    return f.workbook(**data, headers={"收入": [*names[:3], "", *names[3:]]})


INCOME_CSV = ",".join(f.INCOME_SHEET.headers).encode() + b"\n" + f"{NO_1},2020".encode()
# (id, the file, its name): each refused as a whole, before any row is read.
FILE_RULES: list[tuple[str, Callable[[], bytes], str]] = [
    ("column twice", lambda: _headers("收入", [*f.INCOME_SHEET.headers, "年度"]), "r.xlsx"),
    ("data under an empty header", lambda: _empty_header_above_data(), "r.xlsx"),
    ("missing column",
     lambda: _headers("家庭成员", [h for h in f.MEMBER_SHEET.headers if h != "民族"]), "r.xlsx"),
    ("empty file", lambda: b"", "r.xlsx"),
    ("headers only", lambda: f.workbook(households=[], members=[], incomes=[]), "r.xlsx"),
    ("not a workbook", lambda: INCOME_CSV, "r.xlsx"),
    ("unreadable workbook", lambda: _zip(("notes.txt", b"not a workbook")), "r.xlsx"),
    ("no register sheet", _other_workbook, "r.xlsx"),
    ("another file type", lambda: INCOME_CSV, "r.txt"),
    ("CSV in an unknown encoding", lambda: b"\xff\xfe\xfa\xfb,\xff\n", "收入.csv"),
    ("CSV of no sheet", lambda: b"a,b\n1,2\n", "x.csv"),
    ("not a ZIP", lambda: INCOME_CSV, "r.zip"),
    ("two CSV of one sheet", lambda: _zip(("a/收入.csv", INCOME_CSV), ("b/收入.csv", INCOME_CSV)),
     "r.zip"),
]  # fmt: skip


def file_messages(content: bytes, operator: Any, name: str) -> list[str]:
    with pytest.raises(FileError) as raised:
        f.run(content, operator, name=name)
    return [error.message for error in raised.value.errors]


@pytest.mark.parametrize(("content", "name"), [r[1:] for r in FILE_RULES],
                         ids=[r[0] for r in FILE_RULES])  # fmt: skip
def test_every_message_about_the_file_is_in_the_domains_words(operator, content, name):
    found = file_messages(content(), operator, name)

    assert found, "the file gave no message"
    assert [(message, offences(message)) for message in found if offences(message)] == []


def test_a_csv_too_large_in_a_zip_is_refused_in_the_domains_words(operator, monkeypatch):
    monkeypatch.setattr("households.importing.reading.MAX_CSV_BYTES", 10)

    found = file_messages(_zip(("收入.csv", INCOME_CSV)), operator, "r.zip")

    assert found == ["ZIP 中的 CSV 文件超过 1 GB。"]
    assert offences(found[0]) == []


def test_an_unreadable_workbook_gives_a_reason_and_keeps_the_librarys_error_in_the_log(
    operator, caplog
):
    content = _zip(("notes.txt", b"not a workbook"))

    with caplog.at_level(logging.WARNING, logger="households.importing.reading"):
        found = file_messages(content, operator, "r.xlsx")

    assert found == [
        "无法读取该 XLSX 工作簿：文件可能已损坏或没有保存完整。"
        "请在 Excel 或 WPS 中打开，另存为 .xlsx 工作簿后重新上传。"
    ]
    logged = [r for r in caplog.records if r.name == "households.importing.reading"]
    assert len(logged) == 1 and logged[0].exc_info is not None


def test_a_csv_in_an_unknown_encoding_says_how_to_save_it(operator):
    assert file_messages(b"\xff\xfe\xfa\xfb,\xff\n", operator, "收入.csv") == [
        "无法识别该 CSV 文件中的文字。请在 Excel 或 WPS 中把该表另存为“CSV（逗号分隔）”后重新上传。"
    ]


def _outside_village(data: dict[str, list], request: Any) -> Any:
    data["households"][0]["村代码"] = BIJIANG_VILLAGE
    return request.getfixturevalue("county_supervisor")


def _number_of_another_county(data: dict[str, list], request: Any) -> Any:
    household_with_head(region_id=BIJIANG_VILLAGE, household_no=NO_1)
    return request.getfixturevalue("county_supervisor")


def _id_registered_elsewhere(data: dict[str, list], request: Any) -> Any:
    other = household_with_head(household_no=f"{f.VILLAGE}7777")
    data["members"][1]["证件号码"] = other.members.get().id_number
    return request.getfixturevalue("operator")


def _income_of_a_household_without_members(data: dict[str, list], request: Any) -> Any:
    HouseholdFactory(household_no=f"{f.VILLAGE}0009")
    data["incomes"].append(f.income(f"{f.VILLAGE}0009"))
    return request.getfixturevalue("operator")


def _household_row_refused(data: dict[str, list], request: Any) -> Any:
    data["households"][0]["联系电话"] = "call me"
    return request.getfixturevalue("operator")


def _member_refused(data: dict[str, list], request: Any) -> Any:
    data["members"][1]["证件号码"] = BAD_CHECKSUM
    return request.getfixturevalue("operator")


# (id, a change to the good file that returns the importer, the message expected among others)
REGISTER_RULES: list[tuple[str, Callable[[dict[str, list], Any], Any], tuple]] = [
    ("village outside the jurisdiction", _outside_village,
     ("贫困户", 2, "村代码", "该村不在您的管辖范围内。")),
    ("household number of another county", _number_of_another_county,
     ("贫困户", 2, "户编号", "该户编号属于您管辖范围以外的农户。")),
    ("ID registered in another household", _id_registered_elsewhere,
     ("家庭成员", 3, "证件号码", "该证件号码已在其他家庭登记。")),
    ("income of a household without members", _income_of_a_household_without_members,
     ("收入", 4, "户编号", "该户没有家庭成员，无法计算人均纯收入。")),
    ("rows of a household whose row is refused", _household_row_refused,
     ("家庭成员", 2, "户编号", "该户在贫困户表第 2 行有错误，本行也不能导入。")),
    ("rows of a household with a refused member", _member_refused,
     ("家庭成员", 2, "户编号",
      "该户另有被拒绝的行（家庭成员表第 3 行），整户不导入，本行也不导入。")),
]  # fmt: skip


@pytest.mark.parametrize(("change", "expected"), [r[1:] for r in REGISTER_RULES],
                         ids=[r[0] for r in REGISTER_RULES])  # fmt: skip
def test_the_rules_against_the_register_speak_the_domains_words(request, change, expected):
    data = good_file()
    importer = change(data, request)

    found = f.errors_of(f.run(f.workbook(**data), importer))

    assert expected in found
    assert [(m, offences(m)) for _s, _r, _c, m in found if offences(m)] == []


def test_an_income_row_of_a_household_without_members_is_refused(operator):
    household = HouseholdFactory(household_no=f"{f.VILLAGE}0009")  # registered, nobody in it
    content = f.workbook(incomes=[f.income(household.household_no)])

    result = f.run(content, operator, commit=True, valid_only=True)

    assert f.errors_of(result) == [("收入", 2, "户编号", "该户没有家庭成员，无法计算人均纯收入。")]
    assert result.counts["收入"] == {"new": 0, "updated": 0, "unchanged": 0, "invalid": 1}
    assert AnnualIncome.objects.filter(household=household).exists() is False
