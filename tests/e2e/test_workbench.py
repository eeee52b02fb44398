"""The cadre's and the township's flows on a phone (360 × 740): 我的任务, an overdue problem, its
household and timeline; every page of both flows passes axe-core (no serious or critical
violation) and every tap target is at least 44 px."""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from demo.cases import VILLAGE, generate_demo_cases
from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from exits.models import ExitApplication
from households.models import Household
from inspections import services
from inspections.models import CheckedField, ConsistencyItem, Photo, Problem, Visit
from monitoring.models import MonitoringCase
from tests.e2e.conftest import log_in
from tests.inspections.helpers import ALL_ADEQUATE, agreeing
from tests.inspections.test_evidence import jpeg_with_gps

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
def demo_site(tongren_regions, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)
    generate_demo_cases()
    return live_server.url


def photo_file(folder: Path, name: str, colour: tuple[int, int, int]) -> str:
    path = os.path.join(folder, name)
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return path


def loaded_images(page: Any, selector: str) -> int:
    """How many of the images found by ``selector`` the browser loaded and decoded (thumbnails
    are lazy: each is asked for now, and an image that fails to load does not count)."""
    return page.evaluate(
        """async (selector) => {
          const images = Array.from(document.querySelectorAll(selector));
          images.forEach(img => { img.loading = 'eager'; });
          await Promise.all(images.map(img => img.decode().catch(() => null)));
          return images.filter(img => img.complete && img.naturalWidth > 0).length;
        }""",
        selector,
    )


def small_tap_targets(page: Any) -> list[str]:
    """Visible taps, buttons and photo inputs lower than 44 px."""
    return page.evaluate(
        """Array.from(document.querySelectorAll('.tap, button, input[type=file], .photo-grid a'))
        .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))"""
    )


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


def _audit(
    page: Any, url: str, prepare: Callable[[Any], None] | None = None
) -> tuple[list[str], list[str]]:
    response = page.goto(url)
    if response.status != 200:  # an error page is no page of the flow
        return [f"HTTP {response.status}"], []
    page.wait_for_load_state("load")
    if prepare is not None:
        prepare(page)
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


