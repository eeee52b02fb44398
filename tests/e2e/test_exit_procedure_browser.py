"""On a phone (360 px), a 2020 exit from the proposal to the county's approval: the cadre
proposes a household that meets the standard, the work team verifies it, the publicity's
notice (村内公示) opens as a page and as a PDF with the head's name and no ID number, the
township reviews and the county approves through the confirmation page."""

import datetime
import io
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pypdf import PdfReader

from demo.logins import DEMO_PASSWORD
from exits.criteria import RULES
from exits.models import ExitApplication
from households.choices import Relation
from households.models import Household, PovertyLine
from tests.e2e.conftest import log_in
from tests.exits.helpers import ready_for_exit
from tests.households.factories import HouseholdFactory, MemberFactory, make_id
from tests.inspections.helpers import record_visit

pytestmark = pytest.mark.browser

HEAD = "田大山"
SPOUSE = "田小华"
PROPOSED = "2020-10-10"
VERIFIED = "2020-10-13"
AGREED = "2020-10-14"
PUBLICITY_START = "2020-10-15"
REVIEWED = "2020-10-22"  # the first day after the 7 days of publicity
APPROVED = "2020-10-26"


@pytest.fixture
def site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    # Transactional tests empty the tables between tests, the seeded lines too.
    PovertyLine.objects.get_or_create(
        year=2020, kind="national", defaults={"amount": Decimal("4000")}
    )
    return live_server.url


@pytest.fixture
def household(site):
    """A head and his wife in demo_cadre's village, with the income of 2020 above the line and
    a visit of 2020-09-20 (five looks adequate, five sources agreeing)."""
    household = HouseholdFactory()
    for name, relation, born, sequence in [
        (HEAD, Relation.HEAD, datetime.date(1980, 5, 17), 988),
        (SPOUSE, Relation.SPOUSE, datetime.date(1982, 3, 9), 987),
    ]:
        MemberFactory(
            household=household,
            name=name,
            relation=relation,
            birth_date=born,
            id_number=make_id(born, sequence=sequence),
        )
    return ready_for_exit(user("demo_team"), household)


def user(username):
    return get_user_model().objects.get(username=username)


def shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"exit_{name}_360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def switch_user(page, site, username):
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r".*/login/.*"))
    log_in(page, site, username, DEMO_PASSWORD)


def step_form(page, action):
    return page.locator(f"form:has(input[name='action'][value='{action}'])")


def private_values(household):
    """Each member's ID number, its last four digits and its birth date (the digits a masked
    number keeps), and the other member's name."""
    hidden = [SPOUSE]
    for number in household.members.values_list("id_number", flat=True):
        hidden += [number, number[-4:], number[6:14]]
    return hidden


def assert_nothing_private(text, household):
    for value in private_values(household):
        assert value not in text, value
    assert re.search(r"\d{11,}", text) is None  # no run of digits like an ID, phone or card


