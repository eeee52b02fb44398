"""POST /api/v1/sync/: each phone record applied once, field by field, refusals not stored."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from fieldsync.models import FieldConflict, SyncRecord
from households import services as register
from households.models import Household, Member
from households.selectors import household_history
from inspections.models import ConsistencyItem, Problem, Visit
from tests.conftest import BIJIANG_VILLAGE
from tests.fieldsync.helpers import post, update_record, visit_record
from tests.households.factories import MemberFactory, household_with_head

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_team_and_cadre_change_the_same_field_it_becomes_a_conflict_the_other_field_applies(
    api, cadre_yanhe, work_team_yanhe, township_reviewer
):
    # given a household whose son works in the county, and a cadre's phone that read it so
    household = household_with_head(phone="13800000001")
    son = MemberFactory(household=household, name="田小军", work_status="in_county", work_months=6)
    offline = update_record(
        household,
        [
            {"target": "member", "id": son.pk, "field": "work_status",
             "base": "in_county", "value": "out_of_province"},
            {"target": "household", "field": "phone", "base": "13800000001",
             "value": "13900000002"},
        ],
    )  # fmt: skip
    # when the work team changes the same field online, then the cadre's record arrives
    register.member_update(
        actor=work_team_yanhe,
        member=son,
        expected_version=household.version,
        data={"work_status": "in_province"},
    )
    response = post(api, cadre_yanhe, offline)

    # then the other field is applied and the same field is a conflict with the three values
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "applied_with_conflicts"
    assert body["applied"] == [{"target": "household", "id": household.pk, "field": "phone"}]
    conflict = FieldConflict.objects.get()
    assert body["conflicts"] == [
        {
            "id": conflict.pk,
            "target": "member",
            "member": son.pk,
            "field": "work_status",
            "label": "务工状况",
            "base": "in_county",
            "server": "in_province",
            "offline": "out_of_province",
        }
    ]
    assert (conflict.server_changed_by, conflict.recorded_by, conflict.state) == (
        work_team_yanhe,
        cadre_yanhe,
        "open",
    )
    assert Household.objects.get(pk=household.pk).phone == "13900000002"
    assert Member.objects.get(pk=son.pk).work_status == "in_province"  # nothing overwritten

    # when the township reviewer settles it with the value recorded offline
    api.force_authenticate(township_reviewer)
    version = Household.objects.get(pk=household.pk).version
    resolved = api.post(
        f"/api/v1/conflicts/{conflict.pk}/resolve/",
        {"resolution": "offline", "version": version},
        format="json",
    )

    # then the value stands, and the history shows every step by whom
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["resolved_by"]["id"] == township_reviewer.pk
    assert Member.objects.get(pk=son.pk).work_status == "out_of_province"
    steps = [
        (event.action, event.actor)
        for event in household_history(household).order_by("created", "id")
        if not event.action.startswith("household.registered")
    ]
    assert steps == [
        ("member.updated", work_team_yanhe),
        ("sync.received", cadre_yanhe),
        ("household.updated", cadre_yanhe),
        ("conflict.opened", cadre_yanhe),
        ("member.updated", township_reviewer),
        ("conflict.resolved", township_reviewer),
    ]
    opened = AuditEvent.objects.get(action="conflict.opened")
    assert opened.changes == {"田小军 · 务工状况": ["县外省内务工", "省外务工"]}
    settled = AuditEvent.objects.get(action="conflict.resolved")
    assert settled.changes["田小军 · 务工状况"] == ["县外省内务工", "省外务工"]


def test_a_field_already_holding_the_offline_value_is_neither_applied_nor_a_conflict(
    api, cadre_yanhe
):
    household = household_with_head(phone="13800000001")
    Household.objects.filter(pk=household.pk).update(phone="13900000002")

    response = post(
        api,
        cadre_yanhe,
        update_record(
            household,
            [{"target": "household", "field": "phone", "base": "13800000001",
              "value": "13900000002"}],
        ),
    )  # fmt: skip

    assert response.status_code == 201
    assert (response.json()["applied"], response.json()["conflicts"]) == ([], [])
    assert FieldConflict.objects.exists() is False


def test_a_coupled_field_is_not_applied_alone_when_its_partner_conflicts(
    api, cadre_yanhe, work_team_yanhe
):
    household = household_with_head()
    pupil = MemberFactory(household=household, education="", schooling="grade_9")
    Member.objects.filter(pk=pupil.pk).update(schooling="senior_1")

    response = post(
        api,
        cadre_yanhe,
        update_record(
            household,
            [
                {"target": "member", "id": pupil.pk, "field": "schooling",
                 "base": "grade_9", "value": "not_in_school"},
                {"target": "member", "id": pupil.pk, "field": "education",
                 "base": "", "value": "junior"},
            ],
        ),
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json()["applied"] == []
    assert sorted(FieldConflict.objects.values_list("field", flat=True)) == [
        "education",
        "schooling",
    ]
    assert Member.objects.values_list("schooling", "education").get(pk=pupil.pk) == (
        "senior_1",
        "",
    )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"target": "household", "field": "status", "base": "registered", "value": "exited"},
         "field", "phone"),
        ({"target": "member", "field": "work_status", "base": "", "value": "in_county"},
         "id", "成员"),
        ({"target": "household", "field": "phone", "base": "", "value": "not a phone"},
         "value", "电话"),
        ({"target": "member", "id": 1, "field": "work_status", "base": "", "value": "abroad"},
         "value", "abroad"),
    ],
    ids=["field-not-syncable", "member-without-id", "bad-phone", "unknown-choice"],
)  # fmt: skip
def test_an_invalid_change_is_refused_naming_the_field_and_nothing_is_stored(
    api, cadre_yanhe, change, field, words
):
    household = household_with_head(phone="")

    response = post(api, cadre_yanhe, update_record(household, [change]))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]["changes"]["0"]
    assert words in body["message"] or words in str(body["errors"])
    assert SyncRecord.objects.exists() is False
    assert Household.objects.get(pk=household.pk).version == 1


def test_a_household_moved_out_of_the_jurisdiction_is_refused_and_the_same_token_can_be_sent_again(
    api, cadre_yanhe
):
    # given a visit recorded offline on a household that has since moved to another county
    household = household_with_head()
    record = visit_record(household)
    Household.objects.filter(pk=household.pk).update(region_id=BIJIANG_VILLAGE)

    refused = post(api, cadre_yanhe, record)

    # then the phone is told why, and nothing is stored as applied
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    assert list(refused.json()["errors"]) == ["household"]
    assert refused.json()["message"].startswith("household: ")
    assert SyncRecord.objects.exists() is False
    assert Visit.objects.exists() is False
    # the same answer as a household that does not exist at all
    missing = post(api, cadre_yanhe, {**record, "household": household.pk + 1000})
    assert missing.json() == refused.json()

    # when it is back in the cadre's village, the same token is applied (it was never stored)
    Household.objects.filter(pk=household.pk).update(region_id="520627100200")
    assert post(api, cadre_yanhe, record).status_code == 201
    assert Visit.objects.filter(household=household).count() == 1


def test_a_role_that_may_not_update_the_register_any_more_is_refused_with_403(
    api, township_reviewer
):
    household = household_with_head(phone="13800000001")
    response = post(
        api,
        township_reviewer,
        update_record(
            household,
            [{"target": "household", "field": "phone", "base": "13800000001",
              "value": "13900000002"}],
        ),
    )  # fmt: skip

    assert response.status_code == 403
    assert SyncRecord.objects.exists() is False
    assert Household.objects.get(pk=household.pk).phone == "13800000001"


def test_a_member_of_another_household_is_the_404_of_changes(api, cadre_yanhe):
    household = household_with_head()
    elsewhere = MemberFactory(household=household_with_head(region_id=BIJIANG_VILLAGE))

    response = post(
        api,
        cadre_yanhe,
        update_record(
            household,
            [{"target": "member", "id": elsewhere.pk, "field": "work_status", "base": "",
              "value": "in_county"}],
        ),
    )  # fmt: skip

    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["changes"]
    assert Member.objects.get(pk=elsewhere.pk).work_status == ""


def test_a_visit_keeps_what_the_cadre_saw_and_reports_where_the_register_moved(api, cadre_yanhe):
    household = household_with_head()
    MemberFactory(household=household)
    record = visit_record(
        household,
        seen={"family_size": "3", "poverty_attribute": "一般贫困户"},
    )
    record["visit"]["consistency"] = [
        {"field": "family_size", "wall": "3", "bag": "3", "spoken": "3", "observed": "3"}
    ]

    response = post(api, cadre_yanhe, record)

    assert response.status_code == 201
    assert response.json()["register_changed"] == [
        {"field": "family_size", "label": "家庭人口数", "seen": "3", "current": "2"}
    ]
    item = ConsistencyItem.objects.get(consistency__visit_id=response.json()["visit"])
    assert (item.system, item.mismatch) == ("3", False)
    assert Problem.objects.exists() is False


def test_a_problem_reported_offline_on_a_visit_recorded_offline_names_that_visit(api, cadre_yanhe):
    household = household_with_head()
    visit = visit_record(household)
    assert post(api, cadre_yanhe, visit).status_code == 201

    response = post(
        api,
        cadre_yanhe,
        {
            "client_token": str(uuid.uuid4()),
            "kind": "problem",
            "recorded_at": "2026-12-01T11:00:00+08:00",
            "household": household.pk,
            "problem": {
                "category": "fill_gaps",
                "description": "屋顶漏雨",
                "deadline": "2026-12-31",
                "visit_token": visit["client_token"],
            },
        },
    )

    assert response.status_code == 201, response.json()
    problem = Problem.objects.get(pk=response.json()["problem"])
    assert (problem.visit.client_token, problem.source, problem.description) == (
        uuid.UUID(visit["client_token"]),
        "visit",
        "屋顶漏雨",
    )


def test_a_token_used_by_someone_else_is_refused(api, cadre_yanhe, work_team_yanhe):
    household = household_with_head()
    record = visit_record(household)
    assert post(api, cadre_yanhe, record).status_code == 201

    response = post(api, work_team_yanhe, record)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["client_token"]


def test_anonymous_is_401_and_a_body_that_is_no_record_is_400(api, cadre_yanhe):
    assert APIClient().post("/api/v1/sync/", {}, format="json").status_code == 401
    api.force_authenticate(cadre_yanhe)
    response = api.post("/api/v1/sync/", {"record": "not json"}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["record"]


NESTED_5000 = '{"a": ' * 5000 + "1" + "}" * 5000
NESTED_21 = '{"a": ' + "[" * 20 + "]" * 20 + "}"  # one level past API_JSON_MAX_DEPTH (20)


def _post_record_field(api, text: str, encoding: str):
    if encoding == "multipart":
        return api.post("/api/v1/sync/", {"record": text}, format="multipart")
    body = urlencode({"record": text})
    return api.post("/api/v1/sync/", body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("encoding", ["multipart", "form"])
@pytest.mark.parametrize("text", [NESTED_5000, NESTED_21], ids=["5000-deep", "21-deep"])
def test_a_record_field_nested_past_the_limit_answers_400_naming_record(
    api, cadre_yanhe, encoding, text
):
    api.force_authenticate(cadre_yanhe)

    response = _post_record_field(api, text, encoding)

    assert response.status_code == 400
    assert response.json()["errors"] == {"record": ["JSON 请求体嵌套超过 20 层。"]}
    assert SyncRecord.objects.exists() is False


@pytest.mark.parametrize("encoding", ["multipart", "form"])
def test_a_record_field_larger_than_the_json_limit_answers_400_naming_record(
    api, cadre_yanhe, encoding, settings
):
    settings.API_JSON_MAX_BYTES = 1000
    record = visit_record(household_with_head())
    record["visit"]["note"] = "走" * 400  # 1,200 bytes in UTF-8
    api.force_authenticate(cadre_yanhe)

    response = _post_record_field(api, json.dumps(record, ensure_ascii=False), encoding)

    assert response.status_code == 400
    assert response.json()["errors"] == {"record": ["JSON 请求体超过 1000 字节。"]}
    assert Visit.objects.exists() is False


@pytest.mark.parametrize("encoding", ["multipart", "form"])
def test_a_record_field_within_the_limits_is_applied(api, cadre_yanhe, encoding):
    household = household_with_head()
    api.force_authenticate(cadre_yanhe)

    response = _post_record_field(api, json.dumps(visit_record(household)), encoding)

    assert response.status_code == 201
    assert Visit.objects.get().household_id == household.pk


@pytest.mark.parametrize("token", [None, "", "not-a-uuid", ["a"]])
def test_a_record_without_a_usable_token_is_refused_naming_client_token(api, cadre_yanhe, token):
    household = household_with_head()
    record = visit_record(household)
    if token is None:
        del record["client_token"]
    else:
        record["client_token"] = token

    response = post(api, cadre_yanhe, record)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["client_token"]
    assert response.json()["message"].startswith("client_token: ")


def test_a_browser_session_sends_the_pages_csrf_token_with_a_record(cadre_yanhe):
    from django.test import Client

    household = household_with_head()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cadre_yanhe)
    page = browser.get(f"/households/{household.pk}/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    record = visit_record(household)

    without = browser.post("/api/v1/sync/", record, content_type="application/json")
    with_token = browser.post(
        "/api/v1/sync/", record, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert (without.status_code, without.json()["code"]) == (403, "permission_denied")
    assert with_token.status_code == 201
    assert Visit.objects.filter(household=household).count() == 1
