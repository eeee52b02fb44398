"""On a phone: the cadre opens the look-back list, records the visit, the task is done; the
township identifies a monitoring case from its page."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.logins import DEMO_PASSWORD
from households.choices import Status
from households.models import PovertyLine
from inspections.models import LookBackTask
from monitoring import checks
from monitoring.models import MonitoringCase
from supervision.look_back import create_look_back_tasks
from tests.e2e.conftest import log_in
from tests.households.factories import household_with_head, income

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tongren_regions, live_server):
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def test_cadre_completes_a_look_back_task_on_a_phone(site, phone_page, artifacts_dir):
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    today = timezone.localdate()
    create_look_back_tasks(period=today.strftime("%Y-%m"))
    page = phone_page.page
    log_in(page, site, "demo_cadre", DEMO_PASSWORD)

    page.goto(f"{site}/look-back/")
    page.screenshot(path=os.path.join(artifacts_dir, "look_back_360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Never visited: its exit evidence is missing (a reason to visit, not a wrong exit).
    assert "退出佐证缺失" in page.locator("#look-back-tasks").inner_text()
    page.get_by_role("button", name="录入走访").click()
    page.wait_for_url(f"{site}/households/{household.pk}/visit/?kind=look_back")
    assert page.locator("#id_kind").input_value() == "look_back"
    page.get_by_role("button", name="保存走访").click()

    page.wait_for_url(re.compile(r"/visits/\d+/$"))  # the visit's own page (decision 0025)
    task = LookBackTask.objects.get(household=household)
    assert page.url == f"{site}/visits/{task.visit.pk}/"
    assert (task.status, task.visit.kind) == ("done", "look_back")
    assert phone_page.console_errors == []


def test_township_identifies_a_monitoring_case_on_a_phone(site, phone_page, artifacts_dir):
    # Transactional tests empty the tables between tests, the seeded lines too.
    PovertyLine.objects.get_or_create(
        year=2020, kind="monitoring", defaults={"amount": Decimal("6000")}
    )
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    income(household, 2020, Decimal("5000"), 1)
    checks.run_monitoring_checks(on=timezone.localdate() - datetime.timedelta(days=3))
    case = MonitoringCase.objects.get()
    page = phone_page.page
    log_in(page, site, "demo_township", DEMO_PASSWORD)

    page.goto(f"{site}/monitoring/")
    page.locator(f"#monitoring-cases a[href='/monitoring/{case.pk}/']").click()
    page.wait_for_url(f"{site}/monitoring/{case.pk}/")
    page.get_by_label("帮扶措施").fill("安排公益性岗位")
    page.screenshot(path=os.path.join(artifacts_dir, "monitoring_case_360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="识别认定，开始帮扶").click()

    page.wait_for_url(f"{site}/monitoring/{case.pk}/")
    assert page.locator("#monitoring-status").inner_text() == "帮扶中"
    assert MonitoringCase.objects.get().measures == "安排公益性岗位"
    assert phone_page.console_errors == []
