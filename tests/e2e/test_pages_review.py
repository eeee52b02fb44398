"""Pages as the supervisors and the API client see them on a desktop."""

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


def test_the_whole_menu_is_visible_on_a_desktop(demo_site, desktop_page, artifacts_dir):
    page = desktop_page.page
    log_in(page, demo_site, "demo_county", DEMO_PASSWORD)

    links = page.locator(".app-menu a")
    labels = links.all_inner_texts()
    boxes = [links.nth(index).bounding_box() for index in range(links.count())]
    page.screenshot(path=os.path.join(artifacts_dir, "desktop_menu_county.png"))

    assert "导入导出" in labels and "接口文档" in labels
    hidden = [
        label for label, box in zip(labels, boxes, strict=True) if box["x"] + box["width"] > 1280
    ]
    assert hidden == []


def test_the_api_docs_lead_back_to_the_application(demo_site, desktop_page, artifacts_dir):
    page = desktop_page.page
    log_in(page, demo_site, "demo_api", DEMO_PASSWORD)

    page.goto(f"{demo_site}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.screenshot(path=os.path.join(artifacts_dir, "api_docs_back_link.png"))
    page.get_by_role("link", name="← 返回铜仁扶贫").click()

    page.wait_for_url(f"{demo_site}/")
    assert page.locator("h1").inner_text() == "我的管辖范围"
    assert desktop_page.console_errors == []


def test_the_dashboard_tables_show_every_column_on_a_desktop(
    demo_site, desktop_page, artifacts_dir
):
    page = desktop_page.page
    log_in(page, demo_site, "demo_city", DEMO_PASSWORD)

    page.goto(f"{demo_site}/supervision/")
    page.wait_for_selector(".chart-table table")
    hidden = page.evaluate(
        "[...document.querySelectorAll('.chart-table')].map(e => e.scrollWidth - e.clientWidth)"
    )
    page.screenshot(path=os.path.join(artifacts_dir, "dashboard_city_1280.png"), full_page=True)

    assert len(hidden) == 4
    assert hidden == [0, 0, 0, 0]
