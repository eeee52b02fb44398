"""Tongren reference data: the real county-level units and a synthetic township/village tree.

County codes, names and exit years are real (GB/T 2260; exit batches of the provincial
approvals). Township and village lists are not available offline, so they are generated
deterministically with plausible names and GB/T 10114 code blocks (街道 001–099, 镇 100–199,
乡 200–399; 居委会 001–199, 村委会 200–399). The names are synthetic; the fixture README says so.

Rural population (农业户籍人口) per county and year is chosen so that the city totals fit the
published figures: 24.74% incidence at the end of 2014 and 4.38万 poor people = 1.16% at the
end of 2019.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

CITY_CODE = "520600000000"
CITY_NAME = "铜仁市"
FACT_YEARS = tuple(range(2014, 2021))


@dataclass(frozen=True)
class County:
    code6: str
    name: str
    exit_year: int
    # (subdistricts 街道, towns 镇, townships 乡): the brief's counts where known, else ≈15
    townships: tuple[int, int, int]
    # Share of the city's rural population and its yearly decline (urbanisation, relocation).
    rural_share: float
    named_townships: tuple[str, ...] = ()
    is_deep_poverty: bool = False

    @property
    def code(self) -> str:
        return f"{self.code6}000000"


COUNTIES: tuple[County, ...] = (
    County("520602", "碧江区", 2017, (7, 3, 5), 0.066),
    County("520603", "万山区", 2017, (2, 1, 6), 0.037),
    County("520621", "江口县", 2017, (1, 7, 3), 0.054),
    County("520622", "玉屏侗族自治县", 2017, (2, 4, 2), 0.036, ("大龙街道", "田坪镇")),
    County("520623", "石阡县", 2018, (2, 10, 5), 0.103),
    County("520624", "思南县", 2019, (3, 14, 4), 0.152),
    County("520625", "印江土家族苗族自治县", 2018, (3, 13, 1), 0.105),
    County("520626", "德江县", 2019, (2, 11, 8), 0.124),
    County(
        "520627",
        "沿河土家族自治县",
        2020,
        (3, 17, 2),
        0.156,
        ("甘溪镇", "淇滩镇", "板场镇", "夹石镇"),
        is_deep_poverty=True,
    ),
    County("520628", "松桃苗族自治县", 2019, (3, 12, 5), 0.167),
)

# City rural population per year: 2019 is fixed by 43,800 poor = 1.16%.
CITY_RURAL_POPULATION = {
    2014: 3_921_400,
    2015: 3_893_600,
    2016: 3_862_900,
    2017: 3_834_700,
    2018: 3_805_300,
    2019: 3_775_862,
    2020: 3_751_200,
}
POOR_END_2019 = 43_800
INCIDENCE_END_2014 = 0.2474
INCIDENCE_END_2019 = 0.0116

ZONES: tuple[dict[str, Any], ...] = (
    {
        "slug": "dalong",
        "name": "大龙经济开发区",
        "county": "520622",
        "townships": ("大龙街道", "田坪镇"),
        "codes": (),
        "note": "省级经济开发区，核心区位于玉屏侗族自治县大龙街道，并含田坪镇。",
    },
    {
        "slug": "gaoxin",
        "name": "铜仁高新区",
        "county": "520602",
        "townships": (),
        "codes": ("520602001000", "520602002000"),
        "note": "位于碧江区（所辖街道为示意数据）。",
    },
)

_TOWN_STEMS = (
    "龙",
    "岩",
    "溪",
    "坪",
    "坝",
    "塘",
    "桥",
    "山",
    "河",
    "湾",
    "寨",
    "沟",
    "田",
    "林",
    "口",
    "场",
)
_TOWN_FIRSTS = (
    "黄",
    "青",
    "白",
    "石",
    "双",
    "长",
    "新",
    "大",
    "小",
    "高",
    "三",
    "五",
    "桃",
    "茶",
    "枫",
    "金",
    "云",
    "官",
    "马",
    "凤",
    "杨",
    "木",
    "水",
    "花",
    "和",
    "太",
    "红",
    "平",
    "兴",
    "安",
)
_VILLAGE_SECONDS = (
    "家",
    "坪",
    "溪",
    "湾",
    "冲",
    "坳",
    "坡",
    "井",
    "岭",
    "田",
    "庄",
    "堡",
    "院",
    "寨",
    "坝",
    "沟",
)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None
    is_poor_county: bool = False
    is_poor_village: bool = False
    is_deep_poverty: bool = False
    exit_year: int | None = None


def _unique_name(rng: random.Random, taken: set[str], suffix: str, seconds: tuple[str, ...]) -> str:
    while True:
        name = rng.choice(_TOWN_FIRSTS) + rng.choice(seconds) + suffix
        if name not in taken:
            taken.add(name)
            return name


def _township_specs(county: County, rng: random.Random) -> list[tuple[str, str]]:
    """(code, name) of a county's townships, named ones first in their code block."""
    subdistricts, towns, townships = county.townships
    named = list(county.named_townships)
    taken: set[str] = set(named)
    specs: list[tuple[str, str]] = []
    for block_start, count, suffix in (
        (1, subdistricts, "街道"),
        (100, towns, "镇"),
        (200, townships, "乡"),
    ):
        mine = [name for name in named if name.endswith(suffix)]
        for index in range(count):
            name = (
                mine[index] if index < len(mine) else _unique_name(rng, taken, suffix, _TOWN_STEMS)
            )
            specs.append((f"{county.code6}{block_start + index:03d}000", name))
    return specs


def _villages(township_code: str, is_subdistrict: bool, rng: random.Random) -> list[RegionRow]:
    taken: set[str] = set()
    residents = rng.randint(3, 6) if is_subdistrict else rng.randint(1, 2)
    villages = rng.randint(4, 8) if is_subdistrict else rng.randint(12, 18)
    rows = []
    for index in range(residents):
        rows.append(
            RegionRow(
                f"{township_code[:9]}{1 + index:03d}",
                _unique_name(rng, taken, "社区", _VILLAGE_SECONDS),
                "village",
                township_code,
            )
        )
    for index in range(villages):
        rows.append(
            RegionRow(
                f"{township_code[:9]}{200 + index:03d}",
                _unique_name(rng, taken, "村", _VILLAGE_SECONDS),
                "village",
                township_code,
                is_poor_village=rng.random() < 0.4,
            )
        )
    return rows


def generate_regions(seed: int = 5206) -> list[RegionRow]:
    """The whole tree, in code order, the same for the same seed."""
    rng = random.Random(seed)
    rows = [RegionRow(CITY_CODE, CITY_NAME, "city", None)]
    for county in COUNTIES:
        rows.append(
            RegionRow(
                county.code,
                county.name,
                "county",
                CITY_CODE,
                is_poor_county=True,
                is_deep_poverty=county.is_deep_poverty,
                exit_year=county.exit_year,
            )
        )
        for code, name in _township_specs(county, rng):
            rows.append(RegionRow(code, name, "township", county.code))
            rows.extend(_villages(code, name.endswith("街道"), rng))
    return rows


def rural_population(year: int) -> dict[str, int]:
    """County code → rural population for ``year``; the counties add up to the city figure."""
    total = CITY_RURAL_POPULATION[year]
    shares = {county.code: county.rural_share for county in COUNTIES}
    scale = sum(shares.values())
    figures = {code: int(total * share / scale) for code, share in shares.items()}
    # Put the rounding remainder on the largest county so the sum is exact.
    largest = max(figures, key=lambda code: figures[code])
    figures[largest] += total - sum(figures.values())
    return figures
