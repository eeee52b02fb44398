"""Field work with no network, on a phone (360 × 740): the cadre downloads the offline pack,
the network goes, the app reloads from the service worker, two visits (one with a photo) and a
phone number are recorded into the queue, the network returns and the queue is sent twice — the
server holds each record once and the phone's queue is empty."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from demo.cases import VILLAGE, generate_demo_cases
from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from households.models import Household
from inspections.models import Photo, Visit
from tests.e2e.conftest import log_in
from tests.e2e.test_workbench import _audit, axe_phone  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NEW_PHONE = "13912345678"
OTHER_VILLAGE = "520602100200"  # demo_cadre_bijiang's village, outside demo_cadre's

WORKER_STATE = """() => navigator.serviceWorker.getRegistration().then(r => r
  ? {active: !!r.active, installing: !!r.installing, waiting: !!r.waiting, scope: r.scope}
  : 'none')"""
UPLOADED = "() => document.querySelectorAll('#queue-list [data-state=uploaded]').length === 3"
PHONE_DATA = """async () => ({
  database: (await indexedDB.databases()).some(d => d.name === 'tongren-offline'),
  pages: await caches.has('tongren-pages'),
})"""
QUEUE_ROWS = "() => TongrenOffline.db.queue.count()"
PAGE_KEPT = """async (path) => {
  const cache = await caches.open('tongren-pages');
  return !!(await cache.match(path));
}"""


@pytest.fixture
def demo_site(tongren_regions, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)
    generate_demo_cases()
    return live_server.url


def _shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def _until(page: Any, script: str, arg: Any = None, seconds: float = 20) -> None:
    """Waits until ``script`` (a function) is true; polled from here, as the page's policy
    forbids the evaluation of strings that ``wait_for_function`` relies on."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            state = page.evaluate(WORKER_STATE)
            raise AssertionError(f"still false after {seconds} s: {script} (worker: {state})")
        page.wait_for_timeout(200)


def _download_the_pack(page: Any, site: str) -> None:
    log_in(page, site, "demo_cadre", DEMO_PASSWORD)
    page.locator("header a[href='/offline/queue/']").wait_for()
    page.goto(f"{site}/offline/")
    _until(page, "() => navigator.serviceWorker.controller !== null")
    page.locator("#pack-download").click()
    page.locator("#pack-facts:not([hidden])").wait_for()
    for path in ("/offline/app/", "/offline/queue/"):
        _until(page, PAGE_KEPT, path)


def _open_form(page: Any, household: Household, action: str) -> None:
    page.locator("#offline-search").fill(household.household_no)
    page.locator(f'#offline-households a[href="#{action}/{household.pk}"]').click()


