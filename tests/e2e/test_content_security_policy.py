"""The pages work under the Content Security Policy: Chromium reports each violation as a
console error, so a page that needs an inline script or style fails here."""

import os

import pytest
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def test_login_and_home_page_run_without_a_policy_violation(demo_site, desktop_page):
    page = desktop_page.page

    response = page.goto(f"{demo_site}/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    log_in(page, demo_site, "demo_county", DEMO_PASSWORD)

    assert page.locator("h1").inner_text() == "我的任务"
    assert desktop_page.console_errors == []


def test_api_docs_run_without_a_policy_violation(demo_site, desktop_page, artifacts_dir):
    page = desktop_page.page
    log_in(page, demo_site, "demo_city", DEMO_PASSWORD)

    response = page.goto(f"{demo_site}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.locator(".opblock-summary-path", has_text="/api/v1/regions/").first.click()
    page.wait_for_selector(".opblock-body")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "铜仁扶贫 API" in page.locator(".swagger-ui .info .title").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "api_docs_csp.png"))
    assert desktop_page.console_errors == []
