"""A reproducible demo register at a chosen scale of Tongren (1/100 for a first run).

The numbers follow the published figures: 24.74% of the rural population registered poor at the
end of 2014, 4.38万 people = 1.16% left at the end of 2019 (沿河 most of them, every exited
county below 3%), none at the end of 2020. Counties exit in their real years. The rural-population
facts are scaled with the register, so the percentages hold at every scale.

Households still poor at the end of a year Y are those identified by Y whose exit year is after Y.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from households.choices import (
    Cause,
    Education,
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
from households.models import AnnualIncome, AssistanceMeasure, Ethnicity, Household, Member
from regions import reference
from regions.models import Region, RegionYearFact

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
FAMILY_SIZES = {1: 10, 2: 16, 3: 20, 4: 24, 5: 17, 6: 9, 7: 4}
DEMO_VILLAGE = "520627100200"
DEMO_LATE_HOUSEHOLDS = 8  # households of the demo village that exit only in 2020


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
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
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
        if 3 <= age <= 21 and not dropout and (age <= 17 or rng.random() < 0.3):
            schooling = (
                Schooling.PRESCHOOL
                if age < 6
                else Schooling.PRIMARY
                if age < 12
                else [Schooling.GRADE_7, Schooling.GRADE_8, Schooling.GRADE_9][min(age - 12, 2)]
                if age < 15
                else rng.choice([Schooling.SENIOR, Schooling.VOCATIONAL_SECONDARY])
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
        health = rng.choices(list(Health.values), [70, 17, 6, 7])[0]
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
            ethnicity=rng.choices(list(Ethnicity.values), [35, 35, 15, 8, 4, 2, 1])[0],
            education=education,
            schooling=schooling,
            health=health,
            labour_ability=labour,
            work_status=rng.choice(list(WorkStatus.values)[1:]) if working else "",
            work_months=rng.randint(3, 12) if working else 0,
            basic_medical_insurance=rng.random() > 0.01,
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
    def household(self, village: str, exit_year: int) -> Household:
        rng = self.rng
        self.serial[village] = self.serial.get(village, 0) + 1
        main = rng.choices(list(CAUSE_WEIGHTS), list(CAUSE_WEIGHTS.values()))[0]
        others = rng.sample([c for c in Cause.values if c != main], rng.choice([0, 1, 1, 2]))
        return Household(
            household_no=f"{village}{self.serial[village]:04d}",
            region_id=village,
            poverty_attribute=rng.choices(list(PovertyAttribute.values), [80, 17, 3])[0],
            identification_year=2014,
            status=Status.EXITED,
            exit_year=exit_year,
            main_cause=main,
            other_causes=others,
            housing_grade=rng.choice("AAAB"),
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

    def incomes(self, household: Household, size: int) -> list[AnnualIncome]:
        rows = []
        for year in sorted({2014, household.exit_year or 2020, 2020}):
            line = NATIONAL_LINES[year]
            poor = year < (household.exit_year or 2021)
            per_capita = (
                self.rng.uniform(0.55, 0.95) * line if poor else self.rng.uniform(1.08, 2.2) * line
            )
            rows.append(self.income_row(household, year, per_capita, size))
        return rows

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
        Region.objects.filter(level="village", code__startswith=county[:6]).values_list(
            "code", "is_poor_village"
        )
    )
    codes = [code for code, _poor in villages]
    weights = [30.0 if code == DEMO_VILLAGE else 3.0 if poor else 1.0 for code, poor in villages]
    return codes, weights


def exit_years_for(remaining: dict[int, int], sizes: list[int]) -> list[int]:
    """Exit years 2015–2019 for households (in order) so that the people left at each year end
    follow ``remaining`` (all gone by the end of 2019)."""
    years, left, index = [], sum(sizes), 0
    for year in range(2015, 2020):
        while index < len(sizes) and left - sizes[index] >= remaining[year]:
            left -= sizes[index]
            years.append(year)
            index += 1
    years.extend([2019] * (len(sizes) - index))
    return years


@transaction.atomic
def generate_register(
    *,
    scale: float = 0.01,
    seed: int = 5206,
    batch_size: int = 5000,
) -> dict[str, int]:
    """Writes the scaled facts and the register; returns counts."""
    the_plan = plan(scale)
    for code, by_year in the_plan.rural.items():
        for year, population in by_year.items():
            RegionYearFact.objects.update_or_create(
                region_id=code, year=year, defaults={"rural_population": population}
            )
    gen = Generator(seed)
    counts = {"households": 0, "members": 0, "incomes": 0, "measures": 0}
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
        for start in range(0, len(sizes), batch_size):
            end = start + batch_size
            chunk = list(zip(sizes[start:end], years[start:end], villages[start:end], strict=True))
            _write_chunk(gen, chunk, counts)
    return counts


def _write_chunk(gen: Generator, chunk: list[tuple[int, int, str]], counts: dict[str, int]) -> None:
    households = [gen.household(village, exit_year) for _size, exit_year, village in chunk]
    Household.objects.bulk_create(households)
    members: list[Member] = []
    incomes: list[AnnualIncome] = []
    measures: list[AssistanceMeasure] = []
    for household, (size, _year, _village) in zip(households, chunk, strict=True):
        members.extend(gen.members(household, size))
        incomes.extend(gen.incomes(household, size))
        measures.extend(gen.measures(household))
    Member.objects.bulk_create(members, batch_size=5000)
    AnnualIncome.objects.bulk_create(incomes, batch_size=5000)
    AssistanceMeasure.objects.bulk_create(measures, batch_size=5000)
    counts["households"] += len(households)
    counts["members"] += len(members)
    counts["incomes"] += len(incomes)
    counts["measures"] += len(measures)


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
