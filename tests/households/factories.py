from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from households.choices import Relation, Status
from households.id_numbers import check_character
from households.models import AnnualIncome, Household, Member

YANHE_VILLAGE = "520627100200"
BIJIANG_VILLAGE = "520602100200"


def make_id(
    born: datetime.date = datetime.date(1980, 5, 17), sequence: int = 1, area: str = "522228"
) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


_id_sequence = iter(range(1, 10**6))


def next_id(born: datetime.date = datetime.date(1980, 5, 17)) -> str:
    n = next(_id_sequence)
    return make_id(born, sequence=n % 1000, area=f"5206{20 + n // 1000 % 80:02d}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    household_no = factory.Sequence(lambda n: f"52062710020{n:05d}")
    region_id = YANHE_VILLAGE
    identification_year = 2014
    status = Status.REGISTERED
    main_cause = "illness"
    housing_grade = "B"
    water_safe = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    relation = Relation.SON
    birth_date = datetime.date(1980, 5, 17)
    id_number = factory.LazyAttribute(lambda m: next_id(m.birth_date))
    sex = "male"
    education = "junior"
    schooling = ""


def household_with_head(**kwargs: Any) -> Household:
    household = HouseholdFactory(**kwargs)
    MemberFactory(household=household, relation=Relation.HEAD, name=f"户主{household.pk}")
    return household


def income(household: Household, year: int, per_capita_net: Decimal, size: int) -> AnnualIncome:
    row = AnnualIncome(
        household=household, year=year, wage=per_capita_net * size, member_count=size
    )
    row.save()
    return row
