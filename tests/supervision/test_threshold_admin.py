"""Exit thresholds (三率一度) in the admin: imported from a workbook (preview, then
confirmation) and edited one at a time, each write through ``exit_threshold_save`` with an audit
event; readiness reads the changed bar at once; a bad row is refused naming the field and what it
accepts; an exported workbook imports as no change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from supervision import services
from supervision.models import ExitThreshold
from tests.admin_imports import confirm, export, preview, row_kinds, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

MODEL = "supervision/exitthreshold"
HEADERS = services.THRESHOLD_FIELDS


def stored() -> list[tuple[str, str, str, Decimal, str]]:
    return list(ExitThreshold.objects.order_by("zone", "indicator").values_list(*HEADERS))


def test_a_threshold_workbook_is_previewed_then_saved_with_an_audit_event_and_read_at_once(
    client, operator
):
    client.force_login(operator)
    before = stored()
    source = ExitThreshold.objects.get(indicator="approval_rate", zone="west").source
    content = workbook(
        HEADERS,
        [
            ["approval_rate", "west", "gte", 90, source],
            ["poverty_incidence", "west", "lt", 2.5, "铜仁市从严标准"],
        ],
    )

    previewed = preview(client, MODEL, content)

    assert row_kinds(previewed) == ["skip", "update"]
    assert stored() == before
    assert services.thresholds()["poverty_incidence"].value == Decimal("3.00")

    confirm(client, MODEL, previewed)

    assert services.thresholds()["poverty_incidence"].passes(Decimal("2.6")) is False
    event = AuditEvent.objects.get(action__startswith="exit_threshold")
    assert (event.action, event.actor_id) == ("exit_threshold.changed", operator.pk)
    assert event.changes["value"] == ["3.00", "2.50"]
    assert ExitThreshold.objects.count() == len(before)


def test_a_bad_threshold_row_is_refused_naming_the_field_and_what_it_accepts(client, operator):
    client.force_login(operator)
    before = stored()
    content = workbook(
        HEADERS,
        [
            ["missed_rate", "west", "lt", 120, ""],
            ["missed_rate", "west", "under", 2, ""],
            ["missed_rate", "north", "lt", 2, ""],
            ["approval_rate", "west", "lt", 90, ""],
        ],
    )

    previewed = preview(client, MODEL, content)

    value, comparison, zone, turned = (
        row.error_dict for row in previewed.context["result"].invalid_rows
    )
    assert value == {"value": ["标准（%） 应在0到100之间（百分数）。"]}
    assert comparison == {"comparison": ["比较方式 应为 lt（低于）、gte（不低于） 之一。"]}
    assert zone == {"zone": ["地区 应为 west（西部地区）、central（中东部地区） 之一。"]}
    # 群众认可度 is better high: a county must reach it, never stay below it.
    assert turned == {"comparison": ["群众认可度（%）的比较方式 应为 不低于（gte）。"]}
    assert stored() == before
    assert AuditEvent.objects.filter(action__startswith="exit_threshold").exists() is False


def test_exported_thresholds_import_as_no_change(client, operator):
    client.force_login(operator)
    before = stored()

    previewed = preview(client, MODEL, export(client, MODEL, HEADERS))

    assert row_kinds(previewed) == ["skip"] * len(before)
    confirm(client, MODEL, previewed)
    assert stored() == before
    assert AuditEvent.objects.filter(action__startswith="exit_threshold").exists() is False


def test_a_threshold_changed_on_the_admin_form_is_audited_and_cannot_be_deleted(client, operator):
    client.force_login(operator)
    bar = ExitThreshold.objects.get(indicator="missed_rate", zone="west")
    form = {"indicator": "missed_rate", "zone": "west", "comparison": "lt", "source": bar.source}

    response = client.post(f"/admin/{MODEL}/{bar.pk}/change/", {**form, "value": "1.5"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="exit_threshold.changed")
    assert (event.actor_id, event.changes) == (operator.pk, {"value": ["2.00", "1.50"]})
    refused = client.post(f"/admin/{MODEL}/{bar.pk}/change/", {**form, "value": "101"})
    assert "应在0到100之间" in refused.content.decode()
    assert ExitThreshold.objects.get(pk=bar.pk).value == Decimal("1.50")
    assert client.get(f"/admin/{MODEL}/{bar.pk}/delete/").status_code == 403
