"""A reproducible demo register at a chosen scale of Tongren (1/100 for a first run).

The numbers follow the published figures: 24.74% of the rural population registered poor at the
end of 2014, 4.38万 people = 1.16% left at the end of 2019 (沿河 most of them, every exited
county below 3%), none at the end of 2020. Counties exit in their real years. The rural-population
facts are scaled with the register, so the percentages hold at every scale.

Households still poor at the end of a year Y are those identified by Y whose exit year is after Y.

Every household also has the evidence its exit is judged on (``demo.evidence``): an income row
for every year 2014–2020 (under the line while poor, above it from the exit year on) and a visit
a year with 五个看, 五个一致 and 四个好; its register facts meet the standard from its exit year on
(every member insured, every child of compulsory age in school, a safe house, safe water). So
each county meets 三率一度 in its exit year — but for a few deliberate exceptions per county
(``deliberate_flaws``): wrong exits (错退) whose evidence shows one criterion failing, households
not visited in 2020 (缺少佐证), and edge households (边缘户, visited, never registered) of which a
few are under the line (漏评), each kept well below the 2% of the standard at every scale.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from demo.bulk import insert_objects
from demo.evidence import Flaw, Quota, Story, visitor, write_evidence
from demo.exceptions import DEMO_VILLAGE, deliberate_flaws, exit_years_for, pick_within
from households.choices import (
    Cause,
    Education,
    Ethnicity,
    Fuel,
    Health,
    LabourAbility,
    MeasureKind,
    PovertyAttribute,
    Relation,
    RoadType,
    Schooling,
    Status,
    WorkStatus,
)
from households.id_numbers import check_character
from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from households.standards import of_compulsory_age
from regions import reference
from regions.models import Region, RegionYearFact

# The nationalities of Tongren's register, most to least common in the demo.
DEMO_ETHNICITIES = (
    Ethnicity.HAN,
    Ethnicity.TUJIA,
    Ethnicity.MIAO,
    Ethnicity.DONG,
    Ethnicity.GELAO,
    Ethnicity.BUYI,
    Ethnicity.OTHER,
)

YEARS = tuple(range(2014, 2021))
AS_OF = datetime.date(2020, 9, 1)
NATIONAL_LINES = {
    2014: 2800,
    2015: 2855,
    2016: 2952,
    2017: 3335,
    2018: 3535,
    2019: 3747,
    2020: 4000,
}
# Share of the poor left at the end of 2019 that lives in 沿河, the last county to exit.
YANHE_SHARE_2019 = 0.62
# Former prefecture codes (铜仁地区, before 2011) that older ID numbers carry.
OLD_AREA_CODES = {
    "520602": "522201",
    "520603": "522230",
    "520621": "522222",
    "520622": "522223",
    "520623": "522224",
    "520624": "522225",
    "520625": "522226",
    "520626": "522227",
    "520627": "522228",
    "520628": "522229",
}
CAUSE_WEIGHTS = {
    Cause.ILLNESS: 25,
    Cause.DISABILITY: 8,
    Cause.SCHOOLING: 7,
    Cause.DISASTER: 2,
    Cause.LAND: 5,
    Cause.WATER: 2,
    Cause.SKILLS: 15,
    Cause.LABOUR: 12,
    Cause.CAPITAL: 15,
    Cause.TRANSPORT: 5,
    Cause.MOTIVATION: 3,
    Cause.OTHER: 1,
}
# What the generator draws from, fixed lists so a new code in a list does not change the draws.
HEALTH_DRAWN = [Health.HEALTHY, Health.CHRONIC, Health.SERIOUS, Health.DISABLED]
WORK_DRAWN = [
    WorkStatus.IN_TOWNSHIP,
    WorkStatus.IN_COUNTY,
    WorkStatus.IN_PROVINCE,
    WorkStatus.OUT_OF_PROVINCE,
]
# 15, 16 and 17 years old (by calendar year in 2020): first, second and third year.
SENIOR_GRADES = [Schooling.SENIOR_1, Schooling.SENIOR_2, Schooling.SENIOR_3]
VOCATIONAL_GRADES = [
    Schooling.VOCATIONAL_SECONDARY_1,
    Schooling.VOCATIONAL_SECONDARY_2,
    Schooling.VOCATIONAL_SECONDARY_3,
]
FAMILY_SIZES = {1: 10, 2: 16, 3: 20, 4: 24, 5: 17, 6: 9, 7: 4}
DEMO_LATE_HOUSEHOLDS = 8  # households of the demo village that exit only in 2020
# The deliberate exceptions, as shares (each rounded down: none at a scale too small for one).
EDGE_SHARE = 0.03  # 边缘户: of the registered households
MISSED_SHARE = 0.001  # 漏评: of the rural people not registered (2020)


@dataclass
class Plan:
    """People registered in 2014 and left at the end of each year, per county."""

    rural: dict[str, dict[int, int]] = field(default_factory=dict)
    poor_2014: dict[str, int] = field(default_factory=dict)
    remaining: dict[str, dict[int, int]] = field(default_factory=dict)


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integers proportional to ``weights`` that add up to ``total`` exactly."""
    scale = sum(weights.values())
    parts = {key: int(total * weight / scale) for key, weight in weights.items()}
    order = sorted(weights, key=lambda k: total * weights[k] / scale - parts[k], reverse=True)
    for key in order[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def plan(scale: float) -> Plan:
    result = Plan()
    for year in YEARS:
        for code, population in reference.rural_population(year).items():
            result.rural.setdefault(code, {})[year] = max(1, round(population * scale))
    city = {year: sum(result.rural[c][year] for c in result.rural) for year in YEARS}
    poor_2014 = round(reference.INCIDENCE_END_2014 * city[2014])
    poor_2019 = round(reference.INCIDENCE_END_2019 * city[2019])
    deep = {c.code: (1.4 if c.is_deep_poverty else 1.0) for c in reference.COUNTIES}
    result.poor_2014 = _split(poor_2014, {c: result.rural[c][2014] * deep[c] for c in deep})
    yanhe = "520627000000"
    others = {c: float(result.rural[c][2019]) for c in deep if c != yanhe}
    left_2019 = _split(poor_2019 - round(poor_2019 * YANHE_SHARE_2019), others)
    left_2019[yanhe] = poor_2019 - sum(left_2019.values())
    for county in reference.COUNTIES:
        code, start, end = county.code, result.poor_2014[county.code], left_2019[county.code]
        exit_year = min(county.exit_year, 2019)
        # At its exit a county is below 3%: 1.5% of its rural population, or what is left in 2019.
        level = end if exit_year == 2019 else max(end, int(0.015 * result.rural[code][exit_year]))
        remaining = {2014: start, 2019: end, 2020: 0}
        for year in range(2015, 2019):
            if year <= exit_year:  # geometric decline towards the exit year
                ratio = (max(level, 1) / max(start, 1)) ** ((year - 2014) / (exit_year - 2014))
                remaining[year] = max(level, round(start * ratio))
            else:  # after the exit, linear towards the 2019 figure
                share = (year - exit_year) / (2019 - exit_year)
                remaining[year] = round(level - (level - end) * share)
        result.remaining[code] = remaining
    return result


def _family_sizes(rng: random.Random, people: int) -> Iterator[int]:
    """Household sizes adding up to ``people`` exactly."""
    sizes, weights = list(FAMILY_SIZES), list(FAMILY_SIZES.values())
    while people > 0:
        size = min(rng.choices(sizes, weights)[0], people)
        people -= size
        yield size


class Generator:
    def __init__(self, seed: int, visitor: Any = None) -> None:
        self.rng = random.Random(seed)
        self.visitor = visitor  # who the visits are recorded by
        self.quota = Quota()  # which surveys disapprove
        self.used_ids: set[str] = set()
        self.serial: dict[str, int] = {}

    # -- people --------------------------------------------------------------------------
    def id_number(self, county6: str, born: datetime.date, male: bool) -> str:
        area = OLD_AREA_CODES[county6] if born.year < 2011 and self.rng.random() < 0.8 else county6
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def birth(self, age_from: int, age_to: int) -> datetime.date:
        age_to = max(age_from, age_to)
        age_days = self.rng.randint(age_from * 365, age_to * 365 + 364)
        return AS_OF - datetime.timedelta(days=age_days)

    def person(
        self,
        household: Household,
        relation: str,
        born: datetime.date,
        male: bool,
        dropout: bool = False,
    ) -> Member:
        rng = self.rng
        age = AS_OF.year - born.year
        schooling, education = "", ""
        # In school: every child, and whoever was of compulsory school age in a year the
        # household's standard is judged in (from its exit year, or from 2014 for an edge
        # household, to 2020) — the register's schooling is the evidence for all those years.
        judged = range(household.exit_year or household.identification_year, YEARS[-1] + 1)
        school_age = any(of_compulsory_age(born, datetime.date(y, 9, 1)) for y in judged)
        if not dropout and (
            3 <= age <= 17 or school_age or (18 <= age <= 21 and rng.random() < 0.3)
        ):
            schooling = (
                Schooling.PRESCHOOL
                if age < 6
                else Schooling.PRIMARY
                if age < 12
                else [Schooling.GRADE_7, Schooling.GRADE_8, Schooling.GRADE_9][min(age - 12, 2)]
                if age < 15
                else rng.choice([SENIOR_GRADES, VOCATIONAL_GRADES])[min(age - 15, 2)]
                if age < 18
                else Schooling.COLLEGE
            )
            if age < 15 and rng.random() < 0.004:
                schooling = Schooling.HOME_TAUGHT
        else:
            education = (
                Education.PRESCHOOL_AGE
                if age < 3
                else rng.choices(
                    [Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR, Education.SENIOR],
                    [15 if age > 55 else 3, 40, 40, 8],
                )[0]
            )
        health = rng.choices(HEALTH_DRAWN, [70, 17, 6, 7])[0]
        if age < 16 or age > 70:
            labour = (
                LabourAbility.NONE
                if age < 16
                else rng.choice([LabourAbility.WEAK, LabourAbility.NONE, LabourAbility.LOST])
            )
        elif health in (Health.SERIOUS, Health.DISABLED):
            labour = rng.choice([LabourAbility.WEAK, LabourAbility.LOST])
        else:
            labour = rng.choices(
                [LabourAbility.ORDINARY, LabourAbility.SKILLED, LabourAbility.WEAK], [70, 15, 15]
            )[0]
        working = labour in (LabourAbility.ORDINARY, LabourAbility.SKILLED) and rng.random() < 0.6
        return Member(
            household=household,
            name=self.name(household, relation, male),
            id_number=self.id_number(household.region_id[:6], born, male),
            sex="male" if male else "female",
            birth_date=born,
            relation=relation,
            ethnicity=rng.choices(DEMO_ETHNICITIES, [35, 35, 15, 8, 4, 2, 1])[0],
            education=education,
            schooling=schooling,
            health=health,
            labour_ability=labour,
            work_status=rng.choice(WORK_DRAWN) if working else "",
            work_months=rng.randint(3, 12) if working else 0,
            basic_medical_insurance=True,
            serious_illness_insurance=True,
            pension_insurance=age >= 16 and rng.random() < 0.8,
            dibao=False,
        )

    SURNAMES = "田杨张王李刘陈吴罗冉龙石谢崔何黄周胡徐侯安"
    GIVEN = "国华明珍英兰春秋林文建军德光小红玉芳平勇强丽娟永福海生成金"

    def name(self, household: Household, relation: str, male: bool) -> str:
        surname = self.SURNAMES[household.pk % len(self.SURNAMES)] if household.pk else "田"
        if relation in (Relation.SPOUSE, Relation.MOTHER, Relation.DAUGHTER_IN_LAW):
            surname = self.rng.choice(self.SURNAMES)
        return surname + "".join(self.rng.choices(self.GIVEN, k=self.rng.choice([1, 2])))

    def members(self, household: Household, size: int) -> list[Member]:
        rng = self.rng
        head_male = rng.random() < 0.85
        head = self.person(household, Relation.HEAD, self.birth(28, 80), head_male)
        people = [head]
        head_age = AS_OF.year - head.birth_date.year
        if size >= 2 and rng.random() < 0.85:
            people.append(
                self.person(
                    household,
                    Relation.SPOUSE,
                    self.birth(max(20, head_age - 8), head_age + 3),
                    not head_male,
                )
            )
        while len(people) < size:
            if head_age > 55 and rng.random() < 0.3:
                relation, born = (
                    rng.choice([Relation.GRANDSON, Relation.GRANDDAUGHTER]),
                    self.birth(1, 16),
                )
            elif head_age < 55 and rng.random() < 0.12:
                relation, born = (
                    rng.choice([Relation.FATHER, Relation.MOTHER]),
                    self.birth(head_age + 20, min(head_age + 35, 95)),
                )
            else:
                relation = rng.choice([Relation.SON, Relation.DAUGHTER])
                born = self.birth(max(0, head_age - 45), max(1, min(head_age - 18, 30)))
            male = relation in (Relation.SON, Relation.GRANDSON, Relation.FATHER)
            people.append(self.person(household, relation, born, male))
        return people

    # -- households ----------------------------------------------------------------------
    def household(self, village: str, exit_year: int | None, flaw: str = "") -> Household:
        """A registered household that exits in ``exit_year``, or (``None``) an edge household:
        visited, never registered."""
        rng = self.rng
        self.serial[village] = self.serial.get(village, 0) + 1
        main = rng.choices(list(CAUSE_WEIGHTS), list(CAUSE_WEIGHTS.values()))[0]
        others = rng.sample([c for c in Cause.values if c != main], rng.choice([0, 1, 1, 2]))
        return Household(
            household_no=f"{village}{self.serial[village]:04d}",
            region_id=village,
            poverty_attribute=rng.choices(list(PovertyAttribute.values), [80, 17, 3])[0],
            identification_year=2014,
            status=Status.EDGE if exit_year is None else Status.EXITED,
            exit_year=exit_year,
            main_cause=main,
            other_causes=others,
            housing_grade=rng.choice("CD") if flaw == Flaw.HOUSING else rng.choice("AAAB"),
            housing_area=Decimal(rng.randint(40, 160)),
            water_safe=True,
            electricity=True,
            road_type=rng.choice([RoadType.CEMENT, RoadType.CEMENT, RoadType.GRAVEL]),
            toilet=rng.random() < 0.8,
            fuel=rng.choice(list(Fuel.values)),
            phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
            cadre_name=rng.choice(self.SURNAMES) + rng.choice(self.GIVEN),
            cadre_unit=rng.choice(
                ["县农业农村局", "县教育局", "镇人民政府", "县卫健局", "县扶贫办"]
            ),
            cadre_post=rng.choice(["科员", "副主任", "驻村干部"]),
        )

    def incomes(self, household: Household, size: int, flaw: str = "") -> list[AnnualIncome]:
        """An income row for every year: under the line while poor, above it from the exit year
        on (an edge household just above it every year) — but for the flaws of income."""
        rows = []
        for year in YEARS:
            line, exit_year = NATIONAL_LINES[year], household.exit_year
            if exit_year is None:  # an edge household
                low, high = (0.75, 0.95) if flaw == Flaw.MISSED else (1.1, 1.8)
            elif year < exit_year:  # still poor
                low, high = 0.55, 0.95
            else:  # exited: above the line, unless it exited under it
                low, high = (0.8, 0.97) if flaw == Flaw.INCOME else (1.08, 2.2)
            ratio = self.rng.uniform(low, high)
            rows.append(self.income_row(household, year, ratio * line, size))
        return rows

    def member_flaw(self, household: Household, members: list[Member], flaw: str) -> str:
        """Make the members show ``flaw`` (a child out of school, someone uninsured); returns
        the flaw shown (a household without a child of compulsory age in every year from its
        exit has an uninsured member instead)."""
        if flaw == Flaw.EDUCATION:
            judged = range(household.exit_year or 2014, YEARS[-1] + 1)
            children = [
                m
                for m in members
                if all(of_compulsory_age(m.birth_date, datetime.date(y, 9, 1)) for y in judged)
            ]
            if children:
                child = self.rng.choice(children)
                child.schooling = ""
                age = AS_OF.year - child.birth_date.year
                child.education = Education.PRIMARY if age < 13 else Education.JUNIOR
                return flaw
            flaw = Flaw.MEDICAL
        if flaw == Flaw.MEDICAL:
            self.rng.choice(members).basic_medical_insurance = False
        return flaw

    def income_row(
        self, household: Household, year: int, per_capita: float, size: int
    ) -> AnnualIncome:
        rng, net = self.rng, Decimal(str(round(per_capita * size, 2)))
        transfer = (net * Decimal(str(round(rng.uniform(0.1, 0.35), 2)))).quantize(Decimal("1"))
        property_ = (net * Decimal("0.05")).quantize(Decimal("1"))
        expense = Decimal(rng.randint(200, 1500))
        business = (net * Decimal("0.25")).quantize(Decimal("1")) + expense
        wage = net - transfer - property_ - business + expense
        income = AnnualIncome(
            household=household,
            year=year,
            wage=wage,
            business=business,
            business_expense=expense,
            property_dividend=property_,
            transfer_dibao=transfer,
            member_count=size,
        )
        income.compute_totals()
        return income

    def measures(self, household: Household) -> list[AssistanceMeasure]:
        kinds = self.rng.sample(list(MeasureKind.values), self.rng.randint(1, 3))
        return [
            AssistanceMeasure(
                household=household,
                kind=kind,
                year=self.rng.randint(2015, household.exit_year or 2020),
                description=str(MeasureKind(kind).label),
                amount=Decimal(self.rng.randint(0, 8000)),
            )
            for kind in kinds
        ]


def _villages(county: str) -> tuple[list[str], list[float]]:
    villages = list(
        Region.objects.filter(level="village", code__startswith=county[:6])
        .order_by("code")
        .values_list("code", "is_poor_village")
    )
    codes = [code for code, _poor in villages]
    weights = [30.0 if code == DEMO_VILLAGE else 3.0 if poor else 1.0 for code, poor in villages]
    return codes, weights


COUNTS = (
    "households",
    "edge_households",
    "members",
    "incomes",
    "measures",
    "visits",
    "surveys",
    "consistency_items",
    *(f"flaw_{flaw}" for flaw in (*Flaw.WRONG_EXIT, Flaw.UNVISITED, Flaw.MISSED)),
)
# The households of a county to write: (size, exit year or None for an edge household, village,
# flaw).
Planned = list[tuple[int, int | None, str, str]]


def _edge_households(
    gen: Generator, registered: int, outside: int, codes: list[str], weights: list[float]
) -> Planned:
    """``EDGE_SHARE`` of the ``registered`` households again as edge households; the 漏评 among
    them have at most ``MISSED_SHARE`` of the ``outside`` people (rural, not registered)."""
    rng = gen.rng
    sizes = rng.choices(
        list(FAMILY_SIZES), list(FAMILY_SIZES.values()), k=int(registered * EDGE_SHARE)
    )
    villages = [rng.choices(codes, weights)[0] for _ in sizes]
    candidates = [i for i, village in enumerate(villages) if village != DEMO_VILLAGE]
    missed = set(pick_within(rng, sizes, candidates, int(outside * MISSED_SHARE), len(candidates)))
    return [
        (size, None, village, Flaw.MISSED if i in missed else "")
        for i, (size, village) in enumerate(zip(sizes, villages, strict=True))
    ]


@transaction.atomic
def generate_register(
    *,
    scale: float = 0.01,
    seed: int = 5206,
    batch_size: int = 5000,
) -> dict[str, int]:
    """Writes the scaled facts, the register and its evidence; returns counts."""
    the_plan = plan(scale)
    for code, by_year in the_plan.rural.items():
        for year, population in by_year.items():
            RegionYearFact.objects.update_or_create(
                region_id=code, year=year, defaults={"rural_population": population}
            )
    gen = Generator(seed, visitor())
    wrong_exits = itertools.cycle(Flaw.WRONG_EXIT)  # the kinds in turn, city-wide
    counts = dict.fromkeys(COUNTS, 0)
    for county in reference.COUNTIES:
        remaining = the_plan.remaining[county.code]
        # Those still poor at the end of 2019 are generated apart, so their number is exact.
        late = list(_family_sizes(gen.rng, remaining[2019]))
        early = list(_family_sizes(gen.rng, the_plan.poor_2014[county.code] - remaining[2019]))
        sizes = early + late
        early_left = {year: max(0, remaining[year] - remaining[2019]) for year in range(2015, 2020)}
        years = exit_years_for(early_left, early) + [2020] * len(late)
        codes, weights = _villages(county.code)
        villages = [gen.rng.choices(codes, weights)[0] for _ in sizes]
        if DEMO_VILLAGE in codes:  # the demo casework needs households still poor in 2020
            for index in range(len(early), min(len(sizes), len(early) + DEMO_LATE_HOUSEHOLDS)):
                villages[index] = DEMO_VILLAGE
        flaws = deliberate_flaws(gen.rng, (sizes, years, villages), county.exit_year, wrong_exits)
        households: Planned = list(zip(sizes, years, villages, flaws, strict=True))
        outside = the_plan.rural[county.code][2020] - sum(sizes)
        households += _edge_households(gen, len(sizes), outside, codes, weights)
        for start in range(0, len(households), batch_size):
            _write_chunk(gen, households[start : start + batch_size], counts)
    return counts


def _write_chunk(gen: Generator, chunk: Planned, counts: dict[str, int]) -> None:
    households = [gen.household(village, year, flaw) for _size, year, village, flaw in chunk]
    Household.objects.bulk_create(households)
    members: list[Member] = []
    incomes: list[AnnualIncome] = []
    measures: list[AssistanceMeasure] = []
    stories: list[Story] = []
    for household, (size, _year, _village, flaw) in zip(households, chunk, strict=True):
        people = gen.members(household, size)
        flaw = gen.member_flaw(household, people, flaw)
        rows = gen.incomes(household, size, flaw)
        members.extend(people)
        incomes.extend(rows)
        if household.exit_year is not None:
            measures.extend(gen.measures(household))
        else:
            counts["edge_households"] += 1
        if flaw:
            counts[f"flaw_{flaw}"] += 1
        per_capita = {row.year: row.per_capita_net_income for row in rows}
        casework = household.region_id == DEMO_VILLAGE
        stories.append(Story(household, size, flaw, per_capita, casework))
    insert_objects(members)
    insert_objects(incomes)
    insert_objects(measures)
    for key, value in write_evidence(gen.rng, gen.visitor, stories, gen.quota).items():
        counts[key] += value
    counts["households"] += len(households)
    counts["members"] += len(members)
    counts["incomes"] += len(incomes)
    counts["measures"] += len(measures)


def delete_register() -> None:
    """Every household, with what refers to it: the casework, the visits, the relocations."""
    from exits.models import ExitApplication
    from inspections.models import LookBackTask, Problem, Visit
    from monitoring.models import MonitoringCase
    from relocation.models import Relocation

    for model in (MonitoringCase, LookBackTask, ExitApplication, Problem, Visit, Relocation):
        model.objects.all().delete()
    Household.objects.all().delete()


def poor_people_at_end_of(year: int, prefix: str = "5206") -> int:
    """People of households identified by ``year`` and not exited by its end (for checks)."""
    from django.db.models import Q

    return (
        Member.objects.filter(
            Q(household__exit_year__isnull=True) | Q(household__exit_year__gt=year),
            household__identification_year__lte=year,
            household__region__code__startswith=prefix,
        )
        .exclude(household__status__in=[Status.REMOVED, Status.EDGE])
        .count()
    )


def incidence_at_end_of(year: int, prefix: str = "5206") -> Any:
    rural = sum(
        RegionYearFact.objects.filter(year=year, region__code__startswith=prefix).values_list(
            "rural_population", flat=True
        )
    )
    return Decimal(poor_people_at_end_of(year, prefix) * 100) / Decimal(rural)
