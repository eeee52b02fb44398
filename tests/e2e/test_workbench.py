"""The cadre's and the township's flows on a phone (360 × 740): 我的任务, an overdue problem, its
household and timeline; every page of both flows passes axe-core (no serious or critical
violation) and every tap target is at least 44 px."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from demo.cases import VILLAGE, generate_demo_cases
from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from exits.models import ExitApplication
from inspections.models import Problem
from monitoring.models import MonitoringCase
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MIN_TAP = 44

# Every visible control and link, each measured by its box (a check box or radio by its label:
# the label is what a finger hits). Elements scrolled inside a menu or a table count as well.
TAP_TARGETS = """
(min) => {
  const small = [];
  const seen = new Set();
  for (const el of document.querySelectorAll(
      'a[href], button, select, textarea, summary, input:not([type=hidden])')) {
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
    if (seen.has(target)) continue;
    seen.add(target);
    const style = getComputedStyle(target);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = target.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden
    if (box.height < min || box.width < min) {
      const text = (target.innerText || target.value || target.name || '').trim().slice(0, 30);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${target.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return small;
}
"""

AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => {
      const where = v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ');
      return `${v.id} (${v.impact}): ${where}`;
    });
}
"""


@pytest.fixture
def demo_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)
    generate_demo_cases()
    return live_server.url


@pytest.fixture
def axe_phone(browser: Any):
    """A phone page on which axe-core (from node_modules, nothing from the internet) may be
    injected: the page's Content Security Policy allows no inline script, so this context
    bypasses it for the audit only."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE} (npm ci)")
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def _audit(page: Any, url: str) -> tuple[list[str], list[str]]:
    page.goto(url)
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN), page.evaluate(TAP_TARGETS, MIN_TAP)


def _menu(page: Any, site: str) -> list[str]:
    page.goto(f"{site}/")
    hrefs = page.eval_on_selector_all(
        ".app-menu a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [f"{site}{href}" for href in hrefs if href.startswith("/") and "/api/" not in href]


def _audit_all(page: Any, urls: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    found: dict[str, tuple[list[str], list[str]]] = {}
    for url in urls:
        violations, small = _audit(page, url)
        if violations or small:
            found[url] = (violations, small)
    return found


def test_the_cadre_works_from_my_tasks_to_the_timeline_on_a_phone(
    demo_site, phone_page, artifacts_dir
):
    page = phone_page.page
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)
    overdue = Problem.objects.get(household__region_id=VILLAGE, description="危房改造未验收")
    mine = Problem.objects.filter(
        responsible__username="demo_cadre", state__in=["open", "rectifying"]
    ).count()

    page.screenshot(path=os.path.join(artifacts_dir, "workbench_home_360.png"), full_page=True)
    assert page.locator("h1").inner_text() == "我的任务"
    assert page.locator("#tasks-my_problems h2 .tag").inner_text() == str(mine)
    assert mine >= 2
    assert "张秀英" in page.locator("hgroup p").inner_text()

    page.locator(f"#tasks-my_problems a[href='/problems/{overdue.pk}/']").click()
    page.wait_for_url(f"**/problems/{overdue.pk}/")
    problem_page = page.locator("main").inner_text()
    assert "逾期" in problem_page and "张秀英 · 村干部（帮扶责任人）" in problem_page
    page.locator(f"main a[href='/households/{overdue.household_id}/']").first.click()
    page.wait_for_url(f"{demo_site}/households/{overdue.household_id}/")
    page.locator("#timeline").scroll_into_view_if_needed()
    events = page.locator("#timeline-events > li")
    assert events.count() >= 5
    assert page.locator(f"#event-problem-{overdue.pk}").count() == 1
    page.locator("#timeline").screenshot(
        path=os.path.join(artifacts_dir, "workbench_timeline_360.png")
    )
    assert phone_page.console_errors == []


def test_every_page_of_the_cadre_and_the_township_passes_axe_with_44_px_targets(
    demo_site, axe_phone, artifacts_dir
):
    household_id = Problem.objects.filter(household__region_id=VILLAGE).values_list(
        "household_id", flat=True
    )[0]
    application = ExitApplication.objects.filter(household__region_id=VILLAGE).first()
    case = MonitoringCase.objects.filter(household__region_id=VILLAGE).first()
    details = [
        f"/households/{household_id}/",
        f"/households/{household_id}/timeline/",
        f"/households/{household_id}/visit/",
        f"/exits/{application.pk}/",
        f"/monitoring/{case.pk}/",
        "/problems/?mine=1",
        "/notifications/",
    ]
    found: dict[str, tuple[list[str], list[str]]] = {}
    for login in ("demo_cadre", "demo_township"):
        axe_phone.context.clear_cookies()
        log_in(axe_phone, demo_site, login, DEMO_PASSWORD)
        urls = [f"{demo_site}/", *_menu(axe_phone, demo_site)]
        urls += [
            f"{demo_site}{path}" for path in details if login == "demo_cadre" or "visit" not in path
        ]
        found |= {f"{login} {url}": result for url, result in _audit_all(axe_phone, urls).items()}

    axe_phone.screenshot(path=os.path.join(artifacts_dir, "workbench_axe_last_page_360.png"))
    with open(os.path.join(artifacts_dir, "workbench_axe_report.json"), "w") as report:
        json.dump(found, report, ensure_ascii=False, indent=1)
    assert found == {}
