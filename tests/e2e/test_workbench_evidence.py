"""The cadre's evidence on a phone (360 × 740): a visit with two photos and 五个一致 in taps, a
problem reported by hand from the visit, and the county reviewing an exit with the photos."""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from demo.logins import DEMO_PASSWORD
from exits import services as exit_services
from households.models import PovertyLine
from inspections import services
from inspections.models import ConsistencyItem, Photo, Problem, Visit
from tests.e2e.conftest import log_in
from tests.exits.helpers import ready_for_exit
from tests.households.factories import household_with_head
from tests.inspections.helpers import ALL_ADEQUATE, agreeing
from tests.inspections.test_evidence import jpeg_with_gps

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tongren_regions, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def photo_file(folder, name: str, colour: tuple[int, int, int]) -> str:
    path = os.path.join(folder, name)
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return path


def loaded_images(page, selector: str) -> int:
    return page.evaluate(
        f"Array.from(document.querySelectorAll({selector!r}))"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )


def small_tap_targets(page) -> list[str]:
    """Visible taps, buttons and photo inputs lower than 44 px."""
    return page.evaluate(
        """Array.from(document.querySelectorAll('.tap, button, input[type=file], .photo-grid a'))
        .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))"""
    )


def test_cadre_records_a_visit_with_photos_and_taps_then_reports_a_problem(
    site, phone_page, artifacts_dir, tmp_path
):
    household = household_with_head()
    page = phone_page.page
    log_in(page, site, "demo_cadre", DEMO_PASSWORD)

    page.goto(f"{site}/households/{household.pk}/visit/")
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
    assert rows.count() == 7
    # 家庭人口: three sources are one tap each, 嘴上说的 differs and says its number.
    size = rows.nth(0)
    for source in ("墙上挂的", "袋里装的", "客观有的"):
        size.get_by_role("group", name=source).get_by_label("一致", exact=True).check()
    size.get_by_role("group", name="嘴上说的").get_by_label("不一致", exact=True).check()
    page.locator("#id_check-family_size__spoken").fill("3")
    # Every other item: one tap for all four sources.
    for index in range(1, 7):
        rows.nth(index).get_by_label("全部一致").check()
    assert page.locator("#id_check-status__wall").is_visible() is False  # no value asked
    progress = page.locator("#visit-progress").inner_text()
    assert "五个看 5/5" in progress and "五个一致 7/7" in progress
    assert small_tap_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(
        path=os.path.join(artifacts_dir, "workbench_visit_form_360.png"), full_page=True
    )
    page.get_by_role("button", name="保存走访").click()

    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get(household=household)
    items = {i.field: i for i in ConsistencyItem.objects.filter(consistency__visit=visit)}
    assert [f for f, i in items.items() if i.mismatch] == ["family_size"]
    assert (items["family_size"].wall, items["family_size"].spoken) == ("1", "3")
    assert items["status"].observed == str(household.get_status_display())
    assert Photo.objects.filter(visit=visit).count() == 2
    main = page.locator("main").inner_text()
    assert "登记了 1 个问题" in main
    assert loaded_images(page, "main .photo-grid img") == 2
    page.screenshot(path=os.path.join(artifacts_dir, "workbench_visit_360.png"), full_page=True)

    page.get_by_role("button", name="登记问题").click()
    page.wait_for_url(f"{site}/households/{household.pk}/problems/new/?visit={visit.pk}")
    page.locator("#id_description").fill("户主反映低保金未到账")
    page.set_input_files("#id_photos", [photo_file(tmp_path, "bankbook.jpg", (90, 160, 90))])
    assert small_tap_targets(page) == []
    page.get_by_role("button", name="登记这个问题").click()

    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    problem = Problem.objects.get(household=household, source="visit")
    assert (problem.visit, problem.description) == (visit, "户主反映低保金未到账")
    assert "问题已登记。" in page.locator("main").inner_text()
    assert loaded_images(page, "main .photo-grid img") == 1
    page.screenshot(path=os.path.join(artifacts_dir, "workbench_problem_360.png"), full_page=True)
    page.goto(f"{site}/visits/{visit.pk}/")
    assert "登记了 2 个问题" in page.locator("main").inner_text()
    page.locator(f"a[href='/problems/{problem.pk}/']").click()
    page.wait_for_url(f"{site}/problems/{problem.pk}/")
    assert phone_page.console_errors == []
    assert phone_page.external_requests("localhost") == []


def test_county_sees_the_photos_of_the_visit_the_exit_review_relies_on(
    site, phone_page, artifacts_dir
):
    PovertyLine.objects.get_or_create(
        year=2020, kind="national", defaults={"amount": Decimal("4000")}
    )
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    household = ready_for_exit(users["demo_team"])
    application = exit_services.exit_propose(
        actor=users["demo_cadre"],
        household=household,
        year=2020,
        proposed_on=datetime.date(2020, 10, 10),
        attendees=11,
        agreeing=10,
        appraisal_result="同意",
    )
    services.visit_record(
        actor=users["demo_team"],
        household=household,
        data={"date": datetime.date(2020, 10, 12), "kind": "verification"},
        five_looks=ALL_ADEQUATE,
        consistency=agreeing(household),
        photos=[jpeg_with_gps("door.jpg"), jpeg_with_gps("kitchen.jpg")],
    )
    page = phone_page.page

    log_in(page, site, "demo_county", DEMO_PASSWORD)
    page.goto(f"{site}/exits/{application.pk}/")

    section = page.locator("#evidence-photos")
    assert section.locator("img").count() == 2
    assert loaded_images(page, "#evidence-photos img") == 2
    section.scroll_into_view_if_needed()
    page.screenshot(
        path=os.path.join(artifacts_dir, "workbench_exit_review_360.png"), full_page=True
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.console_errors == []
