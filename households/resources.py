"""The register in the national format (DESIGN §11): sheets, columns, reading and writing.

One workbook, three sheets with Chinese headers (贫困户, 家庭成员, 收入); or one CSV per sheet
(a single .csv, or several in a .zip). This module defines the sheets and translates between
cells and model values; reading a file is ``households.importing.reading``, checking it
``households.importing`` (the models' own ``full_clean()``), writing sheets
``households.spreadsheets``.

Code lists are written and read as their Chinese labels (the labels of ``households.choices``
in zh-hans), so there is no second table of names; the code itself (``01``, ``general``) is
accepted as well. Income: 工资性 → wage, 生产经营性 → business, 生产经营性支出 →
business_expense; 财产性收入 and 转移性收入 are the group totals, and the optional columns of
their sub-items (资产收益扶贫分红收入 …, 计划生育金 … 其他转移性收入) the inputs when the sheet
carries them (``households.importing.income_items``); an export writes totals and sub-items.
A column the format does not know is not imported (``reading.locate_columns``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from households import services
from households.choices import (
    Cause,
    Education,
    Ethnicity,
    Fuel,
    Health,
    HousingGrade,
    IdentificationStandard,
    LabourAbility,
    PoliticalStatus,
    PovertyAttribute,
    Relation,
    RoadType,
    Schooling,
    Status,
    WorkStatus,
)
from households.models import PovertyLine
from tongren_fupin.resources import ServiceResource

HOUSEHOLDS, MEMBERS, INCOMES = "贫困户", "家庭成员", "收入"
CAUSE_SEPARATOR = "、"
MAX_CSV_BYTES = 1 << 30  # a CSV of Tongren's whole register is about 100 MB
YES, NO = "是", "否"
# Short names the national system uses besides the full labels.
ALIASES: dict[type[models.TextChoices], dict[str, str]] = {
    Status: {
        "未脱贫": Status.REGISTERED,
        "贫困": Status.REGISTERED,
        "贫困户": Status.REGISTERED,
        "已脱贫": Status.EXITED,
        "清退户": Status.REMOVED,
    },
    # The 2014 form's 低保户 / 五保户 and Guizhou's 扶贫户 / 扶贫低保户 (domain brief §4.1);
    # 五保 became 特困供养 in 2014.
    PovertyAttribute: {
        "低保户": PovertyAttribute.DIBAO,
        "五保户": PovertyAttribute.TEKUN,
        "五保贫困户": PovertyAttribute.TEKUN,
        "特困供养户": PovertyAttribute.TEKUN,
        "扶贫户": PovertyAttribute.GENERAL,
        "扶贫低保户": PovertyAttribute.DIBAO,
    },
    Ethnicity: {"其他": Ethnicity.OTHER, "外国血统": Ethnicity.FOREIGN_BORN},
    PoliticalStatus: {
        "中国共产党党员": PoliticalStatus.CPC,
        "中国共产党预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "中国共产主义青年团团员": PoliticalStatus.YOUTH_LEAGUE,
        "团员": PoliticalStatus.YOUTH_LEAGUE,
        "党员": PoliticalStatus.CPC,
        "无党派人士": PoliticalStatus.NON_PARTY,
    },
    Cause: {"缺劳动力": Cause.LABOUR},
    Relation: {"本人": Relation.HEAD, "本人或户主": Relation.HEAD, "之侄子": Relation.NEPHEW},
    Health: {
        "患有大病及残疾": Health.SERIOUS_DISABLED,
        "大病及残疾": Health.SERIOUS_DISABLED,
        "长期慢性病残疾": Health.CHRONIC_DISABLED,
    },
    LabourAbility: {"弱劳动力": LabourAbility.WEAK, "半劳动力": LabourAbility.WEAK},
    WorkStatus: {"无": WorkStatus.NONE},
}


# Code lists whose codes are two digits (a spreadsheet may have dropped the leading zero).
TWO_DIGIT_CODES = (Relation, Ethnicity, PoliticalStatus)


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a model field, or head_name / head_id_number (checked against the members)
    kind: str = "text"  # text, int, decimal, bool, choice, causes
    choices: type[models.TextChoices] | None = None
    optional: bool = False  # a file may leave the column out (older national exports do)
    aliases: tuple[str, ...] = ()  # other headers the national system uses for the column


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def names(self) -> dict[str, Column]:
        """Every header a file may give (aliases included) → its column."""
        return {
            name: column for column in self.columns for name in (column.header, *column.aliases)
        }


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
        # Code lists of the national form that older exports leave out: a file without the
        # column leaves a registered household's value as it is.
        Column("入户路类型", "road_type", "choice", RoadType, optional=True),
        Column("主要燃料类型", "fuel", "choice", Fuel, optional=True),
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
        Column("政治面貌", "political_status", "choice", PoliticalStatus, optional=True),
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
        # The group totals; the sub-items, where the sheet carries them, are the inputs and
        # must add up to their total (domain brief §4.4; decision 0017).
        Column("财产性收入", "property_total", "decimal"),
        Column("资产收益扶贫分红收入", "property_dividend", "decimal", optional=True),
        Column("土地流转收入", "property_land", "decimal", optional=True),
        Column("其他财产性收入", "property_other", "decimal", optional=True),
        Column("转移性收入", "transfer_total", "decimal"),
        Column("计划生育金", "transfer_family_planning", "decimal", optional=True),
        Column("低保金", "transfer_dibao", "decimal", optional=True),
        Column(
            "五保金（特困供养金）",
            "transfer_tekun",
            "decimal",
            optional=True,
            aliases=("五保金", "特困供养金"),
        ),
        Column("养老保险金", "transfer_pension", "decimal", optional=True),
        Column("生态补偿金", "transfer_ecological", "decimal", optional=True),
        Column("其他转移性收入", "transfer_other", "decimal", optional=True),
        # A check, not an input: the size is the household's members (it must agree if given).
        Column("年末家庭人口数", "member_count", "int", optional=True),
    ),
)
MEMBER_COUNT = "年末家庭人口数"
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


def no_data_rows() -> FileError:
    return file_error(_("The file has no data rows, only headers."))


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
    """Chinese label (and the part before a bracket, a nationality without its 族, and the
    code) → code."""
    lookup: dict[str, str] = {}
    with translation.override("zh-hans"):
        for value, label in choices.choices:
            full = str(label)
            lookup.setdefault(full, value)
            lookup.setdefault(full.split("（")[0], value)
            if choices is Ethnicity and full.endswith("族"):
                lookup.setdefault(full[:-1], value)  # 土家 for 土家族
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
    if column.choices in TWO_DIGIT_CODES and raw.isdigit() and len(raw) == 1:
        raw = f"0{raw}"  # a spreadsheet turned 01 into 1
    raw = raw.replace("(", "（").replace(")", "）")  # 已脱贫(享受政策) as 已脱贫（享受政策）
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


# -- values → cells ------------------------------------------------------------------------


# A text cell starting with one of these is a formula to a spreadsheet (CSV injection); in a
# CSV it is written after an apostrophe, which reading takes away again.
FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def csv_uncell(cell: str) -> str:
    if cell[:1] == "'" and cell[1:2] in FORMULA_START:
        return cell[1:]
    return cell


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


class PovertyLineResource(ServiceResource):
    """扶贫标准 and 监测线 in the admin (XLSX): a row is identified by its year and kind, so a
    workbook need not carry ids; each new or changed row goes through
    ``services.poverty_line_save`` (the form's validation, an audit event per row)."""

    class Meta:
        model = PovertyLine
        fields = ("year", "kind", "amount", "source")
        import_id_fields = ("year", "kind")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        assert isinstance(instance, PovertyLine)
        services.poverty_line_save(actor=actor, line=instance)
