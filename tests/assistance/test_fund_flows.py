"""Fund-flow rules: 拨付 never exceeds 下达, 报账 never exceeds 拨付; every write is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance import services
from assistance.models import FundFlow, ProjectState
from audit.models import AuditEvent
from tests.assistance.conftest import add_flow
from tongren_fupin.errors import DomainError

DAY = datetime.date(2020, 6, 1)


def record(actor, project, kind, amount):
    return services.fund_flow_record(
        actor=actor, project=project, kind=kind, amount=Decimal(amount), date=DAY
    )


def test_disbursement_up_to_the_allocation_is_recorded_with_an_audit_event(
    county_supervisor, yanhe_project
):
    flow = record(county_supervisor, yanhe_project, "disbursed", "1000000.00")
    assert FundFlow.objects.get(pk=flow.pk).recorded_by == county_supervisor
    event = AuditEvent.objects.get(action="fund_flow.recorded")
    assert event.region_code == "520627000000"
    assert event.changes["amount"] == [None, "1000000.00"]


def test_over_disbursement_is_refused_with_a_message_and_writes_nothing(
    county_supervisor, yanhe_project
):
    record(county_supervisor, yanhe_project, "disbursed", "600000.00")
    with pytest.raises(DomainError) as refused:
        record(county_supervisor, yanhe_project, "disbursed", "400000.01")
    assert refused.value.code == "over_disbursement"
    assert "1,000,000.00" in refused.value.message
    assert "600,000.00" in refused.value.message
    assert "400,000.00" in refused.value.message
    assert refused.value.errors == {"amount": [refused.value.message]}
    assert FundFlow.objects.filter(kind="disbursed").count() == 1
    assert AuditEvent.objects.filter(action="fund_flow.recorded").count() == 1


def test_disbursement_without_any_allocation_is_refused(county_supervisor, bijiang_project):
    bijiang_project.target_region_id = "520627000000"
    bijiang_project.save()
    with pytest.raises(DomainError) as refused:
        record(county_supervisor, bijiang_project, "disbursed", "1.00")
    assert refused.value.code == "over_disbursement"


def test_over_reimbursement_is_refused(county_supervisor, yanhe_project):
    add_flow(yanhe_project, "disbursed", "300000.00")
    record(county_supervisor, yanhe_project, "reimbursed", "300000.00")
    with pytest.raises(DomainError) as refused:
        record(county_supervisor, yanhe_project, "reimbursed", "0.01")
    assert refused.value.code == "over_reimbursement"
    assert FundFlow.objects.filter(kind="reimbursed").count() == 1


def test_allocation_has_no_ceiling(county_supervisor, yanhe_project):
    record(county_supervisor, yanhe_project, "allocated", "5000000.00")
    assert FundFlow.objects.filter(kind="allocated").count() == 2


@pytest.mark.parametrize("amount", ["0", "-5.00"], ids=["zero", "negative"])
def test_amount_must_be_positive(county_supervisor, yanhe_project, amount):
    with pytest.raises(ValidationError) as refused:
        record(county_supervisor, yanhe_project, "allocated", amount)
    assert "amount" in refused.value.message_dict
    assert FundFlow.objects.count() == 1


def test_a_future_date_is_refused(county_supervisor, yanhe_project):
    with pytest.raises(ValidationError) as refused:
        services.fund_flow_record(
            actor=county_supervisor,
            project=yanhe_project,
            kind="allocated",
            amount=Decimal("1.00"),
            date=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "date" in refused.value.message_dict


def test_a_reader_role_may_not_record(township_reviewer, yanhe_project):
    with pytest.raises(DomainError) as refused:
        record(township_reviewer, yanhe_project, "allocated", "1.00")
    assert refused.value.status == 403
    assert FundFlow.objects.count() == 1


def test_other_county_may_not_record(county_supervisor_bijiang, yanhe_project):
    with pytest.raises(DomainError):
        record(county_supervisor_bijiang, yanhe_project, "allocated", "1.00")
    assert FundFlow.objects.count() == 1


def test_project_advances_one_state_at_a_time_to_accepted(county_supervisor, yanhe_project):
    states = []
    for _ in range(4):
        project = services.project_advance(actor=county_supervisor, project=yanhe_project, on=DAY)
        states.append(project.state)
    assert states == ["filed", "started", "completed", "accepted"]
    assert project.filed_on == project.accepted_on == DAY
    with pytest.raises(DomainError) as refused:
        services.project_advance(actor=county_supervisor, project=yanhe_project, on=DAY)
    assert refused.value.status == 409
    assert project.state == ProjectState.ACCEPTED
