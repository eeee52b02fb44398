import os

import pytest
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from households.models import Household, Member
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def register_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.001)
    return live_server.url


def test_cadre_finds_a_household_on_a_phone_and_adds_a_member(
    register_site, phone_page, artifacts_dir
):
    page = phone_page.page
    household = Household.objects.filter(region_id="520627100200").order_by("household_no")[0]
    log_in(page, register_site, "demo_cadre", DEMO_PASSWORD)

    page.get_by_role("link", name="建档立卡户").click()
    page.wait_for_url(f"{register_site}/households/")
    page.screenshot(path=os.path.join(artifacts_dir, "household_list_360.png"), full_page=True)
    page.locator(f"a[href='/households/{household.pk}/']").click()
    page.get_by_role("button", name="新增成员").click()
    page.get_by_label("与户主关系").select_option("04")
    page.get_by_label("姓名").fill("田小芳")
    page.get_by_label("证件号码").fill("522228201003150023")
    page.get_by_label("在校生状况").select_option("grade_7")
    page.get_by_label("文化程度").select_option("")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(f"{register_site}/households/{household.pk}/")
    assert "已新增成员。" in page.locator("main").inner_text()
    assert Member.objects.filter(household=household, name="田小芳").exists() is True
    page.screenshot(path=os.path.join(artifacts_dir, "household_detail_360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.console_errors == []
