"""History rows name fields and related records the way users know them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from audit.display import _model, change_rows
from audit.labels import MOVED_LABELS, recorded_labels
from audit.models import AuditEvent, Category
from exits.models import ExitApplication
from inspections import services as inspection_services
from monitoring.models import MonitoringCase
from relocation import services as relocation_services
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.inspections.test_evidence import jpeg_with_gps
from tests.relocation.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_relocation_history_shows_the_household_field_and_the_site_name(
    cadre_yanhe: Any,
) -> None:
    household = HouseholdFactory()
    MemberFactory(household=household)
    site = SiteFactory(name="甘溪安置点")
    relocation_services.relocation_record(
        actor=cadre_yanhe, household=household, site=site, moved_in=datetime.date(2019, 6, 1)
    )
    client = Client()
    client.force_login(cadre_yanhe)

    page = client.get(f"/households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    history = page.content.decode().split('id="history"')[1]
    assert "is_relocated" not in history
    assert "易地搬迁户" in history
    assert "<td>甘溪安置点</td>" in history
    assert f"<td>{site.pk}</td>" not in history


@pytest.mark.parametrize(("old", "new"), sorted(MOVED_LABELS.items()))
def test_a_label_from_before_a_move_finds_the_model_in_its_new_app(old: str, new: str) -> None:
    assert _model(old) is apps.get_model(new)
    assert _model(old)._meta.label_lower == new


def test_an_event_written_before_the_exit_procedure_moved_shows_the_field_labels(
    cadre_yanhe: Any,
) -> None:
    household = HouseholdFactory()
    event = AuditEvent.objects.create(
        category=Category.DATA,
        action="exit.approved",
        object_type="households.exitapplication",
        object_id="1",
        subject_type="households.household",
        subject_id=str(household.pk),
        region_code=household.region_id,
        changes={"appraisal_result": [None, "全票通过"], "state": ["proposed", "approved"]},
    )

    with translation.override("zh-hans"):
        rows = change_rows(event, cadre_yanhe)

    assert rows == [("评议结果", "—", "全票通过"), ("状态", "民主评议（拟退出）", "县级审定公告")]


def test_the_household_history_names_the_fields_of_old_monitoring_events(
    cadre_yanhe: Any,
) -> None:
    household = HouseholdFactory()
    AuditEvent.objects.create(
        category=Category.DATA,
        action="monitoring.opened",
        object_type="households.monitoringcase",
        object_id="1",
        subject_type="households.household",
        subject_id=str(household.pk),
        region_code=household.region_id,
        changes={"risks": [None, ["income:2020"]], "measures": ["", "产业帮扶"]},
    )
    client = Client()
    client.force_login(cadre_yanhe)

    page = client.get(f"/households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    history = page.content.decode().split('id="history"')[1]
    assert "risks" not in history and "measures" not in history
    assert "风险" in history and "帮扶措施" in history


def test_the_events_of_a_moved_model_are_found_under_its_old_and_new_label() -> None:
    assert recorded_labels("exits.ExitApplication") == [
        "exits.exitapplication",
        "households.exitapplication",
    ]
    assert recorded_labels("households.household") == ["households.household"]
    case = MonitoringCase(pk=7)
    for label in ("households.monitoringcase", "monitoring.monitoringcase"):
        AuditEvent.objects.create(
            category=Category.DATA, action="monitoring.opened", object_type=label, object_id="7"
        )
    AuditEvent.objects.create(
        category=Category.DATA,
        action="exit.proposed",
        object_type=ExitApplication._meta.label_lower,
        object_id="7",
    )

    found = AuditEvent.objects.for_object(case)

    assert sorted(found.values_list("object_type", flat=True)) == [
        "households.monitoringcase",
        "monitoring.monitoringcase",
    ]


def test_the_household_history_counts_the_photos_of_a_problem_opened_with_them(
    cadre_yanhe: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    household = HouseholdFactory()
    MemberFactory(household=household)
    inspection_services.problem_open(
        actor=cadre_yanhe,
        household=household,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "公益岗位工资未发放",
            "deadline": datetime.date(2030, 1, 1),
            "responsible": cadre_yanhe,
        },
        photos=[jpeg_with_gps("door.jpg"), jpeg_with_gps("kitchen.jpg")],
    )
    client = Client()
    client.force_login(cadre_yanhe)

    page = client.get(f"/households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    history = page.content.decode().split('id="history"')[1]
    assert "<tr><th>照片</th><td>—</td><td>→</td><td>2</td></tr>" in history
