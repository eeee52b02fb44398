"""The exit's public notices: the village publicity (村内公示) and the county's announcement
(公告退出), as pages and as PDFs — what they say, what they never say, and who may open them."""

from __future__ import annotations

import datetime
import io
import logging
import re
from dataclasses import fields
from typing import Any

import pytest
from pypdf import PdfReader

from exits import services
from exits.models import ExitApplication
from households.choices import Relation
from households.models import Household
from publicity.notices import NoticeHousehold
from tests.exits.helpers import ready_for_exit
from tests.households.factories import HouseholdFactory, MemberFactory, make_id
from tests.inspections.helpers import record_visit
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

PROPOSED = datetime.date(2020, 10, 10)
PUBLICITY_START = datetime.date(2020, 10, 15)
APPROVED = datetime.date(2020, 10, 30)
HEAD = "田大山"
PHONE = "13812345678"
CADRE_PHONE = "13987654321"
A4 = (595.28, 841.89)  # points

PUBLICITY = "/exits/{pk}/publicity-notice/"
ANNOUNCEMENT = "/exits/{pk}/announcement/"


@pytest.fixture
def household(db):
    """A head, a seriously ill wife and a disabled son; the household's and the cadre's phones.
    The ID numbers end in 987?, 988?, 989?: digits nothing else on a notice has."""
    household = HouseholdFactory(phone=PHONE, cadre_phone=CADRE_PHONE)
    for name, relation, born, health, sequence in [
        (HEAD, Relation.HEAD, datetime.date(1980, 5, 17), "healthy", 988),
        ("田小华", Relation.SPOUSE, datetime.date(1982, 3, 9), "serious", 987),
        ("田小军", Relation.SON, datetime.date(2004, 7, 1), "disabled", 989),
    ]:
        MemberFactory(
            household=household,
            name=name,
            relation=relation,
            birth_date=born,
            health=health,
            id_number=make_id(born, sequence=sequence),
        )
    return household


@pytest.fixture
def application(household, cadre_yanhe):
    ready_for_exit(cadre_yanhe, household)
    return services.exit_propose(
        actor=cadre_yanhe,
        household=household,
        year=2020,
        proposed_on=PROPOSED,
        attendees=12,
        agreeing=11,
        appraisal_result="同意退出",
    )


@pytest.fixture
def publicized(application, household, cadre_yanhe, work_team_yanhe):
    record_visit(work_team_yanhe, household, PROPOSED + datetime.timedelta(days=1))
    services.exit_verify(
        actor=work_team_yanhe, application=application, on=datetime.date(2020, 10, 12)
    )
    services.exit_household_agree(
        actor=cadre_yanhe, application=application, on=datetime.date(2020, 10, 13)
    )
    services.exit_publicize(actor=cadre_yanhe, application=application, start=PUBLICITY_START)
    return ExitApplication.objects.get(pk=application.pk)


@pytest.fixture
def approved(publicized, township_reviewer, county_supervisor):
    services.exit_township_review(
        actor=township_reviewer, application=publicized, on=datetime.date(2020, 10, 22)
    )
    services.exit_approve(actor=county_supervisor, application=publicized, on=APPROVED)
    return ExitApplication.objects.get(pk=publicized.pk)


