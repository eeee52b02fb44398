"""Publicity objections, one workflow for the exit and the monitoring: the owner's lock, a
required resolution, an audit event for either outcome, 404 for an objection the page lacks."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEvent
from exits import services as exit_services
from exits.models import ExitApplication
from households.choices import Status
from monitoring import services as monitoring
from monitoring.models import MonitoringCase
from publicity import services as publicity
from tests.exits.helpers import ready_for_exit
from tests.households.factories import household_with_head
from tests.inspections.helpers import record_visit
from tongren_fupin.errors import DomainError

PROPOSED = datetime.date(2020, 10, 10)
OPENED = datetime.date(2020, 10, 1)


@dataclass(frozen=True)
class Workflow:
    name: str
    rules: publicity.PublicityRules[Any, Any]
    # (cadre, work team, township reviewer) → an owner in its publicity
    in_publicity: Callable[[Any, Any, Any], Any]
    page: str
    received_on: datetime.date
    decided_on: datetime.date
    # The owner as a tuple of the fields a decision may change.
    owner_state: Callable[[Any], tuple[Any, ...]]

    def record(self, actor: Any, owner: Any, content: str = "该户务工收入不稳定") -> Any:
        return publicity.objection_record(
            actor=actor,
            owner=owner,
            received_on=self.received_on,
            content=content,
            rules=self.rules,
        )

    def decide(self, actor: Any, objection: Any, upheld: bool, resolution: str) -> Any:
        return publicity.objection_decide(
            actor=actor,
            objection=objection,
            upheld=upheld,
            resolution=resolution,
            on=self.decided_on,
            rules=self.rules,
        )


def exit_in_publicity(cadre: Any, work_team: Any, reviewer: Any) -> ExitApplication:
    household = ready_for_exit(cadre)
    application = exit_services.exit_propose(
        actor=cadre,
        household=household,
        year=2020,
        proposed_on=PROPOSED,
        attendees=12,
        agreeing=11,
        appraisal_result="同意退出",
    )
    record_visit(work_team, household, PROPOSED + datetime.timedelta(days=1))
    exit_services.exit_verify(
        actor=work_team, application=application, on=datetime.date(2020, 10, 12)
    )
    exit_services.exit_household_agree(
        actor=cadre, application=application, on=datetime.date(2020, 10, 13)
    )
    return exit_services.exit_publicize(
        actor=cadre, application=application, start=datetime.date(2020, 10, 15)
    )


def case_in_publicity(cadre: Any, work_team: Any, reviewer: Any) -> MonitoringCase:
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    case = monitoring.monitoring_case_open(
        actor=cadre, household=household, category="unstable_exited", opened=OPENED, evidence="失业"
    )
    monitoring.monitoring_case_advance(
        actor=reviewer, case=case, on=datetime.date(2020, 10, 5), measures="公益岗位"
    )
    return monitoring.monitoring_case_publicize(
        actor=cadre, case=case, start=datetime.date(2020, 12, 1)
    )


def exit_state(application: ExitApplication) -> tuple[Any, ...]:
    application = ExitApplication.objects.get(pk=application.pk)
    return (
        application.state,
        application.version,
        application.publicity_start,
        application.verification_visit_id,
    )


def case_state(case: MonitoringCase) -> tuple[Any, ...]:
    case = MonitoringCase.objects.get(pk=case.pk)
    return (case.status, case.version, case.publicity_start)


EXIT = Workflow(
    name="exit",
    rules=exit_services.EXIT_PUBLICITY,
    in_publicity=exit_in_publicity,
    page="/exits/{pk}/",
    received_on=datetime.date(2020, 10, 16),
    decided_on=datetime.date(2020, 10, 18),
    owner_state=exit_state,
)
MONITORING = Workflow(
    name="monitoring",
    rules=monitoring.MONITORING_PUBLICITY,
    in_publicity=case_in_publicity,
    page="/monitoring/{pk}/",
    received_on=datetime.date(2020, 12, 2),
    decided_on=datetime.date(2020, 12, 5),
    owner_state=case_state,
)
WORKFLOWS = pytest.mark.parametrize("workflow", [EXIT, MONITORING], ids=lambda w: w.name)


@pytest.fixture
def owner(workflow: Workflow, cadre_yanhe, work_team_yanhe, township_reviewer):
    return workflow.in_publicity(cadre_yanhe, work_team_yanhe, township_reviewer)


@pytest.fixture
def objection(workflow: Workflow, owner, cadre_yanhe):
    return workflow.record(cadre_yanhe, owner)


def decisions(workflow: Workflow) -> Any:
    return AuditEvent.objects.filter(action=f"{workflow.name}.objection_decided")


def undecided(objection: Any) -> bool:
    return type(objection).objects.filter(pk=objection.pk, upheld__isnull=True).exists()


@WORKFLOWS
@pytest.mark.django_db
def test_a_rejected_objection_writes_one_audit_event_and_leaves_the_owner_as_it_was(
    workflow, owner, objection, township_reviewer
):
    before = workflow.owner_state(owner)

    workflow.decide(township_reviewer, objection, upheld=False, resolution=" 经核实不属实 ")

    saved = type(objection).objects.get(pk=objection.pk)
    assert (saved.upheld, saved.resolution, saved.decided_by) == (
        False,
        "经核实不属实",
        township_reviewer,
    )
    event = decisions(workflow).get()
    assert (event.actor, event.object_type, event.object_id) == (
        township_reviewer,
        type(objection)._meta.label_lower,
        str(objection.pk),
    )
    assert (event.subject_id, event.region_code) == (
        str(owner.household_id),
        owner.household.region_id,
    )
    assert event.changes == {
        "upheld": [None, False],
        "resolution": [None, "经核实不属实"],
        "date": [None, workflow.decided_on.isoformat()],
    }
    assert event.summary == "公示异议不成立"
    assert workflow.owner_state(owner) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("workflow", "owner_event", "moved", "after"),
    [
        (EXIT, "exit.proposed", {"state": ["publicized", "proposed"]}, ("proposed", 5, None, None)),
        (
            MONITORING,
            "monitoring.objection_upheld",
            {"status": ["assisting", "assisting"]},
            ("assisting", 4, None),
        ),
    ],
    ids=["exit", "monitoring"],
)
def test_an_upheld_objection_writes_its_event_and_acts_on_the_owner(
    workflow, owner_event, moved, after, owner, objection, township_reviewer
):
    last = AuditEvent.objects.latest("id").pk
    on = workflow.decided_on.isoformat()

    workflow.decide(township_reviewer, objection, upheld=True, resolution="重新核实")

    assert list(
        AuditEvent.objects.filter(pk__gt=last).order_by("id").values_list("action", "changes")
    ) == [
        (
            f"{workflow.name}.objection_decided",
            {"upheld": [None, True], "resolution": [None, "重新核实"], "date": [None, on]},
        ),
        (owner_event, {**moved, "date": [None, on], "note": [None, "异议成立：重新核实"]}),
    ]
    assert decisions(workflow).get().summary == "公示异议成立"
    assert workflow.owner_state(owner) == after


@WORKFLOWS
@pytest.mark.django_db
def test_a_decided_objection_is_not_decided_again_from_a_stale_copy(
    workflow, owner, objection, township_reviewer, cadre_yanhe
):
    stale = type(objection).objects.get(pk=objection.pk)  # read by a page opened earlier
    workflow.decide(township_reviewer, objection, upheld=False, resolution="不属实")
    before = workflow.owner_state(owner)

    with pytest.raises(DomainError) as error:
        workflow.decide(cadre_yanhe, stale, upheld=True, resolution="属实")

    assert (error.value.code, error.value.status) == ("already_decided", 409)
    assert error.value.message == "该异议已处理。"
    saved = type(objection).objects.get(pk=objection.pk)
    assert (saved.upheld, saved.resolution, saved.decided_by) == (
        False,
        "不属实",
        township_reviewer,
    )
    assert decisions(workflow).count() == 1
    assert workflow.owner_state(owner) == before


@WORKFLOWS
@pytest.mark.django_db
@pytest.mark.parametrize("resolution", ["", "   "], ids=["empty", "blank"])
def test_a_decision_without_a_resolution_is_refused_and_nothing_is_saved(
    workflow, resolution, owner, objection, township_reviewer
):
    before = workflow.owner_state(owner)

    with pytest.raises(ValidationError) as error:
        workflow.decide(township_reviewer, objection, upheld=True, resolution=resolution)

    assert error.value.message_dict == {"resolution": ["请填写处理意见。"]}
    assert undecided(objection) is True
    assert decisions(workflow).exists() is False
    assert workflow.owner_state(owner) == before


@WORKFLOWS
@pytest.mark.django_db
def test_the_page_refuses_a_decision_without_a_resolution(
    workflow, owner, objection, township_reviewer, client
):
    before = workflow.owner_state(owner)
    client.force_login(township_reviewer)

    response = client.post(
        workflow.page.format(pk=owner.pk),
        {"action": "decide", "objection": objection.pk, "upheld": "yes", "resolution": " "},
        follow=True,
    )

    assert response.status_code == 200
    assert "请填写处理意见。" in response.content.decode()
    assert undecided(objection) is True
    assert decisions(workflow).exists() is False
    assert workflow.owner_state(owner) == before


@WORKFLOWS
@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["another_owner", "never_existed", "not_a_number", "missing"])
def test_the_page_answers_404_for_an_objection_the_owner_does_not_have(
    workflow, forged, owner, objection, township_reviewer, cadre_yanhe, work_team_yanhe, client
):
    other = workflow.in_publicity(cadre_yanhe, work_team_yanhe, township_reviewer)
    elsewhere = workflow.record(cadre_yanhe, other)
    ids = {
        "another_owner": elsewhere.pk,
        "never_existed": elsewhere.pk + 1000,
        "not_a_number": "abc",
        "missing": None,
    }
    data = {"action": "decide", "upheld": "yes", "resolution": "属实", "on": "2020-12-05"}
    if ids[forged] is not None:
        data["objection"] = ids[forged]
    before = (workflow.owner_state(owner), workflow.owner_state(other))
    client.force_login(township_reviewer)

    response = client.post(workflow.page.format(pk=owner.pk), data)

    assert response.status_code == 404
    assert undecided(objection) is True and undecided(elsewhere) is True
    assert decisions(workflow).exists() is False
    assert (workflow.owner_state(owner), workflow.owner_state(other)) == before


@WORKFLOWS
@pytest.mark.django_db
def test_objections_are_recorded_and_decided_by_the_roles_of_the_workflow_only(
    workflow, owner, objection, work_team_yanhe, county_supervisor
):
    with pytest.raises(DomainError) as recording:
        workflow.record(work_team_yanhe, owner)
    with pytest.raises(DomainError) as deciding:
        workflow.decide(county_supervisor, objection, upheld=True, resolution="属实")

    assert (recording.value.code, deciding.value.code) == ("forbidden", "forbidden")
    assert type(objection).objects.filter(**{workflow.rules.owner_field: owner}).count() == 1
    assert undecided(objection) is True


@WORKFLOWS
@pytest.mark.django_db
def test_an_objection_outside_the_publicity_is_refused(
    workflow, owner, objection, township_reviewer, cadre_yanhe
):
    workflow.decide(township_reviewer, objection, upheld=True, resolution="属实")  # ends it

    with pytest.raises(DomainError) as error:
        workflow.record(cadre_yanhe, owner, content="又一条异议")

    assert (error.value.code, error.value.status) == ("not_in_publicity", 409)
    assert type(objection).objects.filter(**{workflow.rules.owner_field: owner}).count() == 1


@WORKFLOWS
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_the_same_objection_at_once_make_one_decision(
    workflow, tongren_regions, cadre_yanhe, work_team_yanhe, township_reviewer
):
    owner = workflow.in_publicity(cadre_yanhe, work_team_yanhe, township_reviewer)
    objection = workflow.record(cadre_yanhe, owner)
    last = AuditEvent.objects.latest("id").pk
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(actor: Any, upheld: bool, key: str) -> None:
        try:
            seen = type(objection).objects.get(pk=objection.pk)  # each request reads its own
            barrier.wait(timeout=10)
            workflow.decide(actor, seen, upheld=upheld, resolution=key)
            outcomes[key] = "decided"
        except DomainError as error:
            outcomes[key] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(township_reviewer, True, "upheld")),
        threading.Thread(target=decide, args=(cadre_yanhe, False, "rejected")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already_decided", "decided"]
    winner = next(key for key, value in outcomes.items() if value == "decided")
    saved = type(objection).objects.get(pk=objection.pk)
    assert (saved.upheld, saved.resolution) == (winner == "upheld", winner)
    assert decisions(workflow).get().changes["resolution"] == [None, winner]
    owner_steps = AuditEvent.objects.filter(
        pk__gt=last, object_type=owner._meta.label_lower, object_id=str(owner.pk)
    )
    assert owner_steps.count() == (1 if winner == "upheld" else 0)
