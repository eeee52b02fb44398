"""Relocation sites and facilities imported and exported as XLSX in the admin: the preview
writes nothing, the confirmation writes each row through the services with an audit event, a bad
row is refused in the project's words, and importing an export changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from audit.models import AuditEvent
from relocation.models import Facility, Site
from relocation.resources import FACILITY_FIELDS
from relocation.services import SITE_FIELDS
from tests.conftest import YANHE

pytestmark = pytest.mark.django_db


def workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(client: Client, model: str, content: bytes) -> Any:
    upload = io.BytesIO(content)
    upload.name = f"{model}.xlsx"
    return client.post(
        f"/admin/relocation/{model}/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )


def confirm(client: Client, model: str, previewed: Any) -> Any:
    return client.post(
        f"/admin/relocation/{model}/process_import/", previewed.context["confirm_form"].initial
    )


def export(client: Client, model: str, fields: tuple[str, ...]) -> bytes:
    response = client.post(
        f"/admin/relocation/{model}/export/",
        {"format": "0", "resource": "0", **{f"{model}resource_{n}": "on" for n in fields}},
    )
    assert response.status_code == 200
    return response.content


def row_kinds(response: Any) -> list[str]:
    return [row.import_type for row in response.context["result"].rows]


def test_sites_and_facilities_import_through_the_services_and_export_import_changes_nothing(
    client, operator
):
    client.force_login(operator)
    headers = ["id", "name", "region", "kind", "planned_households", "planned_people"]
    good = ["", "沿河县城南安置点", YANHE, "urban", 1200, 5100]
    bad = ["", "沿河县城北安置点", YANHE, "castle", 300, 1200]

    refused = preview(client, "site", workbook(headers, [good, bad]))

    [invalid] = refused.context["result"].invalid_rows
    assert invalid.number == 2
    assert list(invalid.error_dict) == ["kind"]
    assert invalid.error_dict["kind"] == [
        "类别 应为 urban（城镇集中安置点）、central_village（中心村安置点）、"
        "other（其他安置点） 之一。"
    ]
    assert Site.objects.exists() is False

    previewed = preview(client, "site", workbook(headers, [good]))
    assert row_kinds(previewed) == ["new"]
    assert Site.objects.exists() is False
    confirm(client, "site", previewed)
    site = Site.objects.get()
    assert (site.name, site.region_id, site.planned_people) == ("沿河县城南安置点", YANHE, 5100)
    event = AuditEvent.objects.get(action="relocation_site.created")
    assert (event.actor_id, event.object_id) == (operator.pk, str(site.pk))

    facilities = preview(
        client,
        "facility",
        workbook(
            ["id", "site", "kind", "name", "status"],
            [
                ["", site.pk, "school", "城南幼儿园", "planned"],
                ["", site.pk, "clinic", "", "planned"],
            ],
        ),
    )
    assert row_kinds(facilities) == ["new", "new"]
    confirm(client, "facility", facilities)
    assert sorted(Facility.objects.values_list("kind", "name")) == [
        ("clinic", ""),
        ("school", "城南幼儿园"),
    ]
    assert AuditEvent.objects.filter(action="relocation_facility.recorded").count() == 2

    again = preview(client, "site", export(client, "site", ("id", *SITE_FIELDS)))
    assert row_kinds(again) == ["skip"]
    confirm(client, "site", again)
    again = preview(client, "facility", export(client, "facility", ("id", *FACILITY_FIELDS)))
    assert row_kinds(again) == ["skip", "skip"]
    confirm(client, "facility", again)
    assert (Site.objects.count(), Facility.objects.count()) == (1, 2)
    assert AuditEvent.objects.filter(action__startswith="relocation_").count() == 3


def test_a_changed_site_row_is_refused_in_the_projects_words(client, operator):
    client.force_login(operator)
    site = Site.objects.create(
        name="沿河县城南安置点",
        region_id=YANHE,
        kind="urban",
        planned_households=1200,
        planned_people=5100,
    )
    headers = ["id", "name", "region", "kind", "planned_households", "planned_people"]

    previewed = preview(
        client, "site", workbook(headers, [[site.pk, site.name, YANHE, "urban", 1200, 6000]])
    )

    [invalid] = previewed.context["result"].invalid_rows
    assert invalid.error_dict["__all__"] == [
        "已录入的安置点请在其页面修改，不能通过导入修改：沿河县城南安置点"
    ]
    assert Site.objects.get().planned_people == 5100
