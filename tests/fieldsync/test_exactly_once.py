"""A record is applied exactly once however often it is sent: resends, a failure in the middle
of the first attempt, two requests at the same moment, photos included."""

from __future__ import annotations

import datetime
import io
import json
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection
from PIL import Image
from rest_framework.test import APIClient

from audit.models import AuditEvent
from fieldsync import services
from fieldsync.models import SyncRecord
from inspections import services as inspections
from inspections.models import Photo, Visit
from tests.fieldsync.helpers import post, visit_record
from tests.households.factories import household_with_head


def _failing_once(real: Any) -> Any:
    calls = {"n": 0}

    def complete(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("the server timed out after the visit was written")
        return real(**kwargs)

    return complete


@pytest.mark.django_db
@pytest.mark.sqlite
def test_the_same_record_sent_five_times_with_a_failure_in_the_middle_makes_one_visit(
    api, cadre_yanhe, monkeypatch
):
    # given a record whose first attempt fails after the visit row was inserted
    household = household_with_head()
    record = visit_record(household)
    monkeypatch.setattr(
        inspections, "complete_look_back_tasks", _failing_once(inspections.complete_look_back_tasks)
    )
    failing = APIClient(raise_request_exception=False)

    # when it is sent five times: the failed one, then four retries
    first = post(failing, cadre_yanhe, record)
    answers = [post(api, cadre_yanhe, record) for _ in range(4)]

    # then the failure left nothing, and the four answers are one visit's, the same body
    assert first.status_code == 500
    assert [a.status_code for a in answers] == [201, 200, 200, 200]
    assert all(a.json() == answers[0].json() for a in answers)
    assert [a["Idempotent-Replayed"] for a in answers] == ["false", "true", "true", "true"]
    visit = Visit.objects.get()
    assert (visit.household, visit.client_token) == (household, uuid.UUID(record["client_token"]))
    assert SyncRecord.objects.get().visit == visit
    assert AuditEvent.objects.filter(action="visit.recorded").count() == 1
    assert AuditEvent.objects.filter(action="sync.received").count() == 1


@pytest.mark.django_db
@pytest.mark.sqlite
def test_the_service_applies_a_token_once_and_answers_the_same_result(cadre_yanhe):
    household = household_with_head()
    token = uuid.uuid4()

    def send() -> tuple[SyncRecord, bool]:
        return services.sync_visit(
            actor=cadre_yanhe,
            client_token=token,
            household=household,
            recorded_at=datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC),
            payload={"kind": "visit"},
            visit={"date": datetime.date(2026, 11, 30), "kind": "routine"},
            seen={},
        )

    results = [send() for _ in range(5)]

    assert [created for _, created in results] == [True, False, False, False, False]
    assert len({record.pk for record, _ in results}) == 1
    assert Visit.objects.filter(household=household).count() == 1
    assert results[0][0].result == results[4][0].result


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "look.jpg"
    return buffer


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_visit_with_photos_sent_again_stores_its_photos_once(api, cadre_yanhe):
    household = household_with_head()
    record = visit_record(household)
    api.force_authenticate(cadre_yanhe)

    def send() -> Any:
        return api.post(
            "/api/v1/sync/",
            {"record": json.dumps(record), "photos": [_jpeg(), _jpeg()], "looks": ["", "pot"]},
            format="multipart",
        )

    statuses = [send().status_code for _ in range(3)]

    assert statuses == [201, 200, 200]
    visit = Visit.objects.get()
    assert sorted(Photo.objects.filter(visit=visit).values_list("look", flat=True)) == ["", "pot"]


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_token_at_the_same_moment_apply_it_once(tongren_regions, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: there is no moment when both are inside")
    from tests.regions.factories import assigned_user

    cadre = assigned_user("cadre_concurrent", "village_cadre", "520627100200")
    household = household_with_head()
    record = visit_record(household)
    real = inspections.complete_look_back_tasks

    def slow(**kwargs: Any) -> Any:  # keeps the first transaction open while the second arrives
        time.sleep(0.5)
        return real(**kwargs)

    monkeypatch.setattr(inspections, "complete_look_back_tasks", slow)
    answers: list[Any] = [None, None]
    start = threading.Barrier(2)

    def send(index: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(cadre)
            start.wait()
            answers[index] = client.post("/api/v1/sync/", record, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    assert Visit.objects.filter(household=household).count() == 1
    assert SyncRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="visit.recorded").count() == 1


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_phone_asks_what_became_of_a_record_before_sending_it_again(
    api, cadre_yanhe, work_team_yanhe
):
    household = household_with_head()
    record = visit_record(household)
    url = f"/api/v1/sync/{record['client_token']}/"
    api.force_authenticate(cadre_yanhe)

    before = api.get(url)
    sent = post(api, cadre_yanhe, record)
    after = api.get(url)
    api.force_authenticate(work_team_yanhe)
    someone_else = api.get(url)

    assert before.status_code == 404
    assert (after.status_code, after.json()) == (200, sent.json())
    assert someone_else.status_code == 404
