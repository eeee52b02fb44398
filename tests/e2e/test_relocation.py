"""A village cadre opens the zero-employment list and the site page on a phone."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from relocation.models import Site
from relocation.selectors import zero_employment_households
from tests.e2e.conftest import log_in
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.factories import WORKING
from tongren_fupin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    for _ in range(4):
        household = HouseholdFactory(region_id="520627100200")
        MemberFactory(household=household, relation="01", **WORKING)
    call_command("load_demo_relocation", "--allow", verbosity=0)
    return live_server.url


def test_a_cadre_finds_the_zero_employment_household_and_its_site_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    page = phone_page.page
    zero = zero_employment_households().get()
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)

    page.get_by_role("link", name="零就业家庭").first.click()
    page.wait_for_url(f"{demo_site}/relocation/zero-employment/")
    assert page.locator("#zero-count").inner_text() == "共 1 户"
    assert zero.household_no in page.locator("#zero-employment").inner_text()
    page.screenshot(
        path=os.path.join(artifacts_dir, "relocation_zero_employment_phone.png"), full_page=True
    )

    site = Site.objects.get(name="太岭村中心村安置点")
    page.goto(f"{demo_site}/relocation/sites/{site.pk}/")
    for heading in ("基本公共服务", "培训和就业服务", "文化服务", "社区治理", "基层党建"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("#employment-rate").inner_text() == "75.0%"
    # Nothing is wider than the phone: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=os.path.join(artifacts_dir, "relocation_site_phone.png"), full_page=True)

    page.get_by_role("link", name="1户零就业家庭").click()
    page.wait_for_url(f"{demo_site}/relocation/zero-employment/?site={site.pk}")
    assert zero.household_no in page.locator("#zero-employment").inner_text()
    assert phone_page.console_errors == []
    assert phone_page.external_requests("localhost") == []
