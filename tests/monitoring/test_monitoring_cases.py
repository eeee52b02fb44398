"""The monitoring case lifecycle over the API: each step by its role, the 15-day rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from households.choices import Status
from monitoring import checks
from monitoring import services as monitoring
from monitoring.models import MonitoringCase
from monitoring.selectors import CaseFilters, monitoring_case_list
from tests.households.factories import household_with_head, income
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/monitoring-cases/"
OPENED = datetime.date(2020, 10, 1)


def state():
    return list(
        MonitoringCase.objects.order_by("pk").values_list(
            "status", "version", "publicity_start", "closed_on"
        )
    )


@pytest.fixture
def household(db):
    return household_with_head(status=Status.EXITED, exit_year=2019)


@pytest.fixture
def case(household):
    income(household, 2020, Decimal("5000"), 1)
    checks.run_monitoring_checks(on=OPENED)
    return MonitoringCase.objects.get()


def step(suffix, case, data, *, own, wrong_role, other, own_status=200):
    return check_permission_matrix(
        f"{BASE}{case.pk}/{suffix}/",
        method="post",
        data=data,
        own=own,
        wrong_role=wrong_role,
        other_jurisdiction=other,
        state=state,
        own_status=own_status,
    )


def test_a_cadre_reports_a_case_and_another_jurisdiction_cannot(
    household, cadre_yanhe, cadre_bijiang, township_reviewer
):
    response = check_permission_matrix(
        BASE,
        method="post",
        own=cadre_yanhe,
        wrong_role=township_reviewer,
        own_status=201,
        data={
            "household": household.pk,
            "category": "sudden_hardship",
            "opened": "2020-10-05",
            "evidence": "房屋因山洪受损",
        },
        state=state,
    )

    body = response.json()
    assert (body["status"], body["category"], body["identify_by"]) == (
        "identifying",
        "sudden_hardship",
        "2020-10-20",
    )
    assert body["risks"][0]["code"] == "reported"
    assert check_permission_matrix(BASE, own=cadre_bijiang).json()["count"] == 0


def test_a_second_open_case_for_the_household_is_refused_with_409(api, case, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)

    response = api.post(
        BASE,
        {
            "household": case.household_id,
            "category": "sudden_hardship",
            "opened": "2020-10-05",
            "evidence": "因病",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "already_open"
    assert MonitoringCase.objects.count() == 1


def test_the_whole_lifecycle_moves_each_step_by_its_role(
    case,
    cadre_yanhe,
    township_reviewer,
    county_supervisor,
    cadre_bijiang,
    county_supervisor_bijiang,
):
    step(
        "advance",
        case,
        {"on": "2020-10-10", "measures": "公益岗位一个，落实医疗救助"},
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        other=county_supervisor_bijiang,
    )
    step(
        "publicize",
        case,
        {"start": "2020-12-01", "days": 5},
        own=cadre_yanhe,
        wrong_role=county_supervisor,
        other=cadre_bijiang,
    )
    early = step(
        "clear",
        case,
        {"on": "2020-12-05"},
        own=county_supervisor,
        wrong_role=cadre_yanhe,
        other=county_supervisor_bijiang,
        own_status=409,
    )
    assert early.json()["code"] == "publicity_not_over"
    assert "2020-12-05" in early.json()["message"]
    done = step(
        "clear",
        case,
        {"on": "2020-12-06"},
        own=county_supervisor,
        wrong_role=cadre_yanhe,
        other=county_supervisor_bijiang,
    ).json()

    assert (done["status"], done["closed_on"], done["identified_on"]) == (
        "risk_cleared",
        "2020-12-06",
        "2020-10-10",
    )
    assert [s["status"] for s in done["steps"]] == [
        "identifying",
        "assisting",
        "assisting",
        "risk_cleared",
    ]
    assert list(
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="monitoring.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "monitoring.opened",
        "monitoring.assisting",
        "monitoring.publicized",
        "monitoring.risk_cleared",
    ]


def test_an_upheld_objection_ends_the_publicity_and_keeps_the_household_assisted(
    api, case, cadre_yanhe, township_reviewer, county_supervisor
):
    monitoring.monitoring_case_advance(
        actor=township_reviewer, case=case, on=datetime.date(2020, 10, 5), measures="产业帮扶"
    )
    monitoring.monitoring_case_publicize(
        actor=cadre_yanhe, case=case, start=datetime.date(2020, 12, 1)
    )
    api.force_authenticate(cadre_yanhe)
    body = api.post(
        f"{BASE}{case.pk}/objections/",
        {"received_on": "2020-12-02", "content": "该户务工收入不稳定"},
        format="json",
    ).json()
    pending = api.post(f"{BASE}{case.pk}/clear/", {"on": "2020-12-20"}, format="json")
    api.force_authenticate(township_reviewer)
    decided = api.post(
        f"{BASE}{case.pk}/decide-objection/",
        {
            "objection": body["objections"][0]["id"],
            "upheld": True,
            "resolution": "继续帮扶",
            "on": "2020-12-05",
        },
        format="json",
    ).json()
    api.force_authenticate(county_supervisor)
    refused = api.post(f"{BASE}{case.pk}/clear/", {"on": "2020-12-20"}, format="json")

    assert pending.status_code == 403  # a cadre does not clear
    assert (decided["status"], decided["publicity_start"]) == ("assisting", None)
    assert decided["objections"][0]["upheld"] is True
    assert refused.status_code == 409 and refused.json()["code"] == "not_publicized"


def test_identification_is_due_within_15_days_and_late_ones_are_listed(
    case, township_reviewer, county_supervisor
):
    on_time = OPENED + datetime.timedelta(days=15)
    late = OPENED + datetime.timedelta(days=16)

    def overdue(on):
        return list(
            monitoring_case_list(user=county_supervisor, filters=CaseFilters(overdue_on=on))
        )

    assert case.identify_by == on_time
    assert overdue(on_time) == []
    assert overdue(late) == [case]
    advanced = monitoring.monitoring_case_advance(
        actor=township_reviewer, case=case, on=late, measures="低保兜底"
    )
    assert overdue(late) == []
    assert "16" in advanced.steps.get(status="assisting").note


def test_the_overdue_filter_of_the_api(api, case, county_supervisor):
    api.force_authenticate(county_supervisor)

    overdue = api.get(f"{BASE}?overdue=1").json()  # today is years after 2020-10-01
    identifying = api.get(f"{BASE}?status=identifying").json()
    bad = api.get(f"{BASE}?status=closed")

    assert [c["id"] for c in overdue["results"]] == [case.pk]
    assert identifying["count"] == 1
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_dismiss_needs_a_reason_and_writes_nothing_without_one(api, case, township_reviewer):
    api.force_authenticate(township_reviewer)

    refused = api.post(f"{BASE}{case.pk}/dismiss/", {"reason": "  "}, format="json")
    done = api.post(
        f"{BASE}{case.pk}/dismiss/", {"reason": "核实收入已达标", "on": "2020-10-08"}, format="json"
    )

    assert refused.status_code == 400
    assert done.status_code == 200 and done.json()["status"] == "not_included"
    assert MonitoringCase.objects.get().close_reason == "核实收入已达标"


def test_a_date_before_the_case_opened_is_refused_naming_the_field(api, case, township_reviewer):
    api.force_authenticate(township_reviewer)

    response = api.post(
        f"{BASE}{case.pk}/advance/", {"on": "2020-09-01", "measures": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "on" in response.json()["errors"]
    assert MonitoringCase.objects.get().status == "identifying"


def test_the_list_takes_the_same_number_of_queries_for_1_or_6_cases(
    api, county_supervisor, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            household = household_with_head(status=Status.EXITED, exit_year=2019)
            income(household, 2020, Decimal("5000"), 1)
        checks.run_monitoring_checks(on=OPENED)

    api.force_authenticate(county_supervisor)
    add(1)
    api.get(BASE)  # the user's assignment is fetched once, then cached
    with django_assert_num_queries(4) as first:
        assert api.get(BASE).json()["count"] == 1
    add(5)
    with django_assert_num_queries(len(first.captured_queries)):
        assert api.get(BASE).json()["count"] == 6
