"""The offline endpoints answer what the OpenAPI document says, with real bodies (the fuzz's
personas — the city and a cadre — never see a conflict)."""

import uuid

import pytest
from rest_framework.authtoken.models import Token

from tests.api_schema import CHECKS, answer, in_process_requests, openapi_schema  # noqa: F401
from tests.fieldsync.conflicts import work_status_conflict
from tests.fieldsync.helpers import RECORDED_AT
from tests.households.factories import household_with_head
from tongren_fupin.wsgi import application

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.sqlite,
    pytest.mark.usefixtures("in_process_requests"),
]


def test_the_pack_and_the_conflicts_answer_their_documented_bodies(
    cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe, phone="13800000001")

    pack = answer(cadre_yanhe, "GET", "/api/v1/offline-pack/")
    listed = answer(township_reviewer, "GET", "/api/v1/conflicts/")
    one = answer(township_reviewer, "GET", "/api/v1/conflicts/{id}/", id=conflict.pk)

    assert pack["household_count"] == 1
    assert [row["id"] for row in listed["results"]] == [conflict.pk]
    assert one["server_changed_by"]["id"] == work_team_yanhe.pk


def test_a_sync_answers_its_documented_body_first_and_on_a_resend(cadre_yanhe):
    household = household_with_head(phone="13800000001")
    operation = openapi_schema()["/api/v1/sync/"]["POST"]
    token, _ = Token.objects.get_or_create(user=cadre_yanhe)
    headers = {"Authorization": f"Token {token.key}"}
    body = {
        "client_token": str(uuid.uuid4()),
        "kind": "household_update",
        "recorded_at": RECORDED_AT,
        "household": household.pk,
        "changes": [
            {"target": "household", "field": "phone", "base": "13800000001",
             "value": "13900000002"},
        ],
    }  # fmt: skip

    statuses = []
    for _ in range(2):
        case = operation.Case(body=body, media_type="application/json")
        response = case.call(app=application, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        statuses.append(response.status_code)

    assert statuses == [201, 200]