def state():
    return (
        list(ExitApplication.objects.values_list("state", "version", "publicity_start")),
        list(Household.objects.values_list("status", "exit_year", "version")),
    )


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    box = page.mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
    resources: Any = page["/Resources"]
    fonts = {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    assert any("CJK" in font for font in fonts), fonts  # fonts-noto-cjk, not boxes
    return page.extract_text()


def assert_nothing_private(text: str, household: Household) -> None:
    """No ID number (whole, masked or its last four), no phone, no health detail, no other
    member; and no run of 11 or more digits at all (a phone, an ID, a bank card)."""
    members = list(household.members.all())
    hidden = [PHONE, CADRE_PHONE, "患有大病", "大病", "残疾", "慢性病", "田小华", "田小军"]
    for member in members:
        number = member.id_number
        hidden += [number, number[:6] + "********" + number[-4:], number[-4:], number[6:14]]
    for value in hidden:
        assert value not in text, value
    assert re.search(r"\d{11,}", text) is None


def no_space(text: str) -> str:
    """PDF text extraction may break a line anywhere or add spaces between runs."""
    return re.sub(r"\s+", "", text)


def test_the_notice_household_can_only_carry_what_a_notice_may_show():
    assert [f.name for f in fields(NoticeHousehold)] == [
        "head_name",
        "size",
        "household_no",
        "village",
        "township",
        "county",
    ]


def test_the_village_publicity_page_has_the_notice_and_nothing_private(
    publicized, household, cadre_yanhe, client
):
    client.force_login(cadre_yanhe)

    html = client.get(PUBLICITY.format(pk=publicized.pk)).content.decode()

    assert "甘溪镇太岭村2020年拟脱贫退出户公示" in html
    assert f"<td>{HEAD}</td><td>3</td><td>2020</td>" in html
    assert "公示期：2020-10-15至2020-10-21（7天）" in html
    assert "以当面或书面方式向太岭村村民委员会或甘溪镇人民政府反映" in html
    assert '<p class="notice-unit">太岭村村民委员会</p>' in html
    assert '<p class="notice-date">2020-10-15</p>' in html
    assert f'href="/exits/{publicized.pk}/publicity-notice/pdf/"' in html
    assert_nothing_private(html, household)


def test_the_village_publicity_pdf_is_one_a4_page_with_the_head_and_no_id_number(
    publicized, household, cadre_yanhe, client, caplog
):
    client.force_login(cadre_yanhe)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client.get(PUBLICITY.format(pk=publicized.pk) + "pdf/")

    assert caplog.records == []  # every stylesheet found and understood

    assert response["Content-Disposition"] == (
        f'attachment; filename="publicity-notice-{household.household_no}-2020.pdf"'
    )
    text = pdf_text(response)
    flat = no_space(text)
    for expected in [
        "甘溪镇太岭村2020年拟脱贫退出户公示",
        f"甘溪镇太岭村{HEAD}32020",  # the table row: township, village, head, size, year
        "公示期：2020-10-15至2020-10-21（7天）",
        "以当面或书面方式向太岭村村民委员会或甘溪镇人民政府反映",
        "太岭村村民委员会（盖章）2020-10-15",
    ]:
        assert expected in flat, expected
    assert "下载" not in text  # the screen's toolbar is not printed
    assert_nothing_private(text, household)


def test_the_announcement_is_issued_by_the_county_on_the_day_of_approval(
    approved, household, county_supervisor, client
):
    client.force_login(county_supervisor)

    html = client.get(ANNOUNCEMENT.format(pk=approved.pk)).content.decode()
    text = pdf_text(client.get(ANNOUNCEMENT.format(pk=approved.pk) + "pdf/"))

    flat = no_space(text)
    for rendered in (no_space(html), flat):
        assert "沿河土家族自治县2020年贫困户脱贫退出公告" in rendered
        assert "于2020-10-15至2020-10-21在本村公示" in rendered
        assert "向沿河土家族自治县扶贫开发领导小组办公室反映" in rendered
    assert f"<td>{HEAD}</td><td>3</td><td>2020</td>" in html
    assert f"甘溪镇太岭村{HEAD}32020" in flat
    assert "沿河土家族自治县扶贫开发领导小组（盖章）2020-10-30" in flat
    assert_nothing_private(html, household)
    assert_nothing_private(text, household)


@pytest.mark.parametrize(
    "url",
    [PUBLICITY, PUBLICITY + "pdf/", ANNOUNCEMENT, ANNOUNCEMENT + "pdf/"],
    ids=["publicity", "publicity-pdf", "announcement", "announcement-pdf"],
)
def test_notice_permission_matrix(
    url, approved, township_reviewer, cadre_bijiang, county_supervisor_bijiang, api_client_user
):
    check_permission_matrix(
        url.format(pk=approved.pk),
        api=False,
        own=township_reviewer,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
        state=state,
    )
    check_permission_matrix(
        url.format(pk=approved.pk),
        api=False,
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
    )


@pytest.mark.parametrize("url", [PUBLICITY, PUBLICITY + "pdf/"], ids=["page", "pdf"])
def test_the_village_publicity_before_the_publicity_redirects_to_the_application(
    url, application, cadre_yanhe, client
):
    client.force_login(cadre_yanhe)

    response = client.get(url.format(pk=application.pk), follow=True)

    assert response.redirect_chain == [(f"/exits/{application.pk}/", 302)]
    assert "该申请尚未公示。" in response.content.decode()


@pytest.mark.parametrize("url", [ANNOUNCEMENT, ANNOUNCEMENT + "pdf/"], ids=["page", "pdf"])
def test_the_announcement_before_the_approval_redirects_to_the_application(
    url, publicized, cadre_yanhe, client
):
    client.force_login(cadre_yanhe)

    response = client.get(url.format(pk=publicized.pk), follow=True)

    assert response.redirect_chain == [(f"/exits/{publicized.pk}/", 302)]
    assert "该退出申请尚未经县级审定。" in response.content.decode()


def test_a_rejected_application_has_no_notice(publicized, township_reviewer, client):
    services.exit_reject(
        actor=township_reviewer,
        application=publicized,
        reason="核实不符",
        on=datetime.date(2020, 10, 20),
    )
    client.force_login(township_reviewer)

    response = client.get(PUBLICITY.format(pk=publicized.pk), follow=True)

    assert response.redirect_chain == [(f"/exits/{publicized.pk}/", 302)]
    html = response.content.decode()
    assert "该申请已被驳回，没有公示公告。" in html
    assert "publicity-notice/" not in html


def test_the_application_page_links_to_the_notices_it_has(
    application, approved, township_reviewer, client
):
    client.force_login(township_reviewer)

    html = client.get(f"/exits/{approved.pk}/").content.decode()

    for url in [PUBLICITY, PUBLICITY + "pdf/", ANNOUNCEMENT, ANNOUNCEMENT + "pdf/"]:
        assert f'href="{url.format(pk=approved.pk)}"' in html


def test_the_application_page_before_the_publicity_links_to_no_notice(
    application, township_reviewer, client
):
    client.force_login(township_reviewer)

    html = client.get(f"/exits/{application.pk}/").content.decode()

    assert 'id="exit-notices"' not in html
