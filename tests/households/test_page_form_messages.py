"""Every page form of the register speaks the operator's language (issue 17, acceptance 4).

Each field of each form (household registration with its head, household edit, member add and
edit, income, measure, status, change of head) is posted with bad values on top of a valid
form; every message the page then shows must be Chinese, with no English word, Python type
name, raw code or quoted value (the rules of ``test_import_messages``). Each POST is undone, so
every bad value meets the same register.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from households.models import Member
from tests.households.factories import MemberFactory, household_with_head, make_id
from tests.households.test_import_messages import offences

pytestmark = pytest.mark.django_db

BAD_VALUES = ["bogus", "-1", "99999999999999", "1.234", "名" * 300, "", "2.5", "0"]
# Fields no value can make wrong: a checkbox is on or off.
NEVER_WRONG = {
    "water_safe",
    "electricity",
    "toilet",
    "is_relocated",
    "basic_medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "dibao",
    "is_active_military",
}
HOUSEHOLD = {
    "region": "520627100200",
    "poverty_attribute": "general",
    "identification_standard": "national",
    "identification_year": "2014",
    "main_cause": "illness",
    "other_causes": ["land"],
    "housing_grade": "B",
    "housing_area": "80.5",
    "road_type": "cement",
    "fuel": "firewood",
    "phone": "13800000000",
    "cadre_name": "杨帮扶",
    "cadre_unit": "沿河县农业农村局",
    "cadre_post": "科员",
    "cadre_phone": "13900000000",
}
MEMBER = {
    "name": "田小红",
    "id_number": make_id(sequence=77),
    "ethnicity": "15",
    "education": "junior",
    "schooling": "",
    "health": "healthy",
    "labour_ability": "ordinary",
    "work_status": "out_of_province",
    "work_months": "8",
}


class _Undo(Exception):
    def __init__(self, response: Any) -> None:
        self.response = response


def post_and_undo(client: Any, url: str, data: dict[str, Any]) -> Any:
    try:
        with transaction.atomic():
            raise _Undo(client.post(url, data))
    except _Undo as undo:
        return undo.response


def shown_messages(response: Any) -> list[str]:
    """The errors of the page's forms (none after a redirect: the form was accepted)."""
    if response.status_code == 302 or response.context is None:
        return []
    forms = [response.context["form"], *(response.context.get("extra_forms") or ())]
    return [str(message) for form in forms for errors in form.errors.values() for message in errors]


def pages(household: Any, member: Any) -> list[tuple[str, str, dict[str, Any], str]]:
    """(name, url, a valid form, the prefix of its fields)."""
    pk = household.pk
    registration = {
        "household_no": "5206271002000777",
        **HOUSEHOLD,
        **{f"head-{k}": v for k, v in MEMBER.items()},
    }
    return [
        ("register", "/households/new/", registration, ""),
        ("register head", "/households/new/", registration, "head-"),
        ("edit", f"/households/{pk}/edit/", {"version": "1", **HOUSEHOLD}, ""),
        ("member add", f"/households/{pk}/members/new/",
         {"version": "1", "relation": "04", **MEMBER}, ""),
        ("member edit", f"/households/{pk}/members/{member.pk}/edit/",
         {"version": "1", **MEMBER, "id_number": member.id_number}, ""),
        ("income", f"/households/{pk}/incomes/record/",
         {"version": "1", "year": "2019", "wage": "7000", "business": "1200",
          "business_expense": "300", "property_dividend": "100", "property_land": "0",
          "property_other": "0", "transfer_family_planning": "0", "transfer_dibao": "1200",
          "transfer_tekun": "0", "transfer_pension": "1400", "transfer_ecological": "300",
          "transfer_other": "0", "member_count": "2"}, ""),
        ("measure", f"/households/{pk}/measures/new/",
         {"kind": "industry", "year": "2019", "description": "养殖肉牛", "amount": "1000"}, ""),
        ("status", f"/households/{pk}/status/",
         {"version": "1", "status": "removed", "reason": "识别有误"}, ""),
        ("change head", f"/households/{pk}/change-head/",
         {"version": "1", "new_head": str(member.pk), "old_head_relation": "02"}, ""),
    ]  # fmt: skip


def form_fields(response: Any, prefix: str) -> list[str]:
    forms = [response.context["form"], *(response.context.get("extra_forms") or ())]
    return [
        f"{prefix}{name}"
        for form in forms
        if (form.prefix or "") + ("-" if form.prefix else "") == prefix
        for name in form.fields
    ]