def test_an_exit_goes_from_the_proposal_to_the_county_approval_on_a_phone(
    site, household, phone_page, artifacts_dir
):
    page = phone_page.page

    # The cadre opens the household and the proposal. The page assesses the household on the
    # appraisal's date once the form is sent (before, on today's): sent with the year and the
    # date only, it shows the assessment of 2020-10-10 and saves nothing.
    log_in(page, site, "demo_cadre", DEMO_PASSWORD)
    page.goto(f"{site}/households/{household.pk}/")
    page.get_by_role("button", name="提出退出").click()  # a link drawn as a button
    page.wait_for_url(f"{site}/households/{household.pk}/exit/propose/")
    page.get_by_label("退出年度").fill("2020")
    page.get_by_label("民主评议日期").fill(PROPOSED)
    page.get_by_role("button", name="提出退出").click()
    page.locator(".has-error").first.wait_for()  # the appraisal is still to be filled in
    assessment = page.locator("#live-assessment")
    assert "2020年退出标准（截至2020-10-10）" in assessment.inner_text()
    assert "各项标准均已达标：可以提出退出。" in assessment.inner_text()
    results = assessment.locator("tbody tr td:nth-child(2)")
    criteria_count = results.count()
    assert criteria_count == len(RULES)
    assert set(results.all_inner_texts()) == {"✓ 达标"}
    assert ExitApplication.objects.exists() is False
    page.get_by_label("参会人数").fill("12")
    page.get_by_label("同意人数").fill("11")
    page.get_by_label("评议结果").fill("同意退出")
    shot(page, artifacts_dir, "propose")
    page.get_by_role("button", name="提出退出").click()
    page.wait_for_url(re.compile(rf"{site}/exits/\d+/$"))
    application = ExitApplication.objects.get(household=household)
    detail = f"{site}/exits/{application.pk}/"
    assert page.locator("#exit-state").inner_text() == "民主评议（拟退出）"

    # The work team visits after the proposal and verifies.
    record_visit(user("demo_team"), household, datetime.date(2020, 10, 12))
    switch_user(page, site, "demo_team")
    page.goto(detail)
    step_form(page, "verify").get_by_label("日期").fill(VERIFIED)
    step_form(page, "verify").get_by_role("button", name="核实完成（已入户）").click()
    assert page.locator("#exit-state").inner_text() == "村两委和驻村工作队核实"

    # The household agrees; the cadre starts the publicity.
    switch_user(page, site, "demo_cadre")
    page.goto(detail)
    step_form(page, "agree").get_by_label("日期").fill(AGREED)
    step_form(page, "agree").get_by_role("button", name="贫困户认可退出").click()
    assert page.locator("#exit-state").inner_text() == "拟退出户认可"
    step_form(page, "publicize").get_by_label("公示开始日期").fill(PUBLICITY_START)
    step_form(page, "publicize").get_by_label("公示天数").fill("7")
    step_form(page, "publicize").get_by_role("button", name="开始公示").click()
    assert page.locator("#exit-state").inner_text() == "村内公示"
    shot(page, artifacts_dir, "publicized")

    # The village publicity's notice, as a page and as its PDF.
    page.locator("#exit-notices").get_by_role("link", name="村内公示").click()
    page.wait_for_url(f"{detail}publicity-notice/")
    notice = page.locator("#exit-publicity-notice").inner_text()
    assert HEAD in notice
    assert "公示期：2020-10-15至2020-10-21（7天）" in notice
    assert_nothing_private(page.locator("body").inner_text(), household)
    shot(page, artifacts_dir, "publicity_notice")
    pdf_href = page.get_by_role("link", name="下载PDF（A4）").get_attribute("href")
    response = page.request.get(f"{site}{pdf_href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    with open(os.path.join(artifacts_dir, "exit_publicity_notice.pdf"), "wb") as pdf:
        pdf.write(response.body())
    reader = PdfReader(io.BytesIO(response.body()))
    text = "".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert HEAD in re.sub(r"\s+", "", text)
    assert_nothing_private(text, household)
    page.get_by_role("link", name="返回退出申请").click()
    page.wait_for_url(detail)

    # The township reviews once the publicity is over.
    switch_user(page, site, "demo_township")
    page.goto(detail)
    step_form(page, "review").get_by_label("日期").fill(REVIEWED)
    shot(page, artifacts_dir, "township_review")
    step_form(page, "review").get_by_role("button", name="乡镇审核通过").click()
    assert page.locator("#exit-state").inner_text() == "乡镇审核"

    # The county approves through the confirmation page, which needs the box ticked.
    switch_user(page, site, "demo_county")
    page.goto(detail)
    page.locator("#approve-link").click()
    page.wait_for_url(f"{detail}approve/")
    now = page.locator("#criteria-rows tbody tr td:nth-child(3)")
    assert now.count() == criteria_count
    assert set(now.all_inner_texts()) == {"✓"}
    page.get_by_label("县级审定日期").fill(APPROVED)
    page.get_by_role("button", name="确认：批准退出").click()
    assert page.locator(".field-error").inner_text() == "请勾选以确认批准退出。"
    assert page.url == f"{detail}approve/"
    assert ExitApplication.objects.get().state == "township_reviewed"
    page.get_by_label("我已核对以上标准，确认该户脱贫退出。").check()
    shot(page, artifacts_dir, "approve")
    page.get_by_role("button", name="确认：批准退出").click()
    page.wait_for_url(detail)
    assert page.locator("#exit-state").inner_text() == "县级审定公告"
    assert "已批准退出：该户已脱贫。" in page.locator("main").inner_text()

    # The household's page: exited in 2020.
    page.goto(f"{site}/households/{household.pk}/")
    assert page.locator(".page-head .tag").inner_text() == "已脱贫（享受政策）"
    assert page.locator("#facts dt:text-is('退出年度') + dd").inner_text() == "2020"
    shot(page, artifacts_dir, "household_exited")
    assert Household.objects.values_list("status", "exit_year").get(pk=household.pk) == (
        "exited",
        2020,
    )
    assert phone_page.console_errors == []
