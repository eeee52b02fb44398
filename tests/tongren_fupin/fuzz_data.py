"""The register the fuzz test runs against: a few rows of every kind the API answers with.

An empty database only ever answers empty lists and 404s, whose schemas say little; these rows
make every list, detail and action answer with real bodies, so that the response-schema check
has something to compare. Two villages: the cadre's (沿河) and one of 碧江, outside the cadre's
jurisdiction, so the cadre's requests meet both their own rows and others' (404).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db.models import Model

from assistance.models import FundFlowKind, JobPlacement, Pairing, Partner, Project, Training
from audit import events
from exits import services as exits
from exits.models import ExitApplication
from households import services as households
from households.choices import Relation, Status
from households.models import Household, Member
from imports.models import ExportJob, ImportJob
from inspections import services as inspections
from inspections.models import LookBackTask, Problem, Visit
from monitoring import services as monitoring
from monitoring.models import MonitoringCase
from relocation.models import Relocation, Site
from supervision import services as supervision
from supervision.look_back import create_look_back_tasks
from supervision.models import Report
from supervision.periods import parse_period
from tests.assistance.conftest import ASSISTANCE_FIXTURE, add_flow, make_project
from tests.households.factories import MemberFactory, household_with_head, income
from tests.inspections.helpers import record_visit
from tests.regions.factories import assigned_user
from tests.relocation.factories import SiteFactory, relocated_household

YANHE_VILLAGE = "520627100200"
YANHE_TOWNSHIP = "520627100000"
YANHE = "520627000000"
BIJIANG_VILLAGE = "520602100200"
BIJIANG = "520602000000"
CITY = "520600000000"
YEAR = 2020


def seed_register() -> dict[str, Any]:
    """Writes the rows; returns the personas (users) by name."""
    call_command("loaddata", ASSISTANCE_FIXTURE, verbosity=0)
    users = {
        "city_supervisor": assigned_user("fuzz_city", "city_supervisor", CITY),
        "county_supervisor": assigned_user("fuzz_county", "county_supervisor", YANHE),
        "township_reviewer": assigned_user("fuzz_township", "township_reviewer", YANHE_TOWNSHIP),
        "cadre_yanhe": assigned_user("fuzz_cadre", "village_cadre", YANHE_VILLAGE),
    }
    cadre = users["cadre_yanhe"]
    _household_with_casework(cadre, YANHE_VILLAGE)
    _household_with_casework(
        assigned_user("fuzz_cadre_bijiang", "village_cadre", BIJIANG_VILLAGE), BIJIANG_VILLAGE
    )
    _exit_application(cadre, users["county_supervisor"])
    _monitoring_case(cadre)
    _assistance(users["city_supervisor"])
    _relocation()
    _jobs(cadre, users["city_supervisor"])
    supervision.dispatch_run(period=parse_period(f"{YEAR}-11"))
    return users


def _household_with_casework(cadre: Any, village: str) -> Household:
    """A household of two with incomes, a measure, a visit, a problem and a system event."""
    household = household_with_head(
        region_id=village, household_no=f"{village[:10]}0{Household.objects.count():05d}"
    )
    MemberFactory(household=household, relation=Relation.DAUGHTER, name="女儿")
    income(household, YEAR - 1, Decimal("4800"), 2)
    income(household, YEAR, Decimal("6500"), 2)
    households.measure_add(
        actor=cadre,
        household=household,
        data={"kind": "industry", "year": YEAR, "description": "养殖", "amount": Decimal("3000")},
    )
    visit = record_visit(cadre, household, datetime.date(YEAR, 9, 20))
    problem = inspections.problem_open(
        actor=cadre,
        household=household,
        data={
            "visit": visit,
            "source": "visit",
            "category": "fill_gaps",
            "description": "危房改造未完成",
            "deadline": datetime.date(YEAR, 10, 31),
            "responsible": cadre,
        },
    )
    inspections.problem_start(actor=cadre, problem=problem)
    # A scheduled check writes history with no one acting: its actor is null.
    events.record(actor=None, action="household.checked", obj=household, summary="系统检查")
    return household


def _exit_application(cadre: Any, county: Any) -> ExitApplication:
    household = household_with_head(region_id=YANHE_VILLAGE, household_no="52062710020099001")
    income(household, YEAR, Decimal("6500"), household.members.count())
    record_visit(cadre, household, datetime.date(YEAR, 8, 20))
    return exits.exit_propose(
        actor=cadre,
        household=household,
        year=YEAR,
        proposed_on=datetime.date(YEAR, 9, 10),
        attendees=30,
        appraisal_result="同意退出",
        agreeing=28,
    )


def _monitoring_case(cadre: Any) -> MonitoringCase:
    household = household_with_head(
        region_id=YANHE_VILLAGE,
        household_no="52062710020099002",
        status=Status.EXITED,
        exit_year=YEAR - 1,
    )
    case = monitoring.monitoring_case_open(
        actor=cadre,
        household=household,
        category="unstable_exited",
        opened=datetime.date(YEAR, 6, 1),
        evidence="因病收入下降",
    )
    create_look_back_tasks(period=f"{YEAR}-09")
    return case


def _assistance(city: Any) -> None:
    project = make_project(YANHE, name="沿河产业路")
    add_flow(project, FundFlowKind.ALLOCATED, "1000000.00")
    make_project(BIJIANG, name="碧江产业路")
    member = Member.objects.filter(household__region_id=YANHE_VILLAGE).first()
    training = Training.objects.create(
        scheme="east_west",
        partner=Partner.objects.first(),
        region_id=YANHE,
        title="电工培训",
        start_on=datetime.date(YEAR, 3, 1),
        participants=20,
    )
    training.members.add(member)
    JobPlacement.objects.create(
        member=member,
        employer="苏州某厂",
        place="suzhou",
        placed_on=datetime.date(YEAR, 4, 1),
        scheme="east_west",
    )


def _relocation() -> None:
    site = SiteFactory(region_id=YANHE_TOWNSHIP)
    relocated_household(site, region_id=YANHE_VILLAGE, household_no="52062710020099003")


def _jobs(cadre: Any, city: Any) -> None:
    ExportJob.objects.create(created_by=city, region_id=CITY, format="xlsx")
    ImportJob.objects.create(
        created_by=cadre, region_id=YANHE_VILLAGE, file="imports/none.xlsx", original_name="a.xlsx"
    )


# Path parameters the fuzz draws from, by the first segment of the path after /api/v1/.
MODELS: dict[str, type[Model]] = {
    "households": Household,
    "exit-applications": ExitApplication,
    "exports": ExportJob,
    "imports": ImportJob,
    "job-placements": JobPlacement,
    "look-back-tasks": LookBackTask,
    "monitoring-cases": MonitoringCase,
    "pairings": Pairing,
    "partners": Partner,
    "problems": Problem,
    "projects": Project,
    "relocations": Relocation,
    "reports": Report,
    "sites": Site,
    "trainings": Training,
    "visits": Visit,
}
REGIONS = [CITY, YANHE, YANHE_TOWNSHIP, YANHE_VILLAGE, BIJIANG, BIJIANG_VILLAGE]


def known_path_parameters(path: str) -> list[dict[str, Any]]:
    """Combinations of existing path parameters for ``path`` (a member with its household)."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    if "{member_id}" in path:
        return [
            {"id": household_id, "member_id": member_id}
            for member_id, household_id in Member.objects.values_list("pk", "household_id")
        ]
    if "{code}" in path:
        return [{"code": code} for code in REGIONS]
    if "{id}" in path and resource in MODELS:
        return [{"id": pk} for pk in MODELS[resource]._default_manager.values_list("pk", flat=True)]
    return []
