"""The indicator engine: the demo register's published figures, each indicator's definition, and
a constant number of queries however many counties and households there are."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.register import generate_register, incidence_at_end_of
from households.choices import Status
from households.models import Household
from inspections import services
from inspections.models import Problem, ProblemState, Visit
from regions import reference
from regions.models import RegionYearFact
from supervision import indicators
from supervision.periods import parse_period
from tests.households.factories import MemberFactory, household_with_head, income
from tests.inspections.helpers import ALL_ADEQUATE, record_visit
from tests.regions.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

CITY = "520600000000"
YANHE = "520627000000"
BIJIANG_VILLAGE = "520602100200"
YANHE_VILLAGE = "520627100200"


def city_figure(code: str, period: str) -> indicators.Figure:
    counties = indicators.compute(code, level="county", period=parse_period(period))
    return indicators.roll_up(code, counties, "city")[CITY]


def test_the_demo_data_give_the_published_incidence_through_the_api(api):
    # What `make run` loads: the relocation reference (the relocation demo carves its households
    # out of it), the logins, the register at 1/100 with its casework (households that relapsed
    # and exit again in 2020), the relocation demo.
    call_command("loaddata", "fixtures/tongren_relocation/tongren_relocation.json", verbosity=0)
    call_command("load_demo", "--allow", stdout=io.StringIO())
    call_command("load_demo_register", "--allow", "--scale", "0.01", stdout=io.StringIO())
    call_command("load_demo_relocation", "--allow", stdout=io.StringIO())
    assert Household.objects.filter(relapse_year=2020).count() == 9  # demo casework: one per state
    api.force_authenticate(User.objects.get(username="demo_api"))

    def incidence(period: str, **extra: str) -> list[dict]:
        response = api.get(
            "/api/v1/indicators/",
            {"indicator": "poverty_incidence", "region": CITY, "period": period, **extra},
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    [row_2019] = incidence("2019")
    [row_2014] = incidence("2014")
    [row_2020] = incidence("2020")
    counties_2019 = incidence("2019", level="county")

    assert row_2019["value"] == 1.16
    assert row_2014["value"] == 24.74
    assert row_2020["value"] == 0
    assert (row_2019["region"], row_2019["region_name"], row_2019["period"]) == (
        CITY,
        "铜仁市",
        "2019",
    )
    assert row_2019["numerator"] == 438 and row_2019["computed_at"]
    by_county = {row["region"]: row["value"] for row in counties_2019}
    assert len(by_county) == 10
    assert by_county[YANHE] > 3
    assert all(value < 3 for code, value in by_county.items() if code != YANHE)


def test_the_incidence_is_the_demo_register_definition_for_every_county_and_year():
    generate_register(scale=0.005, seed=11)
    for year in (2014, 2016, 2018, 2019, 2020):
        result = indicators.compute(
            "poverty_incidence", level="county", period=parse_period(str(year))
        )
        for county in reference.COUNTIES:
            expected = incidence_at_end_of(year, county.code6)
            assert result[county.code].value == expected.quantize(Decimal("0.01")), (year, county)


def test_every_indicator_computes_all_counties_in_a_constant_number_of_queries(
    django_assert_num_queries, operator
):
    visitor = operator

    def data(villages: list[str]) -> None:
        for village in villages:
            household = household_with_head(region_id=village, status=Status.EXITED, exit_year=2019)
            income(household, 2019, Decimal("5000"), 1)
            Visit.objects.create(
                household=household, visitor=visitor, date=datetime.date(2019, 9, 3)
            )
            Problem.objects.create(
                household=household,
                source="visit",
                category="diligence",
                description="x",
                deadline=datetime.date(2019, 9, 10),
            )

    def queries() -> dict[str, int]:
        counts = {}
        for code in indicators.SPECS:
            with CaptureQueriesContext(connection) as captured:
                indicators.compute(code, level="county", period=parse_period("2019-09"))
            counts[code] = len(captured.captured_queries)
        return counts

    data([YANHE_VILLAGE])
    few = queries()
    data([BIJIANG_VILLAGE, "520603100200", "520621100200", YANHE_VILLAGE] * 3)
    many = queries()

    assert many == few
    assert max(few.values()) <= 3
    for code, count in few.items():
        with django_assert_num_queries(count):
            indicators.compute(code, level="county", period=parse_period("2019-09"))


def test_rural_population_makes_the_denominator_of_county_and_city_only():
    RegionYearFact.objects.update_or_create(
        region_id=YANHE, year=2019, defaults={"rural_population": 200}
    )
    household = household_with_head(identification_year=2019)
    MemberFactory(household=household)

    county = indicators.compute_region(
        "poverty_incidence", region_code_=YANHE, level="county", period=parse_period("2019")
    )
    village = indicators.compute_region(
        "poverty_incidence",
        region_code_=YANHE_VILLAGE,
        level="village",
        period=parse_period("2019"),
    )

    assert (county.numerator, county.denominator, county.value) == (2, 200, Decimal("1.00"))
    assert (village.numerator, village.denominator, village.value) == (2, None, None)


def test_exits_count_at_the_end_of_the_exit_year_only():
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    MemberFactory(household=household)

    assert city_figure("exits", "2019").value == 2
    assert city_figure("exits", "2019-Q4").value == 2
    assert indicators.compute("exits", level="county", period=parse_period("2019-09")) == {}
    assert city_figure("poverty_incidence", "2019-09").numerator == 2
    assert city_figure("poverty_incidence", "2019").numerator == 0


def test_visit_coverage_is_households_visited_in_the_period(cadre_yanhe):
    visited = household_with_head()
    household_with_head()
    household_with_head(status=Status.REMOVED)
    record_visit(cadre_yanhe, visited, datetime.date(2019, 9, 3))

    september = city_figure("visit_coverage", "2019-09")
    october = city_figure("visit_coverage", "2019-10")

    assert (september.numerator, september.denominator, september.value) == (1, 2, Decimal("50.00"))
    assert october.value == Decimal("0.00")


def test_problems_open_and_overdue_at_the_end_of_the_period():
    household = household_with_head()
    user = UserFactory()

    def problem(deadline: datetime.date, state: str = ProblemState.OPEN) -> Problem:
        return Problem.objects.create(
            household=household,
            source="visit",
            category="diligence",
            description="x",
            deadline=deadline,
            state=state,
            rectified_by=user if state == ProblemState.VERIFIED else None,
        )

    problem(datetime.date(2019, 1, 10))
    problem(datetime.date(2099, 1, 10))
    problem(datetime.date(2019, 1, 10), ProblemState.RECTIFYING)
    problem(datetime.date(2019, 1, 10), ProblemState.VERIFIED)

    current = parse_period(f"{datetime.date.today():%Y-%m}")
    open_now = indicators.roll_up(
        "open_problems", indicators.compute("open_problems", level="county", period=current), "city"
    )[CITY]
    overdue_now = indicators.roll_up(
        "overdue_problems",
        indicators.compute("overdue_problems", level="county", period=current),
        "city",
    )[CITY]

    assert open_now.value == 3
    assert (overdue_now.value, overdue_now.denominator) == (2, 3)


def test_approval_rate_reads_the_latest_survey_of_each_household(cadre_yanhe):
    happy, unhappy, changed = (household_with_head() for _ in range(3))
    yes = {
        "policy": "satisfied",
        "environment": "basically",
        "ethos": "satisfied",
        "cadre_relations": "satisfied",
    }
    no = {**yes, "cadre_relations": "dissatisfied"}
    for household, surveys in ((happy, [yes]), (unhappy, [no]), (changed, [no, yes])):
        for day, survey in enumerate(surveys, start=1):
            services.visit_record(
                actor=cadre_yanhe,
                household=household,
                data={"date": datetime.date(2019, 6, day), "kind": "routine"},
                survey=survey,
            )

    rate = city_figure("approval_rate", "2019")

    assert (rate.numerator, rate.denominator) == (2, 3)
    assert rate.value == Decimal("66.67")


def test_wrong_exits_are_exited_people_failing_income_or_basic_needs(cadre_yanhe):
    fine = household_with_head(status=Status.EXITED, exit_year=2018)
    income(fine, 2019, Decimal("5000"), 1)
    poor_again = household_with_head(status=Status.EXITED, exit_year=2018)
    income(poor_again, 2019, Decimal("3000"), 1)  # under the 2019 line of 3747
    unsafe = household_with_head(status=Status.EXITED, exit_year=2018, housing_grade="D")
    income(unsafe, 2019, Decimal("5000"), 1)
    hungry = household_with_head(status=Status.EXITED, exit_year=2018)
    income(hungry, 2019, Decimal("5000"), 1)
    record_visit(
        cadre_yanhe, hungry, datetime.date(2019, 5, 1), looks={**ALL_ADEQUATE, "pot": False}
    )
    dropout = household_with_head(status=Status.EXITED, exit_year=2018)
    income(dropout, 2019, Decimal("5000"), 2)
    MemberFactory(household=dropout, birth_date=datetime.date(2008, 3, 1), education="primary")

    rate = city_figure("wrong_exit_rate", "2019")

    assert (rate.numerator, rate.denominator) == (5, 6)  # 4 failing households, 5 people
    assert rate.value == Decimal("83.33")


def test_missed_rate_counts_edge_households_meeting_the_poverty_criteria():
    RegionYearFact.objects.update_or_create(
        region_id=YANHE, year=2019, defaults={"rural_population": 102}
    )
    household_with_head(identification_year=2014)  # registered: 1 person
    missed = household_with_head(status=Status.EDGE)
    income(missed, 2019, Decimal("2000"), 1)
    well_off = household_with_head(status=Status.EDGE)
    income(well_off, 2019, Decimal("9000"), 1)

    rate = indicators.compute_region(
        "missed_rate", region_code_=YANHE, level="county", period=parse_period("2019")
    )

    assert (rate.numerator, rate.denominator, rate.value) == (1, 101, Decimal("0.99"))
