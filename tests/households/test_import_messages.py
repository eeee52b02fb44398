"""Every import rule speaks the county operator's language: one Chinese message per rule, under
the column it concerns, with no English word, Python type name or raw code in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.households import import_files as f
from tests.households.test_import_rules import RULES, _add, _set, good_file

pytestmark = pytest.mark.django_db

NO_1 = f"{f.VILLAGE}0001"
# Two letters in a row are an English word, a type name (int, bool, Decimal) or a code
# (general, out_of_province); a zero-padded number is a national code (01) shown raw.
FORBIDDEN = [
    (re.compile(r"[A-Za-z]{2,}"), "an English word, a type name or a code"),
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
    assert offences("“去年”的值应该是一个整型") == []  # Chinese type words: the rules above
    assert offences("值 'E' 不是有效选项。") != []
    assert offences("与户主关系为“户主”/01") != []
