"""Monitoring pages: the case list, a case with its actions, the village notice."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from households import services
from households.choices import Status
from monitoring import checks
from monitoring import services as monitoring
from monitoring.models import MonitoringCase
from tests.households.factories import MemberFactory, household_with_head, income
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

OPENED = datetime.date(2020, 10, 1)


@pytest.fixture
def case(db):
    household = household_with_head(status=Status.EXITED, exit_year=2019, phone="13812345678")
    income(household, 2020, Decimal("5000"), 1)
    checks.run_monitoring_checks(on=OPENED)
    return MonitoringCase.objects.get()


def state():
    return list(MonitoringCase.objects.values_list("status", "version", "publicity_start"))


def test_list_page_permission_matrix(case, cadre_yanhe, cadre_bijiang, api_client_user):
    response = check_permission_matrix(
        "/monitoring/", api=False, own=cadre_yanhe, wrong_role=api_client_user
    )
    other = check_permission_matrix("/monitoring/", api=False, own=cadre_bijiang)

    html = response.content.decode()
    assert f"/monitoring/{case.pk}/" in html and "脱贫不稳定户" in html
    assert f"/monitoring/{case.pk}/" not in other.content.decode()


def test_detail_page_permission_matrix_and_a_step_by_post(
    case, township_reviewer, cadre_bijiang, api_client_user, cadre_yanhe, client
):
    check_permission_matrix(
        f"/monitoring/{case.pk}/",
        api=False,
        own=township_reviewer,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
    )
    client.force_login(cadre_yanhe)
    refused = client.post(
        f"/monitoring/{case.pk}/", {"action": "advance", "measures": "x", "on": "2020-10-05"}
    )
    assert refused.status_code == 403
    assert MonitoringCase.objects.get().status == "identifying"

    client.force_login(township_reviewer)
    done = client.post(
        f"/monitoring/{case.pk}/",
        {"action": "advance", "measures": "公益岗位", "on": "2020-10-05"},
        follow=True,
    )

    assert MonitoringCase.objects.get().status == "assisting"
    assert "帮扶中" in done.content.decode()


def test_a_step_with_bad_input_shows_a_reason_and_writes_nothing(case, township_reviewer, client):
    client.force_login(township_reviewer)

    response = client.post(
        f"/monitoring/{case.pk}/",
        {"action": "advance", "measures": " ", "on": "2020-10-05"},
        follow=True,
    )

    assert "请填写帮扶措施" in response.content.decode()
    assert state() == [("identifying", 1, None)]


def test_the_village_notice_hides_id_phone_and_health(case, cadre_yanhe, township_reviewer, client):
    household = case.household
    member = MemberFactory(household=household, name="田小华")
    household.refresh_from_db()
    services.member_update(
        actor=cadre_yanhe,
        member=member,
        expected_version=household.version,
        data={"health": "serious"},
    )
    checks.check_household(household.pk)  # adds the illness to the risks of the open case
    monitoring.monitoring_case_advance(
        actor=township_reviewer, case=case, on=datetime.date(2020, 10, 5), measures="医疗救助"
    )
    monitoring.monitoring_case_publicize(
        actor=cadre_yanhe, case=case, start=datetime.date(2020, 12, 1)
    )
    client.force_login(cadre_yanhe)

    detail = client.get(f"/monitoring/{case.pk}/").content.decode()
    notice = client.get(f"/monitoring/{case.pk}/notice/").content.decode()

    assert "患有大病" in detail  # the case itself shows its risks to the cadres
    head = household.members.get(relation="01")
    assert head.name in notice and household.household_no in notice and "2020-12-01" in notice
    for hidden in [
        head.id_number,
        member.id_number,
        head.id_number[-4:] + "<",
        "13812345678",
        "患有大病",
        "大病",
        "残疾",
        "慢性病",
        "田小华",  # the risk names the ill member
        "6000",
    ]:
        assert hidden not in notice, hidden


def test_a_notice_before_the_publicity_redirects_to_the_case(case, cadre_yanhe, client):
    client.force_login(cadre_yanhe)

    response = client.get(f"/monitoring/{case.pk}/notice/")

    assert response.status_code == 302 and response["Location"] == f"/monitoring/{case.pk}/"


def test_a_cadre_reports_a_case_from_the_household(
    cadre_yanhe, cadre_bijiang, county_supervisor, client
):
    household = household_with_head(status=Status.EDGE)
    url = f"/households/{household.pk}/monitoring/open/"
    check_permission_matrix(
        url,
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=county_supervisor,
    )
    client.force_login(cadre_yanhe)

    response = client.post(
        url, {"category": "sudden_hardship", "opened": "2020-11-02", "evidence": "房屋受灾"}
    )

    case = MonitoringCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/monitoring/{case.pk}/"
    assert (case.category, case.opened_by, case.risks[0]["evidence"]) == (
        "sudden_hardship",
        cadre_yanhe,
        "房屋受灾",
    )


def test_the_list_page_takes_the_same_number_of_queries_for_1_or_6_cases(
    case, client, county_supervisor, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(county_supervisor)
    client.get("/monitoring/")
    with django_assert_max_num_queries(12) as first:  # the base page's own queries included
        assert client.get("/monitoring/").status_code == 200
    for _ in range(5):
        household = household_with_head(status=Status.EXITED, exit_year=2019)
        income(household, 2020, Decimal("5000"), 1)
    checks.run_monitoring_checks(on=OPENED)

    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get("/monitoring/").content.decode()

    assert len(re.findall(r'href="/monitoring/\d+/"', html)) == 6


def test_the_household_page_lists_its_cases_and_offers_a_report(case, cadre_yanhe, client):
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{case.household_id}/").content.decode()

    assert f'href="/monitoring/{case.pk}/"' in html and "识别中" in html
    assert f'href="/households/{case.household_id}/monitoring/open/"' in html


def test_the_village_notice_pdf_has_the_head_and_no_id_number(
    case, cadre_yanhe, township_reviewer, client
):
    monitoring.monitoring_case_advance(
        actor=township_reviewer, case=case, on=datetime.date(2020, 10, 5), measures="公益岗位"
    )
    monitoring.monitoring_case_publicize(
        actor=cadre_yanhe, case=case, start=datetime.date(2020, 12, 1)
    )
    client.force_login(cadre_yanhe)

    response = client.get(f"/monitoring/{case.pk}/notice/pdf/")

    assert response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    head = case.household.members.get(relation="01")
    assert head.name in text and "太岭村村民委员会（盖章）2020-12-01" in text
    assert "公示期：2020-12-01至2020-12-07（7天）" in text
    masked = head.id_number[:6] + "********" + head.id_number[-4:]
    assert head.id_number not in text and masked not in text and "13812345678" not in text
