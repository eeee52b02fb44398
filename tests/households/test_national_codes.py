"""Every value of every code list of the national household form imports and exports back
unchanged (issue 17, acceptance 1), and the lists are the ones of the domain brief §4.2–§4.4."""

from __future__ import annotations

import io
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from households.choices import (
    Cause,
    Education,
    Ethnicity,
    Health,
    LabourAbility,
    PoliticalStatus,
    Relation,
    Schooling,
    WorkStatus,
)
from households.exports import register_write
from households.models import AnnualIncome, Household, Member
from households.resources import (
    HOUSEHOLD_SHEET,
    INCOME_SHEET,
    MEMBER_SHEET,
    Sheet,
    choice_labels,
    text,
)
from tests.households import import_files as f

pytestmark = pytest.mark.django_db

# 60 members: every one of the 58 codes of 民族 appears.
HOUSEHOLDS, MEMBERS_EACH = 15, 4
EXITED = {"已脱贫（享受政策）", "已脱贫（不再享受政策）", "返贫"}


def labels(choices: Any) -> list[str]:
    return list(choice_labels(choices).values())


def test_the_code_lists_hold_the_national_values_in_their_official_words():
    assert labels(Schooling) == [
        "非在校生", "学前教育", "小学", "七年级", "八年级", "九年级",
        "高中一年级", "高中二年级", "高中三年级", "中职一年级", "中职二年级", "中职三年级",
        "高职一年级", "高职二年级", "高职三年级", "大专及以上", "送教上门",
    ]  # fmt: skip
    assert labels(Health) == [
        "健康", "长期慢性病", "患有大病", "残疾", "长期慢性病及残疾", "大病残疾",
    ]  # fmt: skip
    assert labels(LabourAbility) == [
        "普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力",
    ]  # fmt: skip
    assert labels(Relation) == [
        "户主", "配偶", "之子", "之女", "之儿媳", "之女婿", "之孙子", "之孙女", "之外孙子",
        "之外孙女", "之父", "之母", "之岳父", "之岳母", "之公公", "之婆婆", "之祖父", "之祖母",
        "之外祖父", "之外祖母", "之兄弟姐妹", "之兄弟媳妇", "之侄儿", "之侄女", "之叔伯",
        "之曾孙子", "之曾孙女", "其他",
    ]  # fmt: skip
    assert labels(WorkStatus) == [
        "未外出务工", "乡（镇）内务工", "乡（镇）外县内务工", "县外省内务工", "省外务工", "其他",
    ]  # fmt: skip
    assert labels(Education) == [
        "文盲或半文盲", "小学", "初中", "高中", "大专及以上", "学龄前儿童",
    ]  # fmt: skip
    assert Relation.values[:20] == [f"{n:02d}" for n in range(1, 21)]
    assert Relation.OTHER == "99"


