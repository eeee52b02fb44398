import os
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD
from regions.models import Region
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def test_demo_cadre_logs_in_on_a_phone_and_sees_the_village(demo_site, phone_page, artifacts_dir):
    page = phone_page.page

    page.goto(f"{demo_site}/login/")
    assert page.locator("h1").inner_text() == "登录"
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)

    village = Region.objects.get(code="520627100200")
    assert page.locator("h1").inner_text() == "我的任务"
    assert page.get_by_role("heading", name="我的管辖范围", exact=True).count() == 1
    assert village.name in page.locator(".region-facts h2").inner_text()
    assert page.locator(".breadcrumb").inner_text().startswith("铜仁市")
    # Usable at 360 px: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=os.path.join(artifacts_dir, "demo_cadre_home_360.png"), full_page=True)
    assert phone_page.external_requests(urlsplit(demo_site).hostname) == []
    assert phone_page.console_errors == []


def test_county_supervisor_browses_down_to_a_village(demo_site, desktop_page, artifacts_dir):
    page = desktop_page.page
    log_in(page, demo_site, "demo_county", DEMO_PASSWORD)

    page.get_by_role("link", name="甘溪镇").click()
    page.wait_for_url(f"{demo_site}/regions/520627100000/")
    first_village = Region.objects.filter(parent_id="520627100000").order_by("code").first()
    page.locator("#child-regions").get_by_text(first_village.name, exact=True).click()

    page.wait_for_url(f"{demo_site}/regions/{first_village.code}/")
    assert first_village.name in page.locator(".region-facts h2").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "demo_county_village.png"))
    assert desktop_page.console_errors == []


def test_api_docs_render_with_no_request_leaving_the_machine(
    demo_site, desktop_page, artifacts_dir
):
    page = desktop_page.page
    log_in(page, demo_site, "demo_city", DEMO_PASSWORD)

    page.goto(f"{demo_site}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")

    assert "铜仁扶贫 API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/regions/").count() >= 2
    page.screenshot(path=os.path.join(artifacts_dir, "api_docs.png"))
    assert desktop_page.external_requests(urlsplit(demo_site).hostname) == []
