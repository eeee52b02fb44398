"""Concurrent writers never answer 500, on PostgreSQL and on the embedded SQLite of `make run`.

On SQLite a write used to start as a read and take the write lock half-way; a second writer
then failed at once with "database is locked" (a 500 on exit approval, member add, projects,
job placements, even login). With WAL, a busy timeout and immediate write transactions
(tongren_fupin/settings.py) the second writer waits its turn instead.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from assistance.models import JobPlacement, Project
from audit.models import AuditEvent
from exits import services as exits
from exits.models import ExitApplication
from households.models import Household, Member
from tests.conftest import YANHE, YANHE_TOWNSHIP, YANHE_VILLAGE
from tests.exits.helpers import ready_for_exit
from tests.households.factories import MemberFactory, household_with_head, make_id
from tests.inspections.helpers import record_visit
from tests.regions.factories import assigned_user

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]

WRITERS = 6
PASSWORD = "correct horse battery staple"  # tests/regions/factories.py


def _all_at_once(work: Callable[[int], int]) -> list[int]:
    """``work(n)`` for each writer in its own thread (and connection), started together."""
    start = threading.Barrier(WRITERS)

    def run(number: int) -> int:
        try:
            start.wait()
            return work(number)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        return list(pool.map(run, range(WRITERS)))


def _member(number: int) -> dict[str, Any]:
    return {
        "version": 1,
        "name": f"新成员{number}",
        "id_number": make_id(sequence=100 + number),
        "relation": "03",
        "education": "junior",
    }


def test_the_embedded_database_runs_in_wal_mode_with_immediate_writes(tongren_regions):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]

    assert (mode, timeout, connection.transaction_mode) == ("wal", 20000, "IMMEDIATE")


def test_concurrent_logins_all_succeed(tongren_regions):
    for number in range(WRITERS):
        assigned_user(f"cadre{number}", "village_cadre", YANHE_VILLAGE)

    def log_in(number: int) -> int:
        client = Client(raise_request_exception=False)
        response = client.post("/login/", {"username": f"cadre{number}", "password": PASSWORD})
        return response.status_code

    statuses = _all_at_once(log_in)

    assert statuses == [302] * WRITERS
    assert Session.objects.count() == WRITERS
    assert AccessLog.objects.count() == WRITERS


def test_concurrent_member_adds_to_different_households_all_succeed(tongren_regions):
    cadre = assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    households = [
        household_with_head(household_no=f"52062710020000{number:02d}") for number in range(WRITERS)
    ]

    def add_member(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(cadre)
        url = f"/api/v1/households/{households[number].pk}/members/"
        return api.post(url, _member(number), format="json").status_code

    statuses = _all_at_once(add_member)

    assert statuses == [201] * WRITERS
    assert [Member.objects.filter(household=h).count() for h in households] == [2] * WRITERS


def test_concurrent_member_adds_to_one_household_add_one_and_refuse_the_rest(tongren_regions):
    cadre = assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    household = household_with_head()

    def add_member(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(cadre)
        url = f"/api/v1/households/{household.pk}/members/"
        return api.post(url, _member(number), format="json").status_code

    statuses = _all_at_once(add_member)

    # The first writer adds its member and bumps the version; the others had read version 1.
    assert sorted(statuses) == [201] + [409] * (WRITERS - 1)
    assert Member.objects.filter(household=household).count() == 2


def _reviewed_applications(count: int) -> list[ExitApplication]:
    """``count`` exit applications of Yanhe's village, each reviewed by the township and
    waiting for the county's approval."""
    cadre = assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    team = assigned_user("work_team_yanhe", "work_team", YANHE_VILLAGE)
    reviewer = assigned_user("township_reviewer", "township_reviewer", YANHE_TOWNSHIP)
    day = datetime.date
    applications = []
    for number in range(count):
        household = ready_for_exit(
            cadre, household_with_head(household_no=f"52062710020000{number:02d}")
        )
        application = exits.exit_propose(
            actor=cadre, household=household, year=2020, proposed_on=day(2020, 10, 10),
            attendees=12, agreeing=11, appraisal_result="同意退出",
        )  # fmt: skip
        record_visit(team, household, day(2020, 10, 11))
        exits.exit_verify(actor=team, application=application, on=day(2020, 10, 12))
        exits.exit_household_agree(actor=cadre, application=application, on=day(2020, 10, 13))
        exits.exit_publicize(actor=cadre, application=application, start=day(2020, 10, 15))
        exits.exit_township_review(actor=reviewer, application=application, on=day(2020, 10, 22))
        applications.append(application)
    return applications


def _approve(supervisor: Any, application: ExitApplication) -> int:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(supervisor)
    url = f"/api/v1/exit-applications/{application.pk}/approve/"
    return api.post(url, {"on": "2020-10-30", "confirm": True}, format="json").status_code


def test_concurrent_exit_approvals_of_different_households_all_succeed(tongren_regions):
    applications = _reviewed_applications(WRITERS)
    supervisor = assigned_user("county_supervisor", "county_supervisor", YANHE)

    statuses = _all_at_once(lambda number: _approve(supervisor, applications[number]))

    assert statuses == [200] * WRITERS
    assert set(ExitApplication.objects.values_list("state", flat=True)) == {"approved"}
    assert set(Household.objects.values_list("status", "exit_year")) == {("exited", 2020)}


def test_concurrent_approvals_of_one_exit_approve_it_once_and_refuse_the_rest(tongren_regions):
    (application,) = _reviewed_applications(1)
    supervisor = assigned_user("county_supervisor", "county_supervisor", YANHE)

    statuses = _all_at_once(lambda number: _approve(supervisor, application))

    # The first approves; the others find it approved already (invalid_transition, 409).
    assert sorted(statuses) == [200] + [409] * (WRITERS - 1)
    assert ExitApplication.objects.get().state == "approved"
    assert AuditEvent.objects.filter(action="exit.approved").count() == 1


def test_concurrent_project_creates_all_succeed(tongren_regions):
    supervisor = assigned_user("county_supervisor", "county_supervisor", YANHE)

    def create(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(supervisor)
        body = {
            "name": f"沿河茶园{number}",
            "scheme": "nine_plus_two",
            "target_region": YANHE,
            "category": "industry",
            "year": 2020,
            "planned_amount": "2000000.00",
            "people_covered": 100 + number,
        }
        return api.post("/api/v1/projects/", body, format="json").status_code

    statuses = _all_at_once(create)

    assert statuses == [201] * WRITERS
    assert sorted(Project.objects.values_list("people_covered", flat=True)) == [
        100 + number for number in range(WRITERS)
    ]


def test_concurrent_job_placement_creates_all_succeed(tongren_regions):
    supervisor = assigned_user("county_supervisor", "county_supervisor", YANHE)
    members = [MemberFactory(household=household_with_head()) for _ in range(WRITERS)]

    def place(number: int) -> int:
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(supervisor)
        body = {
            "member": members[number].pk,
            "employer": "苏州某电子厂",
            "place": "suzhou",
            "placed_on": "2020-05-01",
        }
        return api.post("/api/v1/job-placements/", body, format="json").status_code

    statuses = _all_at_once(place)

    assert statuses == [201] * WRITERS
    assert sorted(JobPlacement.objects.values_list("member_id", flat=True)) == sorted(
        member.pk for member in members
    )
