"""One page pattern: every page form binds through ``posted`` and runs its service through
``submit`` / ``act``; a refusal keeps the domain error's status; a malformed date is an error."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from exits.models import ExitApplication
from inspections import services as inspections
from inspections.models import Problem
from monitoring.models import MonitoringCase
from tests.households.factories import household_with_head
from tests.inspections.helpers import record_visit
from tests.publicity.test_objections import (
    case_in_publicity,
    case_state,
    exit_in_publicity,
    exit_state,
)
from tongren_fupin.errors import DomainError
from tongren_fupin.forms import apply_error, posted, status_of, submit

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "assistance",
    "audit",
    "exits",
    "households",
    "imports",
    "inspections",
    "monitoring",
    "publicity",
    "regions",
    "relocation",
    "supervision",
    "tongren_fupin",
]


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        found += sorted((ROOT / app).glob("views.py")) + sorted((ROOT / app).glob("views/*.py"))
    return found


# -- the source ----------------------------------------------------------------------------------


def test_there_are_view_modules_to_scan():
    names = {path.parent.name for path in view_modules()}
    assert {"exits", "households", "inspections", "monitoring", "imports"} <= names


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_view_reads_the_raw_post_or_catches_a_refusal_itself(path):
    tree = ast.parse(path.read_text())
    raw = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"POST", "FILES"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    ]
    caught = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler)
        and node.type is not None
        and "DomainError" in ast.unparse(node.type)
    ]
    queried = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert (raw, caught, queried) == ([], [], []), (
        f"{path}: request.POST/FILES at {raw} (bind forms with tongren_fupin.forms.posted), "
        f"DomainError caught at {caught} (use submit/act), .objects at {queried} (a selector)"
    )


# -- the helpers ---------------------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()


class HeadForm(forms.Form):
    name = forms.CharField()


def test_posted_binds_a_post_only():
    factory = RequestFactory()
    assert posted(factory.get("/", {"name": "x"})) is None
    data = posted(factory.post("/", {"name": "x"}))
    assert data is not None and data["name"] == "x"


def test_a_conflict_keeps_its_status_and_its_message():
    form = NameForm({"name": "x"})
    assert form.is_valid()

    def refuse() -> None:
        raise DomainError("stale", "已被他人修改", status=409)

    assert submit(form, refuse) is None
    assert status_of(form) == 409
    assert form.non_field_errors() == ["已被他人修改"]


def test_a_refusal_for_a_role_is_a_permission_error():
    form = NameForm({"name": "x"})
    form.is_valid()

    def refuse() -> None:
        raise DomainError("role", "无权操作", status=403)

    with pytest.raises(PermissionDenied):
        submit(form, refuse)


def test_a_service_validation_error_goes_to_its_field_and_the_prefixed_form():
    form, head = NameForm({"name": "x"}), HeadForm({"head-name": "y"}, prefix="head")
    form.is_valid(), head.is_valid()

    apply_error(
        form, ValidationError({"name": ["户名有误"], "head_name": ["户主姓名有误"]}), (head,)
    )

    assert (form.errors["name"], head.errors["name"]) == (["户名有误"], ["户主姓名有误"])
    assert status_of(form, head) == 200


# -- the pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "page", "state", "action"),
    [
        (exit_in_publicity, "/exits/{pk}/", exit_state, {"action": "review", "on": "2020-13-01"}),
        (
            case_in_publicity,
            "/monitoring/{pk}/",
            case_state,
            {"action": "clear", "on": "2020-12-32"},
        ),
    ],
    ids=["exit", "monitoring"],
)
def test_a_malformed_date_is_an_error_never_today(
    build, page, state, action, client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    owner = build(cadre_yanhe, work_team_yanhe, township_reviewer)
    before = state(owner)
    client.force_login(township_reviewer)

    response = client.post(page.format(pk=owner.pk), action)

    assert response.status_code == 200
    assert "日期：输入一个有效的日期。" in response.content.decode()
    assert state(owner) == before


@pytest.mark.django_db
def test_an_unknown_action_is_refused_by_name(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    application = exit_in_publicity(cadre_yanhe, work_team_yanhe, township_reviewer)
    before = exit_state(application)
    client.force_login(township_reviewer)

    response = client.post(f"/exits/{application.pk}/", {"action": "launch"})

    assert response.status_code == 200
    assert "操作：" in response.content.decode()
    assert exit_state(application) == before


@pytest.mark.django_db
def test_a_pending_objection_blocks_the_review_as_a_conflict(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    application = exit_in_publicity(cadre_yanhe, work_team_yanhe, township_reviewer)
    client.force_login(cadre_yanhe)
    client.post(
        f"/exits/{application.pk}/",
        {"action": "objection", "content": "收入不实", "on": "2020-10-16"},
    )
    before = exit_state(application)
    client.force_login(township_reviewer)

    response = client.post(f"/exits/{application.pk}/", {"action": "review", "on": "2020-10-30"})

    assert response.status_code == 409
    assert "请先处理全部异议。" in response.content.decode()
    assert exit_state(application) == before
    assert ExitApplication.objects.get(pk=application.pk).objections.count() == 1


@pytest.mark.django_db
def test_the_same_person_closing_a_problem_is_a_conflict_on_the_list(client, township_reviewer):
    household = household_with_head()
    record_visit(
        township_reviewer,
        household,
        datetime.date(2020, 6, 1),
        consistency={"family_size": {"wall": "1", "spoken": "2"}},
    )
    problem = Problem.objects.get()
    inspections.problem_rectify(actor=township_reviewer, problem=problem, evidence="已补录")
    client.force_login(township_reviewer)

    response = client.post(f"/problems/{problem.pk}/verify/")

    assert response.status_code == 409
    assert "整改人不能为同一问题销号。" in response.content.decode()
    assert Problem.objects.get().state == "rectified"


@pytest.mark.django_db
def test_an_empty_rectification_names_the_evidence_field(client, cadre_yanhe):
    household = household_with_head()
    record_visit(
        cadre_yanhe,
        household,
        datetime.date(2020, 6, 1),
        consistency={"family_size": {"wall": "1", "spoken": "2"}},
    )
    problem = Problem.objects.get()
    client.force_login(cadre_yanhe)

    response = client.post(f"/problems/{problem.pk}/rectify/", {"evidence": " "})

    assert response.status_code == 200
    assert "整改佐证：" in response.content.decode()
    assert Problem.objects.get().state == "open"
    assert MonitoringCase.objects.count() == 0
