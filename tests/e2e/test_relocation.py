"""On a phone: a village cadre opens the zero-employment list and records a relocation (and its
hukou transfer) into the township's site; the township reviewer opens the site, adds a facility."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD
from households.models import Member
from relocation.models import Facility, Relocation, Site
from relocation.selectors import zero_employment_households
from tests.e2e.conftest import log_in
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.conftest import RELOCATION_FIXTURE
from tests.relocation.factories import WORKING

pytestmark = pytest.mark.browser


SITE = "甘溪镇安置点"  # the fixture's site of the demo village's township, where the demo moves


@pytest.fixture
def demo_site(tongren_regions, live_server):
    call_command("loaddata", RELOCATION_FIXTURE, verbosity=0)
    call_command("load_demo", "--allow", verbosity=0)
    for _ in range(4):
        household = HouseholdFactory(region_id="520627100200")
        MemberFactory(household=household, relation="01", **WORKING)
    call_command("load_demo_relocation", "--allow", verbosity=0)
    return live_server.url


def a_demo_household_loses_its_work() -> Any:
    """The demo's households all work (as the seed's); one of them has lost its work since."""
    lost = Relocation.objects.filter(site__name=SITE).order_by("household__household_no")[0]
    Member.objects.filter(household=lost.household).update(work_status="")
    return zero_employment_households().get()


def test_a_cadre_finds_the_zero_employment_household_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    page = phone_page.page
    zero = a_demo_household_loses_its_work()
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)

    page.get_by_role("link", name="零就业家庭").first.click()
    page.wait_for_url(f"{demo_site}/relocation/zero-employment/")
    assert page.locator("#zero-count").inner_text() == "共 1 户"
    assert zero.household_no in page.locator("#zero-employment").inner_text()
    link = page.locator("#zero-employment").get_by_role("link", name="登记就业")
    assert link.get_attribute("href") == f"/households/{zero.pk}/#members"
    page.screenshot(
        path=os.path.join(artifacts_dir, "relocation_zero_employment_phone.png"), full_page=True
    )
    assert phone_page.console_errors == []
    assert phone_page.external_requests("localhost") == []


def test_the_township_finds_the_zero_employment_household_from_its_site_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    # The site is the township's (甘溪镇): the village cadre sees the households, not the site.
    page = phone_page.page
    zero = a_demo_household_loses_its_work()
    site = Site.objects.get(name=SITE)
    log_in(page, demo_site, "demo_township", DEMO_PASSWORD)

    page.goto(f"{demo_site}/relocation/sites/{site.pk}/")
    for heading in ("基本公共服务", "培训和就业服务", "文化服务", "社区治理", "基层党建"):
        assert page.get_by_role("heading", name=heading).is_visible()
    # 307 of the site's 308 labour households (304 in its tally, 4 in the register) employed.
    assert page.locator("#employment-rate").inner_text() == "99.6%"
    # Nothing is wider than the phone: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=os.path.join(artifacts_dir, "relocation_site_phone.png"), full_page=True)

    page.get_by_role("link", name="1户零就业家庭").click()
    page.wait_for_url(f"{demo_site}/relocation/zero-employment/?site={site.pk}")
    assert zero.household_no in page.locator("#zero-employment").inner_text()
    assert phone_page.console_errors == []
    assert phone_page.external_requests("localhost") == []


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_cadre_records_a_relocation_and_the_hukou_transfer_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    page = phone_page.page
    household = HouseholdFactory(region_id="520627100200", household_no="520627100200777")
    MemberFactory(household=household, relation="01", name="杨新搬", **WORKING)
    site = Site.objects.get(name=SITE)
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)

    # From the sites page (the site itself is the township's, which the cadre does not see).
    page.get_by_role("link", name="易地搬迁安置点").first.click()
    page.wait_for_url(f"{demo_site}/relocation/sites/")
    no_sideways_scroll(page)
    page.get_by_role("button", name="登记易地搬迁").click()
    page.get_by_role("searchbox").fill("杨新")
    page.get_by_role("button", name="搜索").click()
    page.get_by_label("杨新搬").check()
    page.get_by_label("安置点").select_option(label=f"甘溪镇 · {SITE}")
    page.get_by_label("搬迁入住日期").fill("2020-05-01")
    no_sideways_scroll(page)
    page.screenshot(path=os.path.join(artifacts_dir, "relocation_form_phone.png"), full_page=True)
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(f"{demo_site}/households/{household.pk}/")
    panel = page.locator("#relocation")
    assert SITE in panel.inner_text()
    assert "2020-05-01" in panel.inner_text()
    assert page.locator("#relocation-employment").inner_text() == "1人中已就业1人"
    no_sideways_scroll(page)
    panel.screenshot(path=os.path.join(artifacts_dir, "relocation_household_panel_phone.png"))

    panel.get_by_role("link", name="登记迁户办证").click()
    no_sideways_scroll(page)
    page.screenshot(path=os.path.join(artifacts_dir, "relocation_hukou_confirm_phone.png"))
    page.get_by_role("button", name="确认迁户办证").click()
    page.wait_for_url(f"{demo_site}/households/{household.pk}/")
    assert "已登记户编号 520627100200777 完成迁户办证。" in page.content()
    relocation = Relocation.objects.get(household=household)
    assert (relocation.site, relocation.hukou_transferred) == (site, True)
    assert phone_page.console_errors == []


def test_a_township_reviewer_adds_a_facility_and_moves_it_on_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    page = phone_page.page
    site = Site.objects.get(name=SITE)
    log_in(page, demo_site, "demo_township", DEMO_PASSWORD)

    page.goto(f"{demo_site}/relocation/sites/{site.pk}/")
    no_sideways_scroll(page)
    page.screenshot(
        path=os.path.join(artifacts_dir, "relocation_site_reviewer_phone.png"), full_page=True
    )
    page.get_by_role("button", name="新增设施").click()
    page.get_by_label("类别").select_option("clinic")
    page.get_by_label("名称").fill("太岭村卫生室")
    no_sideways_scroll(page)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{demo_site}/relocation/sites/{site.pk}/#services")
    assert "设施已登记。" in page.content()

    page.get_by_role("button", name="设施及其状态").click()
    row = page.locator("#facilities li", has_text="太岭村卫生室")
    row.get_by_role("combobox").select_option("in_use")
    row.get_by_role("button", name="变更状态").click()
    page.wait_for_url(f"{demo_site}/relocation/sites/{site.pk}/facilities/")
    assert "太岭村卫生室：使用中" in page.content()
    no_sideways_scroll(page)
    page.screenshot(
        path=os.path.join(artifacts_dir, "relocation_facilities_phone.png"), full_page=True
    )
    assert Facility.objects.get(name="太岭村卫生室").status == "in_use"
    assert phone_page.console_errors == []
