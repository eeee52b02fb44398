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
    valid, valid_members = f.family(2)
    workbook.write_bytes(
        f.workbook(
            [household, valid],
            members + valid_members,
            [f.income(household["户编号"]), f.income(valid["户编号"])],
        )
    )
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
    # The refused member and, beside it, every other row of its household (left out whole).
    rows = [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in errors.all()]
    (refused,) = [cells for cells in rows if cells[2:4] == ["证件号码", wrong_id]]
    assert refused[:2] == ["家庭成员", "4"] and "校验位" in refused[4]
    assert all("整户不导入" in cells[4] for cells in rows if cells is not refused)
    assert Household.objects.count() == 0  # the dry run wrote nothing
    page.screenshot(path=os.path.join(artifacts_dir, "import_dry_run.png"), full_page=True)

    page.get_by_label("只写入有效行", exact=False).check()
    page.get_by_role("button", name="只提交有效行").click()
    page.wait_for_url(f"{import_site}/households/imports/{job.pk}/")
    assert "已写入" in page.locator("#import-progress").inner_text()
    # The household with a refused member is not written in part: it is named as left out.
    assert number in page.locator("#skipped").inner_text()
    assert Household.objects.filter(household_no=number).exists() is False
    written = Member.objects.filter(household__household_no=valid["户编号"])
    assert sorted(written.values_list("id_number", flat=True)) == sorted(
        m["证件号码"] for m in valid_members
    )
    assert AuditEvent.objects.filter(action="import.valid_only_chosen").count() == 1
    assert desktop_page.console_errors == []