def test_two_visits_and_a_phone_number_recorded_offline_reach_the_server_once(
    demo_site, phone_page, tmp_path
):
    page = phone_page.page
    context = page.context
    cadre = get_user_model().objects.get(username="demo_cadre")
    first, second = Household.objects.filter(region_id=VILLAGE).order_by("household_no")[:2]
    visits_before = Visit.objects.filter(visitor=cadre).count()
    photo = os.path.join(tmp_path, "cupboard.jpg")
    Image.new("RGB", (800, 600), (180, 120, 60)).save(photo, "JPEG")

    # Online: the service worker installs, the pack is downloaded with its size and date.
    _download_the_pack(page, demo_site)
    facts = page.locator("#pack-facts").inner_text()
    assert "户" in facts and ("KB" in facts or "MB" in facts)
    in_pack = page.evaluate("TongrenOffline.db.households.count()")
    assert in_pack >= 2
    assert page.evaluate("(id) => TongrenOffline.household(id).then(h => !!h)", first.pk)
    _shot(page, "offline_1_pack_360.png")

    # No network: the app reloads from the service worker's cache.
    context.set_offline(True)
    page.goto(f"{demo_site}/offline/app/")
    page.reload()
    assert page.locator("h1").first.inner_text() == "离线记录"
    assert page.locator("#offline-households > li").count() >= 2
    _shot(page, "offline_2_app_offline_360.png", full_page=False)

    # A visit with its five looks (one photo) and an item of 五个一致 in one tap.
    _open_form(page, first, "visit")
    form = page.locator("#offline-visit-form")
    form.wait_for()
    assert "五个一致" in form.inner_text()
    form.locator('select[name="kind"]').select_option("routine")
    for look in ("furnishings", "clothing", "cupboard", "bedding", "pot"):
        form.locator(f'input[name="looks-{look}"][value="yes"]').check()
    form.locator('input[name="looks-cupboard_photos"]').set_input_files(photo)
    form.locator('input[name="check-family_size__all"]').check()
    system_size = form.locator('[data-system-for="family_size"]').inner_text()
    assert system_size == f"{first.members.count()} 人"  # a count with its unit
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "offline_3_visit_form_360.png", full_page=False)
    form.locator('[data-check-row="family_size"]').screenshot(
        path=str(SCREENSHOTS / "offline_3_visit_check_360.png")
    )
    form.locator("button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()

    # A second visit, with its note only.
    _open_form(page, second, "visit")
    form.locator('select[name="kind"]').select_option("routine")
    form.locator('textarea[name="note"]').fill("户主外出务工，与家属交谈。")
    form.locator("button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()

    # The phone number of the first household.
    _open_form(page, first, "update")
    update = page.locator("#offline-update-form")
    update.locator('input[name="update-phone"]').fill(NEW_PHONE)
    _shot(page, "offline_4_update_form_360.png")
    update.locator("button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()

    # 待上传 lists the three, oldest first; the header counts them.
    page.goto(f"{demo_site}/offline/queue/")
    page.locator("#queue-list > li").nth(2).wait_for()
    states = page.locator("#queue-list [data-state-label]").all_inner_texts()
    assert states == ["待上传"] * 3
    assert page.locator("[data-queue-count]").inner_text() == "3"
    titles = page.locator("#queue-list .record-title").all_inner_texts()
    assert titles[0].startswith("走访") and titles[2].startswith("户信息更新")
    assert Visit.objects.filter(visitor=cadre).count() == visits_before
    _shot(page, "offline_5_queue_offline_360.png")

    # The network returns: 同步, then again (and the online event's own run).
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#queue-sync").click()
    _until(page, UPLOADED)
    assert page.locator("[data-queue-count]").is_hidden()
    _shot(page, "offline_6_queue_uploaded_360.png")
    page.locator("#queue-sync").click()
    page.locator("#queue-empty:not([hidden])").wait_for()
    _shot(page, "offline_7_queue_empty_360.png")

    new_visits = Visit.objects.filter(visitor=cadre).order_by("pk")[visits_before:]
    assert len(new_visits) == 2
    assert {v.household_id for v in new_visits} == {first.pk, second.pk}
    photographed = next(v for v in new_visits if v.household_id == first.pk)
    assert Photo.objects.filter(visit=photographed, look="cupboard").count() == 1
    assert photographed.five_looks.cupboard is True
    first.refresh_from_db()
    assert first.phone == NEW_PHONE
    assert page.evaluate(QUEUE_ROWS) == 0
    assert page.locator("#queue-list > li").count() == 0

    # Logout takes the pack and the kept pages off the phone.
    assert page.evaluate(PHONE_DATA) == {"database": True, "pages": True}
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/**")
    assert page.evaluate(PHONE_DATA) == {"database": False, "pages": False}
    assert phone_page.external_requests("localhost") == []
    assert phone_page.console_errors == []


def test_a_record_refused_at_sync_stays_with_its_reason_until_corrected_or_discarded(
    demo_site, phone_page
):
    """The household moved out of the cadre's jurisdiction while the visit waited on the phone:
    the sync keeps it, refused, with the server's Chinese reason; 更正 reopens the form with
    what was typed; 放弃 asks first, then the record leaves the phone — and no visit exists."""
    page = phone_page.page
    cadre = get_user_model().objects.get(username="demo_cadre")
    household = Household.objects.filter(region_id=VILLAGE).order_by("household_no").first()
    visits_before = Visit.objects.filter(visitor=cadre).count()
    _download_the_pack(page, demo_site)

    page.context.set_offline(True)
    page.goto(f"{demo_site}/offline/app/")
    _open_form(page, household, "visit")
    form = page.locator("#offline-visit-form")
    form.locator('select[name="kind"]').select_option("routine")
    form.locator('textarea[name="note"]').fill("门前道路已硬化。")
    form.locator("button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()
    Household.objects.filter(pk=household.pk).update(region_id=OTHER_VILLAGE)

    page.context.set_offline(False)
    page.goto(f"{demo_site}/offline/queue/")
    page.locator("#queue-sync").click()
    page.locator('#queue-list [data-state="refused"]').wait_for()
    item = page.locator("#queue-list > li").first
    assert item.locator("[data-state-label]").inner_text() == "被拒绝"
    reason = item.locator(".queue-reason").inner_text()
    assert reason.startswith("农户：") and "管辖范围" in reason, reason
    assert page.locator("[data-queue-count]").inner_text() == "1"
    _shot(page, "offline_8_refused_360.png")

    # Another sync does not send it again: it waits for the cadre.
    page.locator("#queue-sync").click()
    page.locator("#queue-status.notice-success").wait_for()
    assert page.locator('#queue-list [data-state="refused"]').count() == 1

    # 更正: the form opens again with the note typed and the reason on top.
    item.get_by_role("button", name="更正").click()
    page.locator("#offline-visit-form").wait_for()
    assert form.locator('textarea[name="note"]').input_value() == "门前道路已硬化。"
    assert "管辖范围" in form.locator("[data-form-error]").inner_text()
    _shot(page, "offline_9_correct_360.png", full_page=False)

    # 放弃, after the confirmation.
    page.goto(f"{demo_site}/offline/queue/")
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("#queue-list").get_by_role("button", name="放弃").click()
    page.locator("#queue-empty:not([hidden])").wait_for()
    assert asked and "放弃" in asked[0]
    assert page.evaluate(QUEUE_ROWS) == 0
    assert Visit.objects.filter(visitor=cadre).count() == visits_before
    assert phone_page.external_requests("localhost") == []
    # The refusal's own 404 is the only error the browser reports.
    assert [e for e in phone_page.console_errors if "404" not in e] == []


def test_a_visit_whose_answer_was_lost_is_not_sent_again(demo_site, phone_page, tmp_path):
    """The server applied the visit but its answer never reached the phone (a timeout in the
    middle): the next syncs ask the server about the record's token before sending its photo
    again, and however often 同步 is tapped there is one visit with one photo."""
    page = phone_page.page
    cadre = get_user_model().objects.get(username="demo_cadre")
    household = Household.objects.filter(region_id=VILLAGE).order_by("household_no").first()
    visits_before = Visit.objects.filter(visitor=cadre).count()
    photo = os.path.join(tmp_path, "bedding.jpg")
    Image.new("RGB", (640, 480), (90, 140, 200)).save(photo, "JPEG")
    _download_the_pack(page, demo_site)

    page.context.set_offline(True)
    page.goto(f"{demo_site}/offline/app/")
    _open_form(page, household, "visit")
    form = page.locator("#offline-visit-form")
    form.locator('select[name="kind"]').select_option("routine")
    form.locator('input[name="photos"]').set_input_files(photo)
    form.locator("button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()

    sent: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        sent.append(route.request.method)
        if route.request.method == "POST" and sent.count("POST") == 1:
            route.fetch()  # the server applies it…
            route.abort("timedout")  # …and the phone hears nothing
        else:
            route.continue_()

    page.goto(f"{demo_site}/offline/queue/")
    page.context.route("**/api/v1/sync/**", lose_the_first_answer)
    # The network returns: the online event sends what waits; the answer is lost, the record
    # waits again (Background Sync, or the taps below, try again).
    page.context.set_offline(False)
    deadline = time.monotonic() + 20
    while Visit.objects.filter(visitor=cadre).count() == visits_before:
        assert time.monotonic() < deadline, "the first sync never reached the server"
        page.wait_for_timeout(200)
    assert sent[0] == "POST"

    for _ in range(4):
        page.locator("#queue-sync").click()
        page.locator("#queue-status.notice-success").wait_for()
    page.locator("#queue-empty:not([hidden])").wait_for()

    assert sent[:2] == ["POST", "GET"]  # asked before sending the photo again
    visits = Visit.objects.filter(visitor=cadre).order_by("pk")[visits_before:]
    assert len(visits) == 1
    assert Photo.objects.filter(visit=visits[0]).count() == 1
    assert page.evaluate(QUEUE_ROWS) == 0
    assert phone_page.external_requests("localhost") == []


def test_the_offline_pages_pass_axe_with_44_px_targets(demo_site, axe_phone):  # noqa: F811
    """离线包, the list, the three forms and 待上传 (with a record in it): no serious or critical
    axe-core violation, every tap target at least 44 px."""
    household = Household.objects.filter(region_id=VILLAGE).order_by("household_no").first()
    page = axe_phone
    _download_the_pack(page, demo_site)
    app = f"{demo_site}/offline/app/"
    views = {
        f"{demo_site}/offline/": "#pack-facts",
        app: "#offline-households > li",
        f"{app}#visit/{household.pk}": "#offline-visit-form",
        f"{app}#update/{household.pk}": "#offline-update-form",
        f"{app}#problem/{household.pk}": "#offline-problem-form",
    }
    found = {}
    for url, shown in views.items():
        page.goto("about:blank")  # a full load, not a move within the page (#…)
        result = _audit(page, url, prepare=lambda p, s=shown: p.locator(s).first.wait_for())
        if result != ([], []):
            found[url] = result
    page.goto(f"{app}#problem/{household.pk}")
    page.locator('textarea[name="problem-description"]').fill("厨房漏雨。")
    page.locator("#offline-problem-form button[type=submit]").click()
    page.locator("#offline-saved:not([hidden])").wait_for()
    queue = f"{demo_site}/offline/queue/"
    page.goto("about:blank")
    result = _audit(page, queue, prepare=lambda p: p.locator("#queue-list > li").wait_for())
    if result != ([], []):
        found[queue] = result

    assert found == {}
