"""A county supervisor imports a small register workbook in the browser: the dry run names the
one invalid row, the valid rows are committed on an explicit choice, and the household is then
in the register's list."""

import os

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from demo.logins import DEMO_PASSWORD
from households.models import Household, Member
from imports.models import ImportJob
from tests.e2e.conftest import log_in
from tests.households import import_files as f

pytestmark = pytest.mark.browser


@pytest.fixture
def import_site(tongren_regions, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--allow", verbosity=0)
    return live_server.url


def test_county_supervisor_imports_the_valid_rows_of_a_workbook(
    import_site, desktop_page, artifacts_dir, tmp_path
):
    page = desktop_page.page
    household, members = f.family(1)
    wrong_id = members[2]["证件号码"][:-1] + ("0" if members[2]["证件号码"][-1] != "0" else "1")
    members[2]["证件号码"] = wrong_id  # the third member: check character wrong
    workbook = tmp_path / "沿河-登记.xlsx"
    workbook.write_bytes(f.workbook([household], members, [f.income(household["户编号"])]))
    number = household["户编号"]

    log_in(page, import_site, "demo_county", DEMO_PASSWORD)
    page.get_by_role("link", name="导入导出").first.click()
    page.wait_for_url(f"{import_site}/households/imports/")
    page.get_by_label("文件").set_input_files(str(workbook))
    page.get_by_role("button", name="上传并校验").click()

    job = ImportJob.objects.get()
    page.wait_for_url(f"{import_site}/households/imports/{job.pk}/")
    counts = page.locator("#counts").inner_text()
    errors = page.locator("#errors tbody tr")
    assert "校验结果（尚未写入）" in counts
    sheets = page.locator("#counts tbody th").all_inner_texts()
    assert sheets == ["贫困户", "家庭成员", "收入"]  # the workbook's order
    assert errors.count() == 1
    cells = [cell.strip() for cell in errors.first.locator("td").all_inner_texts()]
    assert cells[:4] == ["家庭成员", "4", "证件号码", wrong_id]
    assert "校验位" in cells[4]
    assert Household.objects.count() == 0  # the dry run wrote nothing
    page.screenshot(path=os.path.join(artifacts_dir, "import_dry_run.png"), full_page=True)

    page.get_by_label("只写入有效行", exact=False).check()
    page.get_by_role("button", name="只提交有效行").click()
    page.wait_for_url(f"{import_site}/households/imports/{job.pk}/")
    assert "已写入" in page.locator("#import-progress").inner_text()

    page.get_by_role("link", name="建档立卡户").first.click()
    page.get_by_role("searchbox").fill(number)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(f"{import_site}/households/?*")
    assert number in page.locator("main").inner_text()
    imported = Household.objects.get(household_no=number)
    written = Member.objects.filter(household=imported).values_list("id_number", flat=True)
    assert sorted(written) == sorted(m["证件号码"] for m in members[:2])
    assert AuditEvent.objects.filter(action="import.valid_only_chosen").count() == 1
    assert desktop_page.console_errors == []