@pytest.mark.parametrize(
    "page",
    ["register", "register head", "edit", "member add", "member edit", "income", "measure",
     "status", "change head"],
)  # fmt: skip
def test_every_page_form_field_refuses_bad_values_in_the_domains_words(
    client, cadre_yanhe, county_supervisor, page
):
    household = household_with_head(region_id="520627100200")
    member = MemberFactory(household=household, name="田小明", relation="03")
    _name, url, valid, prefix = next(p for p in pages(household, member) if p[0] == page)
    client.force_login(county_supervisor if page == "status" else cadre_yanhe)

    accepted = post_and_undo(client, url, valid)
    assert accepted.status_code == 302, shown_messages(accepted)
    fields = form_fields(client.get(url), prefix)
    assert fields, "the page shows no form"

    offending, silent = [], []
    for field in fields:
        if field.removeprefix(prefix) in NEVER_WRONG:
            continue
        refused = False
        for bad in BAD_VALUES:
            messages = shown_messages(post_and_undo(client, url, {**valid, field: bad}))
            refused = refused or bool(messages)
            offending += [(field, bad, m, offences(m)) for m in messages if offences(m)]
        if not refused:
            silent.append(field)
    assert offending == []
    assert silent == [], "no bad value gave these fields a message"
    assert Member.objects.filter(household=household).count() == 2


def test_a_choice_refused_on_a_page_lists_what_is_accepted(client, cadre_yanhe):
    household = household_with_head(region_id="520627100200")
    client.force_login(cadre_yanhe)

    response = client.post(
        f"/households/{household.pk}/members/new/",
        {"version": "1", "relation": "04", **MEMBER, "schooling": "高中", "education": ""},
    )

    assert shown_messages(response) == [
        "在校生状况 应为 非在校生、学前教育、小学、七年级、八年级、九年级、高中一年级、"
        "高中二年级、高中三年级、中职一年级等 之一。"
    ]


def _messages_of_removal(response: Any) -> list[str]:
    if response.status_code == 302 or response.context is None:
        return []
    return [response.context["error"]] if response.context["error"] else []


def test_the_member_removal_confirmation_refuses_in_the_domains_words(client, cadre_yanhe):
    household = household_with_head(region_id="520627100200")
    member = MemberFactory(household=household, name="田小明", relation="03")
    head = household.members.get(relation="01")
    client.force_login(cadre_yanhe)
    url = f"/households/{household.pk}/members/{{}}/remove/"

    found = [(bad, m) for bad in [*BAD_VALUES, "7"]
             for m in _messages_of_removal(post_and_undo(client, url.format(member.pk),
                                                         {"version": bad}))]  # fmt: skip
    found += [("head", m) for m in _messages_of_removal(
        post_and_undo(client, url.format(head.pk), {"version": "1"}))]  # fmt: skip

    refused = {bad for bad, _m in found}
    assert {"bogus", "-1", "1.234", "7", "head"} <= refused
    assert [(bad, m, offences(m)) for bad, m in found if offences(m)] == []
    assert Member.objects.filter(household=household).count() == 2


SEARCH_FIELDS = ["q", "status", "poverty_attribute", "cause", "region"]


def test_the_household_list_names_a_refused_filter_in_the_domains_words(client, cadre_yanhe):
    household_with_head(region_id="520627100200")
    client.force_login(cadre_yanhe)

    found, silent = [], []
    for field in SEARCH_FIELDS:
        answers = [client.get("/households/", {field: bad}) for bad in BAD_VALUES]
        messages = [m for answer in answers for m in shown_messages(answer)]
        if not messages:
            silent.append(field)
        found += [(field, m, offences(m)) for m in messages]

    assert silent == []
    assert [row for row in found if row[2]] == []
    page = client.get("/households/", {"status": "bogus", "q": "户主"})
    assert "以下筛选条件未采用：状态：状态 应为 " in page.content.decode()
    assert page.context["page"].paginator.count == 1  # the other filters still apply


def test_the_import_upload_refuses_in_the_domains_words(client, county_supervisor, settings):
    client.force_login(county_supervisor)
    settings.IMPORT_MAX_UPLOAD_MB = 0
    tiny = SimpleUploadedFile("register.xlsx", b"x" * 10)

    posts = {
        "no file": {},
        "not a file": {"upload": "bogus"},
        "empty file": {"upload": SimpleUploadedFile("register.xlsx", b"")},
        "too large": {"upload": tiny},
        "two workbooks": {"upload": [SimpleUploadedFile("a.xlsx", b"x"),
                                     SimpleUploadedFile("b.xlsx", b"x")]},
    }  # fmt: skip
    found = {name: shown_messages(client.post("/households/imports/", data))
             for name, data in posts.items()}  # fmt: skip

    assert [name for name, messages in found.items() if not messages] == []
    assert [(n, m, offences(m)) for n, ms in found.items() for m in ms if offences(m)] == []
    assert found["too large"] == [
        "文件过大（0.0 MB）：一次最多可导入 0 MB。请按区县或乡镇拆分后分别导入，或联系系统管理员。"
    ]


def test_the_export_form_refuses_in_the_domains_words(client, county_supervisor):
    client.force_login(county_supervisor)

    found = [
        (bad, client.post("/households/export/", {"format": bad}).context["error"])
        for bad in ["bogus", "名" * 300, "pdf"]
    ]

    assert [bad for bad, message in found if not message] == []
    assert [(bad, m, offences(m)) for bad, m in found if offences(m)] == []
