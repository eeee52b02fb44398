"""The city supervisor's dashboard renders its charts (ECharts, local), and the bulletin lists
沿河's overdue problems."""

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.cases import generate_demo_cases
from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from supervision import services
from supervision.models import ExitThreshold
from supervision.periods import month_period, parse_period
from supervision.reference import install_thresholds
from supervision.services import READINESS
from supervision.snapshot_requests import county_snapshots_store
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(tongren_regions, live_server):
    install_thresholds(ExitThreshold)  # reference data of migration 0002 (flushed between tests)
    call_command("load_demo", "--allow", verbosity=0)
    # What `make run` loads: the reference figures of assistance and relocation, then the demo.
    call_command(
        "loaddata",
        "fixtures/tongren_assistance/tongren_assistance.json",
        "fixtures/tongren_relocation/tongren_relocation.json",
        verbosity=0,
    )
    generate_register(scale=0.01)
    generate_demo_cases()
    # The figures `make run` stores (the dashboard reads stored figures only): the register's
    # years, then December 2020's dispatch with the year's figures.
    for year in range(2014, 2021):
        county_snapshots_store(period=parse_period(str(year)), codes=READINESS)
    services.monthly_dispatch_run(period=parse_period("2020-12"))
    today = timezone.localdate()
    services.monthly_dispatch_run(period=month_period(today.year, today.month))
    return live_server.url


def test_demo_city_sees_the_charts_and_the_bulletin_names_yanhe_overdue_problems(
    demo_site, desktop_page, artifacts_dir
):
    page = desktop_page.page
    log_in(page, demo_site, "demo_city", DEMO_PASSWORD)

    page.get_by_role("link", name="督查看板").click()
    page.wait_for_url(f"{demo_site}/supervision/")
    for chart in ("incidence", "funds", "employment", "problems"):
        page.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg", timeout=15000)
    page.screenshot(path=os.path.join(artifacts_dir, "supervision_dashboard.png"), full_page=True)

    assert page.locator(".chart canvas").count() == 4  # every chart drawn, none hidden
    assert page.locator(".no-figures").count() == 0
    assert "沿河土家族自治县" in page.locator("main").inner_text()
    assert desktop_page.console_errors == []
    assert desktop_page.external_requests("localhost") == []

    page.get_by_role("link", name="沿河土家族自治县退出条件").click()
    page.wait_for_url(f"{demo_site}/supervision/readiness/520627000000/")
    rows = page.locator("main table tbody tr")
    page.screenshot(path=os.path.join(artifacts_dir, "supervision_readiness.png"), full_page=True)

    assert rows.count() == 4
    assert "贫困发生率" in rows.nth(0).inner_text() and "低于 3.0%" in rows.nth(0).inner_text()

    page.get_by_role("link", name="调度、通报与分析").first.click()
    page.get_by_role("link", name="月度通报").first.click()
    overdue = page.locator("#overdue-problems").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "supervision_bulletin.png"), full_page=True)

    assert "沿河土家族自治县" in overdue
    assert "危房改造未验收" in overdue and "家庭医生签约未更新" in overdue
    assert "公益岗位工资未发放" not in overdue  # verified and closed
    assert desktop_page.console_errors == []
