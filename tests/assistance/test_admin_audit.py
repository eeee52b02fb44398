"""Reference data edited in the admin: every add, change and delete leaves an audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from assistance.models import (
    Agreement,
    ConsumptionAssistance,
    ExchangeVisit,
    Institution,
    JointMeeting,
    Pairing,
    Partner,
    ReportedTotal,
    SecondedCadre,
)
from audit.models import AuditEvent
from tests.conftest import YANHE, YANHE_TOWNSHIP


@pytest.fixture
def partner(db: None) -> Partner:
    return Partner.objects.create(name="苏州市吴中区", kind="east_west_district")


def _activity(scheme: str = "east_west") -> dict[str, Any]:
    return {"scheme": scheme, "region": YANHE}


# model, admin add data (given the partner's pk), the field changed afterwards and its new value
CASES: list[tuple[type, Any, str, str]] = [
    (
        Partner,
        lambda p: {
            "name": "苏州市相城区",
            "kind": "east_west_district",
            "home_place": "江苏省苏州市",
            "home_region": "",
            "credit_code": "",
            "note": "",
        },
        "home_place",
        "苏州",
    ),
    (
        Institution,
        lambda p: {"name": "沿河民族中学", "kind": "school", "region": YANHE},
        "name",
        "沿河第一中学",
    ),
    (
        Agreement,
        lambda p: {
            "title": "吴中区–沿河县帮扶协议",
            "scheme": "east_west",
            "partner": p,
            "region": YANHE,
            "signed_on": "2018-04-01",
            "content": "",
        },
        "signed_on",
        "2018-05-01",
    ),
    (
        Pairing,
        lambda p: {
            "scheme": "east_west",
            "level": "town_township",
            "partner": p,
            "region": YANHE_TOWNSHIP,
            "institution": "",
            "partner_units": "1",
            "target_units": "1",
            "start_on": "2018-01-01",
            "end_on": "",
            "agreement": "",
            "note": "",
        },
        "note",
        "镇街结对",
    ),
    (
        ReportedTotal,
        lambda p: {
            "scheme": "east_west",
            "partner": p,
            "partner_kind": "",
            "region": YANHE,
            "start_year": "2018",
            "end_year": "2020",
            "funds": "1000000",
            "projects": "3",
            "people_covered": "0",
            "exchange_visitors": "0",
            "joint_meetings": "0",
            "working_meetings": "0",
            "trainings": "0",
            "trainees": "0",
            "placed": "0",
            "purchased": "0",
            "sales_helped": "0",
            "seconded_cadres": "0",
            "source": "沿河县扶贫办",
        },
        "projects",
        "4",
    ),
    (
        ExchangeVisit,
        lambda p: {**_activity(), "partner": p, "date": "2019-05-01", "people": "12", "note": ""},
        "people",
        "14",
    ),
    (
        JointMeeting,
        lambda p: {
            **_activity(),
            "partner": p,
            "kind": "joint",
            "held_on": "2019-06-01",
            "title": "吴中–沿河联席会议",
        },
        "kind",
        "working",
    ),
    (
        ConsumptionAssistance,
        lambda p: {
            **_activity(),
            "partner": p,
            "start_on": "2019-01-01",
            "end_on": "2019-12-31",
            "purchased": "150000",
            "sales_helped": "80000",
        },
        "purchased",
        "160000.00",
    ),
    (
        SecondedCadre,
        lambda p: {
            "scheme": "east_west",
            "name": "陈立",
            "partner": p,
            "county": YANHE,
            "post": "副县长",
            "start_on": "2018-03-01",
            "end_on": "",
        },
        "post",
        "县委常委、副县长",
    ),
]


def admin_url(model: type, *parts: Any) -> str:
    meta = model._meta
    return "/".join(["/admin", meta.app_label, meta.model_name or "", *map(str, parts)]) + "/"


@pytest.mark.parametrize(
    ("model", "data", "field", "new_value"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_admin_add_change_delete_leave_audit_events(
    operator, partner, model, data, field, new_value
):
    client = Client()
    client.force_login(operator)
    name = model._meta.model_name
    values = data(partner.pk)

    response = client.post(admin_url(model, "add"), values)
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj = model.objects.exclude(pk=partner.pk).get()
    created = AuditEvent.objects.get(action=f"assistance_{name}.created")
    assert (created.actor, created.object_id) == (operator, str(obj.pk))
    region = YANHE_TOWNSHIP if model is Pairing else ("" if model is Partner else YANHE)
    assert created.region_code == region

    response = client.post(admin_url(model, obj.pk, "change"), {**values, field: new_value})
    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = AuditEvent.objects.get(action=f"assistance_{name}.changed")
    assert list(changed.changes) == [field]
    assert str(changed.changes[field][1]) == new_value

    response = client.post(admin_url(model, obj.pk, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert model.objects.filter(pk=obj.pk).exists() is False
    deleted = AuditEvent.objects.get(action=f"assistance_{name}.deleted")
    assert deleted.object_id == str(obj.pk) and str(deleted.changes[field][0]) == new_value


def test_bulk_delete_in_the_admin_records_each_row(operator, partner):
    visits = [
        ExchangeVisit.objects.create(
            scheme="east_west", partner=partner, region_id=YANHE, date="2019-05-01", people=n
        )
        for n in (3, 4)
    ]
    client = Client()
    client.force_login(operator)
    response = client.post(
        admin_url(ExchangeVisit),
        {"action": "delete_selected", "_selected_action": [v.pk for v in visits], "post": "yes"},
    )
    assert response.status_code == 302
    assert ExchangeVisit.objects.exists() is False
    events = AuditEvent.objects.filter(action="assistance_exchangevisit.deleted")
    assert sorted(e.object_id for e in events) == sorted(str(v.pk) for v in visits)


def test_an_invalid_admin_form_writes_no_event(operator, partner):
    client = Client()
    client.force_login(operator)
    response = client.post(
        admin_url(Partner, "add"), {"name": "", "kind": "east_west_district", "credit_code": "1"}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action__startswith="assistance_partner").exists() is False
