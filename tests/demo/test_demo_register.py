from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count

from demo.evidence import Flaw
from demo.register import delete_register, generate_register, incidence_at_end_of, plan
from exits.assessment import assess_exit_many
from exits.criteria import standard_outcome
from households.models import AnnualIncome, Household, Member
from inspections.models import ConsistencyItem, Visit
from regions import reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    return generate_register(scale=0.01)


def test_the_demo_register_reproduces_the_seed_incidence(register):
    assert round(incidence_at_end_of(2014), 2) == Decimal("24.74")
    assert round(incidence_at_end_of(2019), 2) == Decimal("1.16")
    assert incidence_at_end_of(2020) == 0


def test_every_exited_county_is_below_3_percent_at_its_exit_and_in_2019(register):
    for county in reference.COUNTIES:
        if county.exit_year < 2020:
            assert incidence_at_end_of(county.exit_year, county.code6) < 3, county.name
            assert incidence_at_end_of(2019, county.code6) < 3, county.name
    assert incidence_at_end_of(2019, "520627") > 3


def test_the_demo_register_is_consistent(register):
    assert register["members"] == Member.objects.count()
    assert Member.objects.filter(relation="01").count() == Household.objects.count()
    sizes = register["members"] / register["households"]
    assert 3 <= sizes <= 4
    assert Household.objects.filter(region_id="520627100200").count() >= 10
    children = Member.objects.filter(birth_date__year__gte=2005, birth_date__year__lte=2014)
    assert children.filter(schooling="").count() == 0


def test_the_demo_register_uses_only_the_codes_of_the_national_lists(register):
    for model in (Household, Member):
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            stored = set(model.objects.values_list(field.attname, flat=True).distinct())
            allowed = {value for value, _label in field.choices} | ({""} if field.blank else set())
            assert stored <= allowed, (model.__name__, field.name, stored - allowed)
    grades = set(Member.objects.values_list("schooling", flat=True).distinct())
    assert {"senior_1", "senior_2", "senior_3", "vocational_secondary_1"} <= grades
    assert {"senior", "vocational_secondary"} & grades == set()


def test_the_plan_scales_the_rural_population_with_the_register():
    small, full = plan(0.01), plan(1.0)

    assert sum(y[2019] for y in full.rural.values()) == reference.CITY_RURAL_POPULATION[2019]
    assert sum(small.remaining[c][2019] for c in small.remaining) == 438
    assert sum(full.remaining[c][2019] for c in full.remaining) == 43_800


def test_the_generator_is_reproducible():
    first = generate_register(scale=0.001, seed=7)
    numbers = list(
        Household.objects.order_by("household_no").values_list("household_no", "exit_year")
    )
    ids = set(Member.objects.values_list("id_number", flat=True))
    visits = set(Visit.objects.values_list("household__household_no", "date", "client_token"))
    delete_register()

    second = generate_register(scale=0.001, seed=7)

    assert first == second
    assert (
        list(Household.objects.order_by("household_no").values_list("household_no", "exit_year"))
        == numbers
    )
    assert set(Member.objects.values_list("id_number", flat=True)) == ids
    assert (
        set(Visit.objects.values_list("household__household_no", "date", "client_token")) == visits
    )


def test_the_demo_casework_covers_every_state():
    from django.core.management import call_command

    from demo.cases import generate_demo_cases
    from exits.models import ExitApplication, ExitState
    from inspections.models import Problem, ProblemState, Visit

    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)

    generate_demo_cases()

    assert set(ExitApplication.objects.values_list("state", flat=True)) == set(ExitState.values)
    assert set(Problem.objects.values_list("state", flat=True)) == set(ProblemState.values)
    assert Visit.objects.filter(household__region_id="520627100200").count() >= 8
    assert ExitApplication.objects.filter(objections__isnull=False).count() == 1
    assert round(incidence_at_end_of(2019), 2) == Decimal("1.16")
    assert incidence_at_end_of(2020) == 0


@pytest.mark.sqlite
def test_every_household_has_a_visit_a_year_that_agrees_with_the_register():
    counts = generate_register(scale=0.002)

    visits = Visit.objects.select_related("consistency", "five_looks", "survey")
    years: dict[int, set[int]] = {}
    for visit in visits:
        years.setdefault(visit.household_id, set()).add(visit.date.year)
        assert visit.visitor.is_active is False
    unvisited = counts["flaw_unvisited"]  # not visited in 2020
    assert Counter(len(y) for y in years.values()) == Counter(
        {6: unvisited, 7: counts["households"] - unvisited}
    )
    sizes = dict(Household.objects.annotate(n=Count("members")).values_list("pk", "n"))
    incomes = {
        (row.household_id, row.year): str(row.per_capita_net_income)
        for row in AnnualIncome.objects.all()
    }
    for item in ConsistencyItem.objects.select_related("consistency__visit"):
        visit = item.consistency.visit
        expected = (
            str(sizes[visit.household_id])
            if item.field == "family_size"
            else incomes[(visit.household_id, visit.date.year - 1)]
        )
        assert item.values() == [expected] * 5 and item.mismatch is False


@pytest.mark.sqlite
def test_each_household_meets_the_standard_in_its_exit_year_but_the_deliberate_wrong_exits():
    counts = generate_register(scale=0.002)

    failed = 0
    for year in range(2015, 2021):
        exited = Household.objects.filter(status="exited", exit_year=year)
        for _household, criteria in assess_exit_many(exited, year):
            outcome = standard_outcome(criteria)
            assert outcome != "missing"
            failed += outcome == "failed"

    assert failed == sum(counts[f"flaw_{flaw}"] for flaw in Flaw.WRONG_EXIT) > 0
