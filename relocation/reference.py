"""Tongren relocation reference data: the seed's figures (section "五个体系") as rows.

The figures are the city's totals. The seed names one site (碧江区响塘龙安置点) and gives no
per-site detail, so the rows are spread over 144 sites deterministically: sites are synthetic
(named after their township), and each figure is split over them in proportion to their size
(largest remainder, so the parts add up exactly). Culture activities are city-wide rows with a
session count. The fixture README says which parts are real and which are synthetic.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

CITY_CODE = "520600000000"
RECORDED_ON = datetime.date(2020, 10, 31)
SOURCE = "铜仁市“五个体系”提质易地搬迁（2020年）"

SITES = 144
HOUSEHOLDS = 66_000  # 6.6万户
PEOPLE = 293_600  # 29.36万人
CROSS_COUNTY_PEOPLE = 125_500  # 跨区域搬迁至铜仁主城区 12.55万人 (54% of the province's)
CROSS_COUNTY_HOUSEHOLDS = 28_200  # not in the seed: the people at the city's average size
HUKOU_TRANSFERRED_PEOPLE = 274_767
LABOUR_HOUSEHOLDS = 63_510
LABOURERS = 137_843
EMPLOYED_LABOUR_HOUSEHOLDS = 63_510  # 一户一人以上 for every labour household
EMPLOYED_LABOURERS = 118_069

SCHOOLS = 61  # 配套学校（幼儿园）, all built and in use
CLINICS = 51  # 医疗机构, all in use
SITES_SERVED_BY_EXISTING_CLINICS = 82  # 由原乡镇卫生院或村卫生室提供服务
SERVICE_CENTRES = 48  # 新建社区综合服务中心（站）

# (kind, sessions, note): "100多场次" and "60余场次" are recorded at their lower bound.
CULTURE = (
    ("family_education", 100, "家庭教育讲座100多场次"),
    ("performance", 60, "安置点文艺活动60余场次"),
    ("gratitude_education", 358, "感恩教育358场次"),
    ("lecture", 95, "讲座95场次"),
)

MANAGEMENT_UNITS = 129
STREETS_PLANNED = 8
STREETS_ESTABLISHED = 6
COMMUNITIES_PLANNED = 38
RESIDENTS_COMMITTEES = 51
POLICE_ROOMS = 27
POLICE_OFFICERS = 96
SECURITY_ORGANISATIONS = 68

WORKING_COMMITTEES = 6  # 党工委 in the 6 established streets
GENERAL_BRANCHES = 8
BRANCHES = 112
GROUPS = 79
PARTY_MEMBERS_ELECTED = 484  # elected into the branches

# Sites per county (synthetic split of 144); the cross-county sites are in the main urban area
# (碧江, 万山), the only site the seed names among them.
SITES_PER_COUNTY = {
    "520602": 20,
    "520603": 16,
    "520621": 10,
    "520622": 8,
    "520623": 14,
    "520624": 18,
    "520625": 14,
    "520626": 14,
    "520627": 16,
    "520628": 14,
}
CROSS_COUNTY_SITES = {"520602": 6, "520603": 4}
NAMED_SITE = ("520602", "响塘龙安置点")


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` in integer parts proportional to ``weights`` that add up exactly."""
    whole = sum(weights)
    raw = [total * weight / whole for weight in weights]
    parts = [int(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class SiteRow:
    pk: int
    name: str
    region: str
    kind: str
    cross_county: bool
    weight: float
    households: int = 0
    people: int = 0
    cross_county_people: int = 0
    hukou_transferred_people: int = 0
    labour_households: int = 0
    labourers: int = 0
    employed_labour_households: int = 0
    employed_labourers: int = 0
    served_by_existing_clinic: bool = False


def generate_sites(townships: dict[str, list[tuple[str, str]]], seed: int = 5206) -> list[SiteRow]:
    """144 sites over the counties' townships (``{county6: [(code, name), …]}``), with figures."""
    rng = random.Random(seed)
    rows: list[SiteRow] = []
    for county, count in SITES_PER_COUNTY.items():
        places = townships[county]
        for index in range(count):
            code, township = places[index % len(places)]
            cross = index < CROSS_COUNTY_SITES.get(county, 0)
            name = f"{township}安置点" if index < len(places) else f"{township}二号安置点"
            if (county, index) == (NAMED_SITE[0], 0):
                name = NAMED_SITE[1]
            urban = cross or int(code[6:9]) < 100  # 街道 codes 001–099
            rows.append(
                SiteRow(
                    pk=len(rows) + 1,
                    name=name,
                    region=code,
                    kind="urban" if urban else "central_village",
                    cross_county=cross,
                    weight=rng.uniform(0.5, 1.5) * (4 if cross else 1),
                )
            )
    _spread_people(rows)
    return rows


def _spread_people(rows: list[SiteRow]) -> None:
    cross = [row for row in rows if row.cross_county]
    local = [row for row in rows if not row.cross_county]
    for group, households, people in (
        (cross, CROSS_COUNTY_HOUSEHOLDS, CROSS_COUNTY_PEOPLE),
        (local, HOUSEHOLDS - CROSS_COUNTY_HOUSEHOLDS, PEOPLE - CROSS_COUNTY_PEOPLE),
    ):
        weights = [row.weight for row in group]
        for row, h, p in zip(
            group, split(households, weights), split(people, weights), strict=True
        ):
            row.households, row.people = h, p
            row.cross_county_people = p if row.cross_county else 0
    weights = [float(row.households) for row in rows]
    for name, total in (
        ("hukou_transferred_people", HUKOU_TRANSFERRED_PEOPLE),
        ("labour_households", LABOUR_HOUSEHOLDS),
        ("labourers", LABOURERS),
        ("employed_labour_households", EMPLOYED_LABOUR_HOUSEHOLDS),
        ("employed_labourers", EMPLOYED_LABOURERS),
    ):
        for row, part in zip(rows, split(total, weights), strict=True):
            setattr(row, name, part)
    by_size = largest_first(rows)
    for row in by_size[len(by_size) - SITES_SERVED_BY_EXISTING_CLINICS :]:
        row.served_by_existing_clinic = True


def largest_first(rows: list[SiteRow]) -> list[SiteRow]:
    return sorted(rows, key=lambda row: (-row.people, row.pk))
