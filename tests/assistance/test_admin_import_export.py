"""Reference tables imported and exported as XLSX in the admin (django-import-export): the
preview writes nothing, the confirmation writes each row through the services with an audit
event, a bad row is refused in the project's words, and importing an export changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from assistance.models import Agreement, Institution, Pairing, Partner, Project, Training
from assistance.services import PROJECT_FIELDS, TRAINING_FIELDS
from audit.models import AuditEvent
from tests.conftest import YANHE, YANHE_VILLAGE

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
        f"/admin/assistance/{model}/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )


def confirm(client: Client, model: str, previewed: Any) -> Any:
    form = previewed.context["confirm_form"]
    return client.post(f"/admin/assistance/{model}/process_import/", form.initial)


def row_kinds(response: Any) -> list[str]:
    return [row.import_type for row in response.context["result"].rows]


def valid_code() -> str:
    from stdnum.cn import uscc

    base = "91320506MA1MXXXX0"
    return base + uscc.calc_check_digit(base)


def test_partners_import_with_a_preview_then_an_audit_event_per_row(client, operator):
    client.force_login(operator)
    content = workbook(
        ["id", "name", "kind", "home_place", "credit_code", "is_collective"],
        [
            ["", "苏州市吴中区", "east_west_district", "江苏省苏州市", valid_code(), 0],
            ["", "苏州市相城区", "east_west_district", "江苏省苏州市", "", 0],
        ],
    )

    previewed = preview(client, "partner", content)

    assert previewed.status_code == 200
    assert row_kinds(previewed) == ["new", "new"]
    assert Partner.objects.exists() is False
    assert AuditEvent.objects.filter(action__startswith="assistance_partner").exists() is False

    confirmed = confirm(client, "partner", previewed)

    assert confirmed.status_code == 302
    names = sorted(Partner.objects.values_list("name", flat=True))
    assert names == ["苏州市吴中区", "苏州市相城区"]
    events = AuditEvent.objects.filter(action="assistance_partner.created").order_by("id")
    assert [e.actor_id for e in events] == [operator.pk, operator.pk]
    assert sorted(e.object_id for e in events) == sorted(
        str(pk) for pk in Partner.objects.values_list("pk", flat=True)
    )


def test_a_partner_row_with_a_bad_credit_code_is_refused_in_the_projects_words(client, operator):
    client.force_login(operator)
    content = workbook(
        ["id", "name", "kind", "credit_code"],
        [
            ["", "苏州市吴中区", "east_west_district", ""],
            ["", "苏州市相城区", "east_west_district", "913205061234567890"],
        ],
    )

    previewed = preview(client, "partner", content)

    result = previewed.context["result"]
    assert result.has_validation_errors() is True
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert invalid.error_dict["credit_code"] == ["统一社会信用代码无效（应为18位并含校验码）。"]
    assert "confirm_form" not in previewed.context or previewed.context["confirm_form"] is None
    assert Partner.objects.exists() is False


def test_exporting_partners_and_importing_the_workbook_again_changes_nothing(client, operator):
    client.force_login(operator)
    Partner.objects.create(name="苏州市吴中区", kind="east_west_district", credit_code=valid_code())
    Partner.objects.create(name="铜仁市妇联", kind="nine_plus_two", home_region_id=YANHE)

    exported = client.post(
        "/admin/assistance/partner/export/",
        {
            "format": "0",
            "resource": "0",
            **{
                f"partnerresource_{name}": "on"
                for name in (
                    "id",
                    "name",
                    "kind",
                    "home_place",
                    "home_region",
                    "credit_code",
                    "is_collective",
                    "note",
                )
            },
        },
    )

    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.max_row == 3
    before = list(Partner.objects.order_by("pk").values())
    previewed = preview(client, "partner", exported.content)
    assert row_kinds(previewed) == ["skip", "skip"]
    confirm(client, "partner", previewed)
    assert list(Partner.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action__startswith="assistance_partner").exists() is False


@pytest.fixture
def partner() -> Partner:
    return Partner.objects.create(name="苏州市吴中区", kind="east_west_district")


def test_projects_import_through_the_project_service_and_a_scheme_mismatch_is_refused(
    client, operator, partner
):
    agreement = Agreement.objects.create(
        title="东西部协作框架协议", scheme="east_west", partner=partner, region_id=YANHE
    )
    client.force_login(operator)
    headers = [
        "id",
        "name",
        "scheme",
        "partner",
        "agreement",
        "target_region",
        "category",
        "year",
        "planned_amount",
        "people_covered",
    ]
    good = [
        "",
        "沿河县茶叶基地",
        "east_west",
        partner.pk,
        agreement.pk,
        YANHE,
        "industry",
        2019,
        1500000,
        320,
    ]
    bad = [
        "",
        "沿河县村道硬化",
        "designated",
        partner.pk,
        agreement.pk,
        YANHE,
        "infrastructure",
        2019,
        800000,
        120,
    ]

    refused = preview(client, "project", workbook(headers, [good, bad]))

    [invalid] = refused.context["result"].invalid_rows
    assert invalid.number == 2
    assert "该协议属于其他帮扶方式。" in str(invalid.error)
    assert Project.objects.exists() is False

    previewed = preview(client, "project", workbook(headers, [good]))
    assert row_kinds(previewed) == ["new"]
    assert Project.objects.exists() is False
    confirm(client, "project", previewed)

    project = Project.objects.get()
    assert (project.name, project.planned_amount, project.state) == (
        "沿河县茶叶基地",
        Decimal("1500000.00"),
        "planned",
    )
    event = AuditEvent.objects.get(action="assistance_project.created")
    assert (event.actor_id, event.object_id) == (operator.pk, str(project.pk))

    exported = client.post(
        "/admin/assistance/project/export/",
        {
            "format": "0",
            "resource": "0",
            **{f"projectresource_{name}": "on" for name in ("id", *PROJECT_FIELDS)},
        },
    )
    again = preview(client, "project", exported.content)
    assert row_kinds(again) == ["skip"]
    confirm(client, "project", again)
    assert Project.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="assistance_project").count() == 1


def test_trainings_import_through_the_training_service_and_export_import_changes_nothing(
    client, operator, partner
):
    client.force_login(operator)
    headers = ["id", "scheme", "partner", "region", "title", "start_on", "sessions", "participants"]
    good = ["", "east_west", partner.pk, YANHE, "苏州家政服务培训", "2019-05-06", 3, 45]
    bad = ["", "east_west", partner.pk, YANHE, "苏州电商培训", "2019-06-01", 0, 30]

    refused = preview(client, "training", workbook(headers, [good, bad]))

    [invalid] = refused.context["result"].invalid_rows
    assert invalid.number == 2
    assert invalid.error_dict["sessions"] == ["期数 不能小于 1。"]
    assert Training.objects.exists() is False

    previewed = preview(client, "training", workbook(headers, [good]))
    assert row_kinds(previewed) == ["new"]
    assert Training.objects.exists() is False
    assert AuditEvent.objects.filter(action="training.recorded").exists() is False
    confirm(client, "training", previewed)

    training = Training.objects.get()
    assert (training.title, training.sessions, training.participants, training.region_id) == (
        "苏州家政服务培训",
        3,
        45,
        YANHE,
    )
    event = AuditEvent.objects.get(action="training.recorded")
    assert (event.actor_id, event.object_id) == (operator.pk, str(training.pk))

    exported = client.post(
        "/admin/assistance/training/export/",
        {
            "format": "0",
            "resource": "0",
            **{f"trainingresource_{name}": "on" for name in ("id", *TRAINING_FIELDS)},
        },
    )
    assert exported.status_code == 200
    again = preview(client, "training", exported.content)
    assert row_kinds(again) == ["skip"]
    confirm(client, "training", again)
    assert Training.objects.count() == 1
    assert AuditEvent.objects.filter(action="training.recorded").count() == 1


def export(client: Client, model: str, fields: tuple[str, ...]) -> Any:
    return client.post(
        f"/admin/assistance/{model}/export/",
        {"format": "0", "resource": "0", **{f"{model}resource_{name}": "on" for name in fields}},
    )


INSTITUTION_FIELDS = ("id", "name", "kind", "region")


def test_institutions_import_with_an_audit_event_per_row_and_a_bad_kind_refused(client, operator):
    client.force_login(operator)
    good = [
        ["", "沿河县中寨镇中心完小", "school", YANHE_VILLAGE],
        ["", "沿河县人民医院", "hospital", YANHE],
    ]
    bad = ["", "沿河县卫生所", "clinic", YANHE]

    refused = preview(client, "institution", workbook(list(INSTITUTION_FIELDS), [*good, bad]))

    [invalid] = refused.context["result"].invalid_rows
    assert invalid.number == 3
    assert invalid.error_dict["kind"] == [
        "类别 应为 school（学校）、hospital（医院及医疗机构） 之一。"
    ]
    assert Institution.objects.exists() is False

    previewed = preview(client, "institution", workbook(list(INSTITUTION_FIELDS), good))
    assert row_kinds(previewed) == ["new", "new"]
    assert Institution.objects.exists() is False
    assert AuditEvent.objects.filter(action__startswith="assistance_institution").exists() is False
    assert confirm(client, "institution", previewed).status_code == 302

    rows = sorted(Institution.objects.values_list("name", "kind", "region_id"))
    assert rows == [
        ("沿河县中寨镇中心完小", "school", YANHE_VILLAGE),
        ("沿河县人民医院", "hospital", YANHE),
    ]
    events = AuditEvent.objects.filter(action="assistance_institution.created")
    assert sorted((e.actor_id, e.object_id) for e in events) == sorted(
        (operator.pk, str(pk)) for pk in Institution.objects.values_list("pk", flat=True)
    )


def test_exporting_institutions_and_importing_the_workbook_again_changes_nothing(client, operator):
    client.force_login(operator)
    Institution.objects.create(name="沿河县人民医院", kind="hospital", region_id=YANHE)
    Institution.objects.create(name="沿河县中寨镇中心完小", kind="school", region_id=YANHE_VILLAGE)
    before = list(Institution.objects.order_by("pk").values())

    exported = export(client, "institution", INSTITUTION_FIELDS)

    assert exported.status_code == 200
    assert load_workbook(io.BytesIO(exported.content)).active.max_row == 3
    again = preview(client, "institution", exported.content)
    assert row_kinds(again) == ["skip", "skip"]
    confirm(client, "institution", again)
    assert list(Institution.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action__startswith="assistance_institution").exists() is False


PAIRING_FIELDS = (
    "id",
    "scheme",
    "level",
    "partner",
    "region",
    "institution",
    "partner_units",
    "target_units",
    "start_on",
    "end_on",
    "agreement",
    "note",
)


def test_pairings_import_through_the_service_and_export_import_changes_nothing(
    client, operator, partner
):
    school = Institution.objects.create(
        name="沿河县中寨镇中心完小", kind="school", region_id=YANHE_VILLAGE
    )
    client.force_login(operator)
    headers = ["id", "scheme", "level", "partner", "region", "institution", "partner_units",
               "target_units", "start_on", "end_on"]  # fmt: skip
    good = ["", "east_west", "school_school", partner.pk, YANHE_VILLAGE, school.pk, 1, 1,
            "2017-03-01", "2020-12-31"]  # fmt: skip
    elsewhere = ["", "east_west", "school_school", partner.pk, YANHE, school.pk, 1, 1, "", ""]
    aggregate = ["", "east_west", "town_township", "", YANHE, "", 1, 3, "", ""]
    backwards = ["", "east_west", "county_county", partner.pk, YANHE, "", 1, 1, "2020-01-01",
                 "2019-01-01"]  # fmt: skip

    refused = preview(client, "pairing", workbook(headers, [good, elsewhere, aggregate, backwards]))

    invalid = {row.number: row for row in refused.context["result"].invalid_rows}
    assert sorted(invalid) == [2, 3, 4]
    assert invalid[4].error_dict["end_on"] == ["结束日期不能早于开始日期。"]
    assert invalid[2].error_dict["region"] == ["地区必须是该机构所在的地区。"]
    assert invalid[3].error_dict["partner"] == [
        "请填写帮扶单位：只有汇总记录的结对（帮扶方数量大于 1）可以不填。"
    ]
    assert Pairing.objects.exists() is False

    previewed = preview(client, "pairing", workbook(headers, [good]))
    assert row_kinds(previewed) == ["new"]
    assert Pairing.objects.exists() is False
    confirm(client, "pairing", previewed)

    pairing = Pairing.objects.get()
    assert (pairing.partner_id, pairing.region_id, pairing.institution_id) == (
        partner.pk,
        YANHE_VILLAGE,
        school.pk,
    )
    event = AuditEvent.objects.get(action="assistance_pairing.created")
    assert (event.actor_id, event.object_id) == (operator.pk, str(pairing.pk))

    exported = export(client, "pairing", PAIRING_FIELDS)
    assert exported.status_code == 200
    before = list(Pairing.objects.values())
    again = preview(client, "pairing", exported.content)
    assert row_kinds(again) == ["skip"]
    confirm(client, "pairing", again)
    assert list(Pairing.objects.values()) == before
    assert AuditEvent.objects.filter(action__startswith="assistance_pairing").count() == 1