def every_value_file() -> dict[str, list[dict[str, Any]]]:
    """12 households of 4 members: each code list's values all appear, in every column."""
    causes = labels(Cause)
    households, members, incomes = [], [], []
    relations = labels(Relation)[1:]  # the head is the first member of each household
    in_school = [v for k, v in choice_labels(Schooling).items() if k != Schooling.NOT_IN_SCHOOL]
    educations = labels(Education)
    ids = f.ids(HOUSEHOLDS * MEMBERS_EACH)
    index = 0
    for h in range(HOUSEHOLDS):
        no = f"{f.VILLAGE}{h + 1:04d}"
        row = {
            column.header: labels(column.choices)[h % len(labels(column.choices))]
            for column in HOUSEHOLD_SHEET.columns
            if column.kind == "choice"
        }
        status = row["脱贫状态"]
        households.append(
            f.household(
                no,
                ids[index],
                **row,
                其他致贫原因=f"{causes[(h + 1) % 12]}、{causes[(h + 2) % 12]}",
                脱贫年度=2018 if status in EXITED else "",
                饮水安全="是" if h % 2 else "否",
            )
        )
        for m in range(MEMBERS_EACH):
            j = h * MEMBERS_EACH + m
            relation = "户主" if m == 0 else relations[(j - h - 1) % len(relations)]
            if j % 2 == 0:  # not in school: 非在校生 or nothing, and a 文化程度
                schooling, education = ("非在校生" if j % 4 == 0 else ""), educations[j // 2 % 6]
            else:
                schooling, education = in_school[j // 2 % len(in_school)], ""
            work = labels(WorkStatus)[j % 6]
            member = f.member(
                no,
                ids[index],
                relation,
                民族=labels(Ethnicity)[j % len(Ethnicity)],
                政治面貌=labels(PoliticalStatus)[j % len(PoliticalStatus)],
                文化程度=education,
                在校生状况=schooling,
                健康状况=labels(Health)[j % 6],
                劳动技能=labels(LabourAbility)[j % 5],
                务工状况=work,
                务工时间=0 if work == "未外出务工" else 6,
                城乡居民基本医疗保险="是" if j % 3 else "否",
                大病保险="否" if j % 5 == 0 else "是",
                养老保险="是" if j % 2 else "否",
            )
            if m == 0:
                member["姓名"] = households[-1]["户主姓名"]
            members.append(member)
            index += 1
        incomes.append(f.itemised_income(no, 年末家庭人口数=MEMBERS_EACH))
    return {"households": households, "members": members, "incomes": incomes}


def cells(sheet: Sheet, rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted(tuple(text(row.get(header, "")) for header in sheet.headers) for row in rows)


def exported(content: bytes, sheet: Sheet) -> list[tuple[str, ...]]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet.name)
    header, *body = rows.to_python()
    assert [text(cell) for cell in header] == sheet.headers
    return sorted(tuple(text(cell) for cell in row) for row in body)


@pytest.mark.sqlite
def test_every_value_of_every_code_list_imports_and_exports_back_unchanged(
    operator, county_supervisor
):
    given = every_value_file()
    for sheet, rows in ((HOUSEHOLD_SHEET, "households"), (MEMBER_SHEET, "members")):
        for column in sheet.columns:
            if column.kind == "choice":
                seen = {row[column.header] for row in given[rows]}
                assert seen >= set(labels(column.choices)), column.header
    assert {row["与户主关系"] for row in given["members"]} == set(labels(Relation))
    assert {row["在校生状况"] for row in given["members"]} == {*labels(Schooling), ""}

    result = f.run(f.workbook(**given), operator, commit=True)

    assert f.errors_of(result) == []
    assert result.written is True
    assert (Household.objects.count(), Member.objects.count(), AnnualIncome.objects.count()) == (
        HOUSEHOLDS,
        HOUSEHOLDS * MEMBERS_EACH,
        HOUSEHOLDS,
    )
    assert set(Member.objects.values_list("schooling", flat=True)) == {*Schooling.values, ""}
    assert set(Member.objects.values_list("health", flat=True)) == set(Health.values)
    assert set(Member.objects.values_list("relation", flat=True)) == set(Relation.values)
    assert set(Member.objects.values_list("ethnicity", flat=True)) == set(Ethnicity.values)
    assert set(Member.objects.values_list("political_status", flat=True)) == set(
        PoliticalStatus.values
    )

    target = io.BytesIO()
    register_write(actor=county_supervisor, fmt="xlsx", target=target)
    content = target.getvalue()

    for sheet, name in (
        (HOUSEHOLD_SHEET, "households"),
        (MEMBER_SHEET, "members"),
        (INCOME_SHEET, "incomes"),
    ):
        assert exported(content, sheet) == cells(sheet, given[name]), sheet.name

    again = f.run(content, operator)
    assert f.errors_of(again) == []
    assert again.counts == {
        "贫困户": {"new": 0, "updated": 0, "unchanged": HOUSEHOLDS, "invalid": 0},
        "家庭成员": {"new": 0, "updated": 0, "unchanged": HOUSEHOLDS * 4, "invalid": 0},
        "收入": {"new": 0, "updated": 0, "unchanged": HOUSEHOLDS, "invalid": 0},
    }


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("高中一年级", "senior_1"),
        ("高中三年级", "senior_3"),
        ("中职二年级", "vocational_secondary_2"),
        ("高职一年级", "vocational_higher_1"),
        ("非在校生", "not_in_school"),
    ],
)
def test_the_grades_the_national_file_carries_are_accepted(operator, cell, stored):
    family = f.family(1)
    members = family[1]
    members[1].update({"在校生状况": cell, "文化程度": "" if cell != "非在校生" else "初中"})

    result = f.run(f.workbook([family[0]], members, []), operator, commit=True)

    assert f.errors_of(result) == []
    assert Member.objects.get(id_number=members[1]["证件号码"]).schooling == stored


@pytest.mark.parametrize(
    ("column", "cell", "stored"),
    [
        ("健康状况", "患有大病及残疾", "serious_disabled"),
        ("健康状况", "长期慢性病及残疾", "chronic_disabled"),
        ("劳动技能", "弱劳动力", "weak"),
        ("劳动技能", "半劳动力", "weak"),
        ("与户主关系", "之侄子", "23"),
        ("务工状况", "其他", "other"),
        ("民族", "水族", "25"),
        ("民族", "土家", "15"),
        ("民族", "1", "01"),
        ("民族", "其他", "97"),
        ("政治面貌", "党员", "01"),
        ("政治面貌", "中国共产主义青年团团员", "03"),
        ("政治面貌", "群众", "13"),
    ],
)
def test_the_other_spellings_of_the_national_lists_are_read_as_their_code(
    operator, column, cell, stored
):
    household, members = f.family(1)
    members[1][column] = cell

    result = f.run(f.workbook([household], members, []), operator, commit=True)

    assert f.errors_of(result) == []
    field = {"健康状况": "health", "劳动技能": "labour_ability", "与户主关系": "relation",
             "务工状况": "work_status", "民族": "ethnicity",
             "政治面貌": "political_status"}[column]  # fmt: skip
    assert getattr(Member.objects.get(id_number=members[1]["证件号码"]), field) == stored


