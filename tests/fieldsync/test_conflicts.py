"""The conflict queue: the township reviewer and the county settle each field changed on both
sides, on the 数据冲突 pages or through the API; cadres cannot; every step is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fieldsync import services
from fieldsync.models import FieldConflict
from households.models import Household, Member
from tests.conftest import BIJIANG_VILLAGE
from tests.fieldsync.conflicts import work_status_conflict
from tests.fieldsync.helpers import post, visit_record
from tests.households.factories import household_with_head
from tests.permissions import check_permission_matrix
from tongren_fupin.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_a_conflict_keeps_the_three_values_and_who_made_them(cadre_yanhe, work_team_yanhe):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)

    assert (conflict.base_value, conflict.server_value, conflict.offline_value) == (
        "in_county",
        "in_province",
        "out_of_province",
    )
    assert (conflict.server_changed_by, conflict.recorded_by) == (work_team_yanhe, cadre_yanhe)
    assert Member.objects.get(pk=conflict.member_id).work_status == "in_province"


def test_the_reviewer_may_enter_another_value_checked_like_the_register_checks_it(
    cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    version = Household.objects.get(pk=conflict.household_id).version

    with pytest.raises(ValidationError) as refused:
        services.conflict_resolve(
            actor=township_reviewer,
            conflict=conflict,
            resolution="other",
            value="abroad",
            expected_version=version,
        )
    assert list(refused.value.message_dict) == ["value"]
    services.conflict_resolve(
        actor=township_reviewer,
        conflict=conflict,
        resolution="other",
        value="in_township",
        expected_version=version,
    )

    assert Member.objects.get(pk=conflict.member_id).work_status == "in_township"
    resolved = FieldConflict.objects.get(pk=conflict.pk)
    assert (resolved.state, resolved.resolution, resolved.resolved_value, resolved.resolved_by) == (
        "resolved",
        "other",
        "in_township",
        township_reviewer,
    )


def test_a_cadre_cannot_resolve_and_a_resolved_conflict_cannot_be_resolved_again(
    cadre_yanhe, work_team_yanhe, county_supervisor
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)

    with pytest.raises(DomainError) as forbidden:
        services.conflict_resolve(actor=cadre_yanhe, conflict=conflict, resolution="offline")
    services.conflict_resolve(actor=county_supervisor, conflict=conflict, resolution="server")
    with pytest.raises(DomainError) as again:
        services.conflict_resolve(actor=county_supervisor, conflict=conflict, resolution="offline")

    assert (forbidden.value.status, again.value.status) == (403, 409)
    assert Member.objects.get(pk=conflict.member_id).work_status == "in_province"


def test_conflict_api_permissions(
    cadre_yanhe, work_team_yanhe, township_reviewer, county_supervisor_bijiang
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)

    def state():
        return list(FieldConflict.objects.values_list("state", "resolution"))

    check_permission_matrix(
        f"/api/v1/conflicts/{conflict.pk}/",
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        other_jurisdiction=county_supervisor_bijiang,
    )
    version = Household.objects.get(pk=conflict.household_id).version
    response = check_permission_matrix(
        f"/api/v1/conflicts/{conflict.pk}/resolve/",
        method="post",
        data={"resolution": "offline", "version": version},
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        other_jurisdiction=county_supervisor_bijiang,
        state=state,
    )
    assert response.json()["state"] == "resolved"


def test_the_api_refuses_a_value_the_field_does_not_accept_and_a_stale_version(
    api, cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    version = Household.objects.get(pk=conflict.household_id).version
    api.force_authenticate(township_reviewer)
    url = f"/api/v1/conflicts/{conflict.pk}/resolve/"

    bad = api.post(url, {"resolution": "other", "value": "abroad", "version": version})
    stale = api.post(url, {"resolution": "offline", "version": version - 1}, format="json")

    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["value"]
    assert stale.status_code == 409
    assert FieldConflict.objects.get(pk=conflict.pk).state == "open"


@pytest.mark.parametrize(
    "value",
    ['{"a": ' * 5000 + "1" + "}" * 5000, "[" * 21 + "]" * 21],
    ids=["5000-deep", "21-deep"],
)
def test_a_value_sent_as_form_text_nested_past_the_limit_answers_400_naming_value(
    api, cadre_yanhe, work_team_yanhe, township_reviewer, value
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    version = Household.objects.get(pk=conflict.household_id).version
    api.force_authenticate(township_reviewer)

    response = api.post(
        f"/api/v1/conflicts/{conflict.pk}/resolve/",
        {"resolution": "other", "value": value, "version": version},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"value": ["JSON 请求体嵌套超过 20 层。"]}
    assert FieldConflict.objects.get(pk=conflict.pk).state == "open"


def test_the_api_lists_open_conflicts_of_the_jurisdiction_with_names(
    api, cadre_yanhe, work_team_yanhe, township_reviewer, cadre_bijiang
):
    mine = work_status_conflict(cadre_yanhe, work_team_yanhe)
    from tests.regions.factories import assigned_user

    team_bijiang = assigned_user("team_bijiang", "work_team", BIJIANG_VILLAGE)
    work_status_conflict(cadre_bijiang, team_bijiang, region_id=BIJIANG_VILLAGE)
    api.force_authenticate(township_reviewer)

    rows = api.get("/api/v1/conflicts/").json()["results"]

    assert [row["id"] for row in rows] == [mine.pk]
    assert (rows[0]["field_label"], rows[0]["head_name"], rows[0]["server_value"]) == (
        "务工状况",
        mine.household.members.get(relation="01").name,
        "in_province",
    )
    assert rows[0]["server_changed_by"]["id"] == work_team_yanhe.pk


def test_the_conflict_list_page_shows_the_values_and_keeps_its_query_count(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    client.force_login(township_reviewer)
    client.get("/conflicts/")

    with CaptureQueriesContext(connection) as one:
        page = client.get("/conflicts/")
    for _ in range(4):
        work_status_conflict(cadre_yanhe, work_team_yanhe)
    with CaptureQueriesContext(connection) as five:
        more = client.get("/conflicts/")

    text = page.content.decode()
    assert page.status_code == 200
    for shown in (conflict.household.household_no, "田小军 · 务工状况", "乡（镇）外县内务工",
                  "县外省内务工", "省外务工", "搜索", "重置"):  # fmt: skip
        assert shown in text, shown
    assert more.content.decode().count('id="conflict-') == 5
    assert len(five) == len(one)


def test_a_cadre_gets_403_on_the_conflict_pages(client, cadre_yanhe, work_team_yanhe):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    client.force_login(cadre_yanhe)

    assert client.get("/conflicts/").status_code == 403
    assert client.post(f"/conflicts/{conflict.pk}/", {"resolution": "offline"}).status_code == 403
    assert FieldConflict.objects.get(pk=conflict.pk).state == "open"


def test_the_reviewer_resolves_on_the_page_after_confirming(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    household = Household.objects.get(pk=conflict.household_id)
    client.force_login(township_reviewer)
    url = f"/conflicts/{conflict.pk}/"

    unconfirmed = client.post(url, {"resolution": "offline", "version": household.version})
    assert unconfirmed.status_code == 200
    assert FieldConflict.objects.get(pk=conflict.pk).state == "open"
    done = client.post(
        url, {"resolution": "offline", "version": household.version, "confirm": "on"}
    )

    assert done.status_code == 302
    assert Member.objects.get(pk=conflict.member_id).work_status == "out_of_province"
    page = client.get(url).content.decode()
    assert "采用离线记录的值" in page and 'id="resolve-form"' not in page


def test_the_household_page_shows_its_open_conflict_until_it_is_resolved(
    client, cadre_yanhe, work_team_yanhe, county_supervisor
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    client.force_login(cadre_yanhe)
    url = f"/households/{conflict.household_id}/"

    before = client.get(url).content.decode()
    services.conflict_resolve(actor=county_supervisor, conflict=conflict, resolution="server")
    after = client.get(url).content.decode()

    assert 'id="open-conflicts"' in before and f"/conflicts/{conflict.pk}/" in before
    assert 'id="open-conflicts"' not in after
    assert "数据冲突已处理" in after  # the history


def test_a_synced_visit_shows_the_register_value_seen_and_now(api, client, cadre_yanhe):
    household = household_with_head()
    answer = post(api, cadre_yanhe, visit_record(household, seen={"family_size": "3"}))
    client.force_login(cadre_yanhe)

    page = client.get(f"/visits/{answer.json()['visit']}/").content.decode()

    assert "家庭人口数：走访时系统值 3，现系统值 1" in page


def test_the_reviewer_home_lists_the_conflicts_to_resolve(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    client.force_login(township_reviewer)

    home = client.get("/").content.decode()

    assert "1 条数据冲突待处理" in home
    assert f"/conflicts/{conflict.pk}/" in home
