import datetime
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD
from exits import services as exit_services
from exits.models import ExitApplication
from households.models import Household, PovertyLine
from inspections.models import ConsistencyItem, Problem, Visit
from tests.e2e.conftest import log_in
from tests.exits.helpers import ready_for_exit
from tests.households.factories import household_with_head
from tests.inspections.helpers import record_visit

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def test_cadre_records_a_visit_with_five_looks_and_five_sources_on_a_phone(
    site, phone_page, artifacts_dir
):
    household = household_with_head()
    page = phone_page.page
    log_in(page, site, "demo_cadre", DEMO_PASSWORD)

    page.goto(f"{site}/households/{household.pk}/")
    page.get_by_role("button", name="记录走访").click()
    page.wait_for_url(f"{site}/households/{household.pk}/visit/")
    for look in ("屋里摆的", "身上穿的", "柜里放的", "床上铺的", "锅里煮的"):
        page.get_by_role("group", name=look).get_by_label("是").check()
    size = page.locator("[data-check-row]").first
    for source in ("墙上挂的", "袋里装的", "客观有的"):
        size.get_by_role("group", name=source).get_by_label("一致", exact=True).check()
    size.get_by_role("group", name="嘴上说的").get_by_label("不一致", exact=True).check()
    page.locator("#id_check-family_size__spoken").fill("2")
    page.screenshot(path=os.path.join(artifacts_dir, "visit_form_360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="保存走访").click()

    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get(household=household)
    assert page.url == f"{site}/visits/{visit.pk}/"
    assert "已记录走访。" in page.locator("main").inner_text()
    assert visit.five_looks.pot is True
    assert ConsistencyItem.objects.get(consistency__visit=visit).mismatch is True
    assert Problem.objects.filter(household=household, source="check").count() == 1
    # The draft kept on the phone is gone after the save.
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert phone_page.console_errors == []


def test_township_and_county_move_an_exit_to_approved(site, desktop_page, artifacts_dir):
    # A 2020 exit of a household that meets the standard (the gate assesses each step on its
    # date), proposed, verified and publicized through the services.
    PovertyLine.objects.get_or_create(
        year=2020, kind="national", defaults={"amount": Decimal("4000")}
    )
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    household = ready_for_exit(users["demo_team"])
    start = datetime.date(2020, 10, 15)
    application = exit_services.exit_propose(
        actor=users["demo_cadre"],
        household=household,
        year=2020,
        proposed_on=start - datetime.timedelta(days=5),
        attendees=11,
        agreeing=10,
        appraisal_result="同意",
    )
    record_visit(users["demo_team"], household, start - datetime.timedelta(days=3))
    exit_services.exit_verify(
        actor=users["demo_team"], application=application, on=start - datetime.timedelta(days=2)
    )
    exit_services.exit_household_agree(
        actor=users["demo_cadre"], application=application, on=start - datetime.timedelta(days=1)
    )
    exit_services.exit_publicize(actor=users["demo_cadre"], application=application, start=start)
    page = desktop_page.page

    log_in(page, site, "demo_township", DEMO_PASSWORD)
    page.get_by_role("link", name="脱贫退出").click()
    page.locator(f"a[href='/exits/{application.pk}/']").click()
    review = page.locator("form:has(input[name='action'][value='review'])")
    review.get_by_label("日期").fill("2020-10-22")
    review.get_by_role("button", name="乡镇审核通过").click()
    assert page.locator("#exit-state").inner_text() == "乡镇审核"
    page.get_by_role("button", name="退出登录").click()
    # Logging out first clears the phone's offline data, then leaves for the login page.
    page.wait_for_url(f"{site}/login/")

    log_in(page, site, "demo_county", DEMO_PASSWORD)
    page.goto(f"{site}/exits/")
    page.locator(f"a[href='/exits/{application.pk}/']").click()
    page.locator("#approve-link").click()  # 批准退出 goes through the confirmation page
    page.get_by_label("县级审定日期").fill("2020-10-26")
    page.get_by_label("我已核对以上标准，确认该户脱贫退出。").check()
    page.get_by_role("button", name="确认：批准退出").click()

    assert page.locator("#exit-state").inner_text() == "县级审定公告"
    page.screenshot(path=os.path.join(artifacts_dir, "exit_approved.png"), full_page=True)
    assert ExitApplication.objects.get().state == "approved"
    assert Household.objects.get(pk=household.pk).status == "exited"
    assert desktop_page.console_errors == []