def test_the_cadre_works_from_my_tasks_to_a_visit_with_photos_and_the_county_sees_them(
    demo_site, phone_page, artifacts_dir, tmp_path
):
    """Acceptance 1 of the workbench, on one phone: 我的任务 → an overdue problem → its household
    and timeline → a visit with two photos and 五个一致 in taps → a problem by hand → both on the
    timeline; then the county's exit review shows the visit's photos."""
    page = phone_page.page
    overdue = Problem.objects.get(household__region_id=VILLAGE, description="危房改造未验收")
    household = overdue.household
    application = ExitApplication.objects.filter(household=household).latest("pk")
    size = household.members.count()
    mine = Problem.objects.filter(
        responsible__username="demo_cadre", state__in=["open", "rectifying"]
    ).count()
    shot = functools.partial(_screenshot, page, artifacts_dir)

    # 我的任务, with its counts.
    log_in(page, demo_site, "demo_cadre", DEMO_PASSWORD)
    shot("workbench_home_360.png")
    assert page.locator("h1").inner_text() == "我的任务"
    assert page.locator("#tasks-my_problems h2 .tag").inner_text() == str(mine)
    assert mine >= 2
    assert "张秀英" in page.locator("hgroup p").inner_text()

    # The overdue problem, then its household and the timeline.
    page.locator(f"#tasks-my_problems a[href='/problems/{overdue.pk}/']").click()
    page.wait_for_url(f"**/problems/{overdue.pk}/")
    problem_page = page.locator("main").inner_text()
    assert "逾期" in problem_page and "张秀英 · 村干部（帮扶责任人）" in problem_page
    page.locator(f"main a[href='/households/{household.pk}/']").first.click()
    page.wait_for_url(f"{demo_site}/households/{household.pk}/")
    page.locator("#timeline").scroll_into_view_if_needed()
    assert page.locator("#timeline-events > li").count() >= 5
    assert page.locator(f"#event-problem-{overdue.pk}").count() == 1
    page.locator("#timeline").screenshot(
        path=os.path.join(artifacts_dir, "workbench_timeline_360.png")
    )

    # A visit: the five looks, two photos, and 五个一致 where one source differs.
    page.locator(f"main a[href='/households/{household.pk}/visit/']").first.click()
    page.wait_for_url(f"{demo_site}/households/{household.pk}/visit/")
    for look in ("屋里摆的", "身上穿的", "柜里放的", "床上铺的", "锅里煮的"):
        page.get_by_role("group", name=look).get_by_label("是").check()
    page.set_input_files(
        "#id_photos",
        [
            photo_file(tmp_path, "house.jpg", (200, 80, 40)),
            photo_file(tmp_path, "pot.jpg", (40, 90, 200)),
        ],
    )
    rows = page.locator("[data-check-row]")
    assert rows.count() == len(CheckedField)
    # 家庭人口: three sources are one tap each, 嘴上说的 differs and says its number.
    family = rows.nth(0)
    for source in ("墙上挂的", "袋里装的", "客观有的"):
        family.get_by_role("group", name=source).get_by_label("一致", exact=True).check()
    family.get_by_role("group", name="嘴上说的").get_by_label("不一致", exact=True).check()
    page.locator("#id_check-family_size__spoken").fill(str(size + 1))
    # Every other item: one tap for its four sources.
    for index in range(1, len(CheckedField)):
        rows.nth(index).get_by_label("全部一致").check()
    assert page.locator("#id_check-status__wall").is_visible() is False  # no value asked
    progress = page.locator("#visit-progress").inner_text()
    assert (
        "五个看 5/5" in progress and f"五个一致 {len(CheckedField)}/{len(CheckedField)}" in progress
    )
    assert small_tap_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot("workbench_visit_form_360.png")
    page.get_by_role("button", name="保存走访").click()

    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.filter(household=household).latest("pk")
    items = {i.field: i for i in ConsistencyItem.objects.filter(consistency__visit=visit)}
    assert [f for f, i in items.items() if i.mismatch] == ["family_size"]
    assert (items["family_size"].wall, items["family_size"].spoken) == (str(size), str(size + 1))
    assert items["status"].observed == str(household.get_status_display())
    assert Photo.objects.filter(visit=visit).count() == 2
    assert "登记了 1 个问题" in page.locator("main").inner_text()
    assert loaded_images(page, "main .photo-grid img") == 2
    shot("workbench_visit_360.png")

    # A problem by hand, from the visit, with a photo.
    page.get_by_role("button", name="登记问题").click()
    page.wait_for_url(f"{demo_site}/households/{household.pk}/problems/new/?visit={visit.pk}")
    page.locator("#id_description").fill("户主反映低保金未到账")
    page.set_input_files("#id_photos", [photo_file(tmp_path, "bankbook.jpg", (90, 160, 90))])
    assert small_tap_targets(page) == []
    shot("workbench_problem_report_360.png")
    page.get_by_role("button", name="登记这个问题").click()

    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    reported = Problem.objects.get(household=household, description="户主反映低保金未到账")
    assert (reported.visit, reported.source) == (visit, "visit")
    assert "问题已登记。" in page.locator("main").inner_text()
    assert loaded_images(page, "main .photo-grid img") == 1
    shot("workbench_problem_360.png")
    page.goto(f"{demo_site}/visits/{visit.pk}/")
    assert "登记了 2 个问题" in page.locator("main").inner_text()

    # Both on the household's timeline: the visit with its photos, and the new problem.
    page.locator(f"main a[href='/households/{household.pk}/']").first.click()
    page.wait_for_url(f"{demo_site}/households/{household.pk}/")
    visit_event = page.locator(f"#event-visit-{visit.pk}")
    visit_event.scroll_into_view_if_needed()
    assert loaded_images(page, f"#event-visit-{visit.pk} .photo-grid img") == 2
    assert visit_event.locator(f"a[href='/visits/{visit.pk}/']").count() == 1
    # Two thumbnails side by side in the event's indent.
    tops = visit_event.locator(".photo-grid img").evaluate_all(
        "images => images.map(img => Math.round(img.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1
    assert "户主反映低保金未到账" in page.locator(f"#event-problem-{reported.pk}").inner_text()
    page.locator("#timeline").screenshot(
        path=os.path.join(artifacts_dir, "workbench_timeline_after_visit_360.png")
    )
    assert phone_page.console_errors == []

    # The county's exit review relies on that visit and shows its photos.
    page.context.clear_cookies()
    log_in(page, demo_site, "demo_county", DEMO_PASSWORD)
    page.goto(f"{demo_site}/exits/{application.pk}/")
    section = page.locator("#evidence-photos")
    assert section.locator("img").count() == 2
    assert loaded_images(page, "#evidence-photos img") == 2
    section.scroll_into_view_if_needed()
    shot("workbench_exit_review_360.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.console_errors == []
    assert phone_page.external_requests("localhost") == []


def _screenshot(page: Any, folder: str, name: str) -> None:
    page.screenshot(path=os.path.join(folder, name), full_page=True)


def _visit_and_problem_with_photos(household: Household) -> tuple[Visit, Problem]:
    """Part B's pages with what they can show: a visit and a problem reported from it, each with
    photos (thumbnails are links, and links are tap targets)."""
    cadre = get_user_model().objects.get(username="demo_cadre")
    visit = services.visit_record(
        actor=cadre,
        household=household,
        data={"date": timezone.localdate(), "kind": "verification"},
        five_looks=ALL_ADEQUATE,
        consistency=agreeing(household),
        photos=[jpeg_with_gps("door.jpg"), jpeg_with_gps("kitchen.jpg")],
    )
    problem = services.problem_open(
        actor=cadre,
        household=household,
        visit=visit,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "公益岗位工资未发放",
            "deadline": timezone.localdate() + datetime.timedelta(days=10),
            "responsible": cadre,
        },
        photos=[jpeg_with_gps("payslip.jpg")],
    )
    return visit, problem


def _tap_a_difference(page: Any) -> None:
    """The visit form with a differing source open: its value field is measured as well."""
    page.locator("[data-check-row]").nth(0).get_by_role("group", name="嘴上说的").get_by_label(
        "不一致", exact=True
    ).check()


def test_every_page_of_the_cadre_and_the_township_passes_axe_with_44_px_targets(
    demo_site, axe_phone, artifacts_dir
):
    household = Problem.objects.filter(household__region_id=VILLAGE).first().household
    visit, problem = _visit_and_problem_with_photos(household)
    application = ExitApplication.objects.filter(household__region_id=VILLAGE).first()
    case = MonitoringCase.objects.filter(household__region_id=VILLAGE).first()
    # Both flows read these; the capture pages (the visit form, a problem by hand) are the
    # cadre's own.
    details = [
        f"/households/{household.pk}/",
        f"/households/{household.pk}/timeline/",
        f"/visits/{visit.pk}/",
        f"/problems/{problem.pk}/",
        f"/exits/{application.pk}/",
        f"/monitoring/{case.pk}/",
        "/problems/?mine=1",
        "/notifications/",
    ]
    capture = [
        f"/households/{household.pk}/visit/",
        f"/households/{household.pk}/problems/new/",
        f"/households/{household.pk}/problems/new/?visit={visit.pk}",
    ]
    found: dict[str, tuple[list[str], list[str]]] = {}
    for login in ("demo_cadre", "demo_township"):
        axe_phone.context.clear_cookies()
        log_in(axe_phone, demo_site, login, DEMO_PASSWORD)
        urls = [f"{demo_site}/", *_menu(axe_phone, demo_site)]
        urls += [f"{demo_site}{path}" for path in details]
        if login == "demo_cadre":
            urls += [f"{demo_site}{path}" for path in capture]
            tapped = _audit(axe_phone, f"{demo_site}{capture[0]}", prepare=_tap_a_difference)
            if tapped != ([], []):
                found[f"{login} {capture[0]} (a source differs)"] = tapped
        found |= {f"{login} {url}": result for url, result in _audit_all(axe_phone, urls).items()}

    axe_phone.screenshot(path=os.path.join(artifacts_dir, "workbench_axe_last_page_360.png"))
    with open(os.path.join(artifacts_dir, "workbench_axe_report.json"), "w") as report:
        json.dump(found, report, ensure_ascii=False, indent=1)
    assert found == {}
