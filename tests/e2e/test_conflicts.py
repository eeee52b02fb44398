"""Acceptance 2 on the pages: the work team changes a member's work status online while the
cadre's phone, offline, changed the same field and the household's phone; after the sync the
phone number is applied, the work status waits in 数据冲突, and the township reviewer settles it
on a desktop browser. The history shows every step; nothing was overwritten silently."""

import datetime
import os
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from demo.logins import DEMO_PASSWORD
from demo.register import generate_register
from fieldsync import services
from households import services as register
from households.models import Household, Member
from tests.e2e.conftest import log_in
from tests.e2e.test_workbench import AXE, _audit

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(browser):
    """A 360 px phone page on which axe-core may be injected (as in test_workbench)."""
    assert AXE.exists(), f"axe-core is not installed at {AXE} (npm ci)"
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


@pytest.fixture
def register_site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.001)
    return live_server.url


def test_the_township_reviewer_settles_a_field_changed_offline_and_online(
    register_site, desktop_page, artifacts_dir
):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    household = Household.objects.filter(region_id="520627100200").order_by("household_no")[0]
    member = Member.objects.filter(household=household).order_by("pk").last()
    old = member.work_status
    online, offline = (
        ("in_province", "out_of_province")
        if old != "in_province"
        else (
            "in_county",
            "out_of_province",
        )
    )
    phone_before = household.phone
    # the cadre's phone read the household, then the team changed the work status online
    register.member_update(
        actor=users["demo_team"],
        member=member,
        expected_version=household.version,
        data={"work_status": online, "work_months": member.work_months or 6},
    )
    api = APIClient()
    api.force_authenticate(users["demo_cadre"])
    synced = api.post(
        "/api/v1/sync/",
        {
            "client_token": str(uuid.uuid4()),
            "kind": "household_update",
            "recorded_at": "2026-12-01T10:30:00+08:00",
            "household": household.pk,
            "changes": [
                {"target": "member", "id": member.pk, "field": "work_status", "base": old,
                 "value": offline},
                {"target": "household", "field": "phone", "base": phone_before,
                 "value": "13912345678"},
            ],
        },
        format="json",
    )  # fmt: skip
    assert synced.status_code == 201, synced.json()
    assert synced.json()["status"] == "applied_with_conflicts"

    offline_label = dict(Member._meta.get_field("work_status").flatchoices)[offline]
    page = desktop_page.page
    log_in(page, register_site, "demo_township", DEMO_PASSWORD)
    page.get_by_role("link", name="数据冲突", exact=True).first.click()
    page.wait_for_url(f"{register_site}/conflicts/")
    page.screenshot(path=os.path.join(artifacts_dir, "conflict_list.png"), full_page=True)
    listing = page.locator("main").inner_text()
    assert household.household_no in listing and "务工状况" in listing
    page.get_by_role("link", name="处理", exact=True).first.click()
    page.get_by_label(f"采用离线记录的值：{offline_label}").check()
    page.get_by_label("我已与农户核实：以此值为准").check()
    page.screenshot(path=os.path.join(artifacts_dir, "conflict_resolve.png"), full_page=True)
    page.get_by_role("button", name="处理冲突").click()

    assert "冲突已处理。" in page.locator("main").inner_text()
    member.refresh_from_db()
    household.refresh_from_db()
    assert (member.work_status, household.phone) == (offline, "13912345678")
    page.goto(f"{register_site}/households/{household.pk}/#history")
    history = page.locator("#history").inner_text()
    for step in ("离线记录", "数据冲突：", "数据冲突已处理"):
        assert step in history, step
    page.locator("#history").screenshot(path=os.path.join(artifacts_dir, "conflict_history.png"))
    assert desktop_page.console_errors == []


def test_the_conflict_pages_pass_axe_with_44_px_targets_on_a_phone(
    register_site, axe_page, artifacts_dir
):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    household = Household.objects.filter(region_id="520627100200").order_by("household_no")[1]
    conflict = work_status_conflict_of(household, users)
    api = APIClient()
    api.force_authenticate(users["demo_cadre"])
    visit = api.post(
        "/api/v1/sync/",
        {
            "client_token": str(uuid.uuid4()),
            "kind": "visit",
            "recorded_at": "2026-12-01T10:30:00+08:00",
            "household": household.pk,
            "visit": {"date": "2026-12-01", "kind": "routine"},
            "seen": {"family_size": "9"},
        },
        format="json",
    ).json()["visit"]
    log_in(axe_page, register_site, "demo_township", DEMO_PASSWORD)

    found = {}
    for name, path in (
        ("conflict_list_360.png", "/conflicts/"),
        ("conflict_detail_360.png", f"/conflicts/{conflict.pk}/"),
        ("conflict_household_360.png", f"/households/{household.pk}/"),
        ("conflict_visit_360.png", f"/visits/{visit}/"),
    ):
        result = _audit(axe_page, f"{register_site}{path}")
        if result != ([], []):
            found[path] = result
        axe_page.screenshot(path=os.path.join(artifacts_dir, name), full_page=True)
        assert axe_page.evaluate("document.documentElement.scrollWidth") <= 360, path

    assert found == {}
    assert "走访时系统值 9" in axe_page.locator("main").inner_text()


def work_status_conflict_of(household, users):
    member = Member.objects.filter(household=household).order_by("pk").last()
    old = member.work_status
    online = "in_province" if old != "in_province" else "in_county"
    register.member_update(
        actor=users["demo_team"],
        member=member,
        expected_version=household.version,
        data={"work_status": online, "work_months": member.work_months or 6},
    )
    sync = services.sync_household_update(
        actor=users["demo_cadre"],
        client_token=uuid.uuid4(),
        household=Household.objects.get(pk=household.pk),
        recorded_at=datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC),
        payload={},
        changes=[
            services.Change(
                target="member",
                field="work_status",
                base=old,
                value="out_of_province",
                member=member,
            )
        ],
    )
    return sync[0].conflicts.get()
