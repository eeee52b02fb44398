"""Poverty lines in the admin: imported from a workbook (preview, then confirmation) and edited
one at a time, each write through ``poverty_line_save`` with an audit event; a bad row is refused
naming the field and what it accepts; an exported workbook imports as no change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from households.models import PovertyLine
from households.services import POVERTY_LINE_FIELDS
from tests.admin_imports import confirm, export, preview, row_kinds, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

MODEL = "households/povertyline"
HEADERS = ["year", "kind", "amount", "source"]


@pytest.fixture
def lines() -> None:
    PovertyLine.objects.all().delete()
    PovertyLine.objects.create(year=2019, kind="national", amount=Decimal("3747"), source="a")
    PovertyLine.objects.create(year=2020, kind="national", amount=Decimal("4000"), source="b")


def stored() -> list[tuple[int, str, Decimal, str]]:
    return list(PovertyLine.objects.order_by("kind", "year").values_list(*HEADERS))


def test_a_workbook_of_lines_is_previewed_then_saved_with_an_audit_event_per_row(
    client, operator, lines
):
    client.force_login(operator)
    before = stored()
    content = workbook(
        HEADERS,
        [
            [2020, "national", 4000, "b"],
            [2021, "monitoring", 6000, "reported"],
            [2019, "national", 3800, "corrected"],
        ],
    )

    previewed = preview(client, MODEL, content)

    assert previewed.status_code == 200
    assert row_kinds(previewed) == ["skip", "new", "update"]
    assert stored() == before
    assert AuditEvent.objects.filter(action__startswith="poverty_line").exists() is False

    confirmed = confirm(client, MODEL, previewed)

    assert confirmed.status_code == 302
    assert stored() == [
        (2021, "monitoring", Decimal("6000.00"), "reported"),
        (2019, "national", Decimal("3800.00"), "corrected"),
        (2020, "national", Decimal("4000.00"), "b"),
    ]
    created = AuditEvent.objects.get(action="poverty_line.created")
    changed = AuditEvent.objects.get(action="poverty_line.changed")
    assert (created.actor_id, changed.actor_id) == (operator.pk, operator.pk)
    assert changed.changes == {
        "amount": ["3747.00", "3800.00"],
        "source": ["a", "corrected"],
    }
    assert changed.object_id == str(PovertyLine.objects.get(year=2019, kind="national").pk)


def test_a_bad_line_is_refused_naming_the_field_and_what_it_accepts(client, operator, lines):
    client.force_login(operator)
    before = stored()
    content = workbook(
        HEADERS,
        [
            [2021, "monitoring", 6000, ""],
            [2022, "rural", 5000, ""],
            [2022, "national", 0, ""],
            [1990, "national", 1000, ""],
        ],
    )

    previewed = preview(client, MODEL, content)

    result = previewed.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3, 4]
    kind, amount, year = (row.error_dict for row in result.invalid_rows)
    assert kind == {
        "kind": ["类别 应为 national（国家扶贫标准）、monitoring（防返贫监测线） 之一。"]
    }
    assert amount == {"amount": ["标准（元/人·年） 须大于0（元/人·年）。"]}
    assert year == {"year": ["年度 不能小于 2000。"]}
    assert not previewed.context.get("confirm_form")
    assert stored() == before
    assert AuditEvent.objects.filter(action__startswith="poverty_line").exists() is False


def test_exported_lines_import_as_no_change(client, operator, lines):
    client.force_login(operator)
    before = stored()

    previewed = preview(client, MODEL, export(client, MODEL, POVERTY_LINE_FIELDS))

    assert row_kinds(previewed) == ["skip", "skip"]
    confirm(client, MODEL, previewed)
    assert stored() == before
    assert AuditEvent.objects.filter(action__startswith="poverty_line").exists() is False


def test_a_line_changed_on_the_admin_form_is_audited_and_cannot_be_deleted(client, operator, lines):
    client.force_login(operator)
    line = PovertyLine.objects.get(year=2020, kind="national")

    response = client.post(
        f"/admin/{MODEL}/{line.pk}/change/",
        {"year": 2020, "kind": "national", "amount": "4100", "source": "b"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="poverty_line.changed")
    assert (event.actor_id, event.changes) == (operator.pk, {"amount": ["4000.00", "4100.00"]})
    refused = client.post(f"/admin/{MODEL}/{line.pk}/change/", {**_form(line), "amount": "-1"})
    assert "须大于0" in refused.content.decode()
    assert client.get(f"/admin/{MODEL}/{line.pk}/delete/").status_code == 403


def _form(line: PovertyLine) -> dict[str, object]:
    return {"year": line.year, "kind": line.kind, "amount": line.amount, "source": line.source}