@pytest.mark.parametrize(
    ("column", "cell", "stored"),
    [
        ("贫困户属性", "低保户", "dibao"),
        ("贫困户属性", "五保户", "tekun"),
        ("贫困户属性", "扶贫户", "general"),
        ("脱贫状态", "已脱贫(不再享受政策)", "exited_no_policy"),
        ("脱贫状态", "已脱贫(享受政策)", "exited"),
        ("脱贫状态", "清退户", "removed"),
    ],
)
def test_the_earlier_forms_spellings_of_the_household_lists_are_read_as_their_code(
    operator, column, cell, stored
):
    household, members = f.family(1)
    household[column] = cell
    if column == "脱贫状态" and stored.startswith("exited"):
        household["脱贫年度"] = 2018

    result = f.run(f.workbook([household], members, []), operator, commit=True)

    assert f.errors_of(result) == []
    field = {"贫困户属性": "poverty_attribute", "脱贫状态": "status"}[column]
    assert getattr(Household.objects.get(household_no=household["户编号"]), field) == stored


def test_a_nationality_outside_gb_3304_is_refused_naming_what_is_accepted(operator):
    household, members = f.family(1)
    members[1]["民族"] = "火星族"

    result = f.run(f.workbook([household], members, []), operator)

    [message] = [m for (sheet, _, column, m) in f.errors_of(result) if column == "民族"]
    assert "火星族" not in Member.objects.values_list("ethnicity", flat=True)
    assert "汉族" in message and "等" in message, message


def test_a_file_without_the_political_status_column_keeps_the_registered_value(operator):
    household, members = f.family(1)
    members[1]["政治面貌"] = "中共党员"
    assert f.errors_of(f.run(f.workbook([household], members, []), operator, commit=True)) == []
    without = [h for h in MEMBER_SHEET.headers if h != "政治面貌"]

    again = f.run(f.workbook([household], members, [], headers={"家庭成员": without}), operator,
                  commit=True)  # fmt: skip

    assert f.errors_of(again) == []
    assert again.counts["家庭成员"]["unchanged"] == len(members)
    assert Member.objects.get(id_number=members[1]["证件号码"]).political_status == "01"


@pytest.mark.sqlite
def test_a_file_without_the_optional_columns_leaves_the_registered_values(operator):
    household, members = f.family(1)
    household.update(入户路类型="水泥路", 主要燃料类型="柴草")
    assert f.errors_of(f.run(f.workbook([household], members, []), operator, commit=True)) == []
    without = [h for h in HOUSEHOLD_SHEET.headers if h not in ("入户路类型", "主要燃料类型")]

    same = f.run(f.workbook([household], members, [], headers={"贫困户": without}), operator)
    changed = f.run(
        f.workbook([{**household, "联系电话": "13900000000"}], members, [],
                   headers={"贫困户": without}),
        operator,
        commit=True,
    )  # fmt: skip

    assert same.counts["贫困户"] == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 0}
    assert changed.counts["贫困户"] == {"new": 0, "updated": 1, "unchanged": 0, "invalid": 0}
    stored = Household.objects.get(household_no=household["户编号"])
    assert (stored.phone, stored.road_type, stored.fuel) == ("13900000000", "cement", "firewood")

    emptied_row = {**household, "联系电话": "13900000000", "入户路类型": "", "主要燃料类型": "煤炭"}
    emptied = f.run(f.workbook([emptied_row], members, []), operator, commit=True)

    assert emptied.counts["贫困户"] == {"new": 0, "updated": 1, "unchanged": 0, "invalid": 0}
    stored.refresh_from_db()
    assert (stored.road_type, stored.fuel) == ("", "coal")


def test_the_api_schema_offers_the_same_code_lists(api, city_supervisor):
    api.force_authenticate(city_supervisor)
    spec = api.get("/api/schema/", {"format": "json"}).json()

    member = spec["components"]["schemas"]["Member"]["properties"]

    def enum_of(prop: dict[str, Any]) -> list[str]:
        parts = [prop, *prop.get("oneOf", []), *prop.get("allOf", []), *prop.get("anyOf", [])]
        refs = [part.get("$ref") for part in parts]
        values: list[str] = []
        for ref in filter(None, refs):
            values += spec["components"]["schemas"][ref.rsplit("/", 1)[1]].get("enum", [])
        return [v for v in values if v not in ("", None)]

    assert enum_of(member["schooling"]) == Schooling.values
    assert enum_of(member["health"]) == Health.values
    assert enum_of(member["relation"]) == Relation.values
    assert enum_of(member["labour_ability"]) == LabourAbility.values
    assert enum_of(member["work_status"]) == [v for v in WorkStatus.values if v]
