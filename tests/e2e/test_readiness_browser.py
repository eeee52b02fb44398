"""The readiness page in the browser: a year nobody computed says so, and the button computes
it as a job (inline here: the tests have no broker), after which the page reads the figures."""

from __future__ import annotations

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


def test_a_missing_year_is_said_and_computed_by_the_button(demo_site, desktop_page, artifacts_dir):
    page = desktop_page.page
    log_in(page, demo_site, "demo_county", DEMO_PASSWORD)

    page.goto(f"{demo_site}/supervision/readiness/520627000000/?period=2019")
    notice = page.locator("#readiness-missing").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "readiness_missing.png"), full_page=True)

    assert "4 项指标尚未计算" in notice
    assert page.locator("main table tbody tr").count() == 4
    assert "尚有指标未计算" in page.locator("main").inner_text()

    page.get_by_role("button", name="计算缺少的指标").click()
    page.wait_for_url(f"{demo_site}/supervision/readiness/520627000000/?period=2019")
    text = page.locator("main").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "readiness_computed.png"), full_page=True)

    assert page.locator("#readiness-missing").count() == 0
    assert "正在计算指标" in text and "指标计算于" in text
    assert desktop_page.console_errors == []
