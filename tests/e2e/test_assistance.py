"""The county supervisor of 沿河 opens the 9+2 view and records funds on a project."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.core.management import call_command

from assistance.models import FundFlow, JobPlacement, Project
from demo.logins import DEMO_PASSWORD
from tests.assistance.conftest import ASSISTANCE_FIXTURE
from tests.e2e.conftest import log_in
from tests.households.factories import MemberFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    call_command("loaddata", ASSISTANCE_FIXTURE, verbosity=0)
    return live_server.url


def record_flow(page, kind: str, amount: str) -> None:
    page.get_by_role("button", name="录入资金").click()
    page.locator("#id_kind").select_option(label=kind)
    page.locator("#id_amount").fill(amount)
    page.locator("#id_date").fill("2020-10-15")
    page.get_by_role("button", name="保存").click()


def test_county_supervisor_opens_the_nine_plus_two_view_and_records_a_disbursement(
    site, desktop_page, artifacts_dir
):
    page = desktop_page.page
    log_in(page, site, "demo_county", DEMO_PASSWORD)
    page.get_by_role("link", name="“9+2”帮扶").first.click()
    page.wait_for_url(f"{site}/assistance/nine-plus-two/")
    assert page.locator("article.helper").count() == 11
    yinjiang = page.locator("article.helper", has_text="印江土家族苗族自治县")
    assert "食用菌（黑木耳）示范基地" in yinjiang.inner_text()
    page.screenshot(
        path=os.path.join(artifacts_dir, "assistance_nine_plus_two.png"), full_page=True
    )

    yinjiang.get_by_role("link", name="食用菌（黑木耳）示范基地").click()
    project = Project.objects.get(name="食用菌（黑木耳）示范基地")
    page.wait_for_url(f"{site}/assistance/projects/{project.pk}/")
    record_flow(page, "下达", "500000")
    page.wait_for_url(f"{site}/assistance/projects/{project.pk}/")

    # More than allocated is refused with the reason, and nothing is written.
    record_flow(page, "拨付", "600000")
    assert "拨付金额超过下达资金" in page.locator("form.entry-form").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "assistance_over_disbursement.png"))
    assert FundFlow.objects.filter(kind="disbursed").exists() is False

    page.locator("#id_amount").fill("300000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{site}/assistance/projects/{project.pk}/")
    assert "资金记录已保存。" in page.locator("main").inner_text()
    assert "300,000.00" in page.locator("#fund-totals").inner_text()
    page.screenshot(
        path=os.path.join(artifacts_dir, "assistance_project_flows.png"), full_page=True
    )

    disbursed = FundFlow.objects.get(project=project, kind="disbursed")
    assert disbursed.amount == Decimal("300000.00")
    assert disbursed.recorded_by.username == "demo_county"
    assert desktop_page.console_errors == []
    assert desktop_page.external_requests("localhost") == []


def test_county_supervisor_moves_a_project_on_and_records_a_placement_from_the_register(
    site, phone_page, artifacts_dir
):
    page = phone_page.page
    log_in(page, site, "demo_county", DEMO_PASSWORD)
    project = Project.objects.get(name="食用菌（黑木耳）示范基地")
    before = project.state
    page.goto(f"{site}/assistance/projects/{project.pk}/")
    page.locator("#id_on").fill("2020-09-01")
    page.locator("form.advance-form button").click()
    page.wait_for_url(f"{site}/assistance/projects/{project.pk}/advance/?*")
    assert "不能撤回" in page.locator("#advance-summary").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "assistance_advance_confirm.png"))
    project.refresh_from_db()
    assert project.state == before  # nothing changes before confirming
    page.locator("form.entry-form button[type=submit]").click()
    page.wait_for_url(f"{site}/assistance/projects/{project.pk}/")
    project.refresh_from_db()
    assert project.state != before

    member = MemberFactory(name="田春燕")
    page.goto(f"{site}/assistance/job-placements/new/")
    page.locator("#id_q").fill(member.id_number)
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(f"{site}/assistance/job-placements/new/?q=*")
    picker = page.locator("#member-picker")
    assert member.name in picker.inner_text()
    picker.locator(f"input[value='{member.pk}']").check()
    page.locator("#id_employer").fill("苏州某电子厂")
    page.locator("#id_place").select_option("suzhou")
    page.locator("#id_placed_on").fill("2020-03-15")
    page.screenshot(
        path=os.path.join(artifacts_dir, "assistance_job_placement_form.png"), full_page=True
    )
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{site}/assistance/job-placements/")
    assert "苏州某电子厂" in page.locator("#job-placements").inner_text()
    page.screenshot(
        path=os.path.join(artifacts_dir, "assistance_job_placements.png"), full_page=True
    )
    assert JobPlacement.objects.get().member == member
    assert phone_page.console_errors == []
