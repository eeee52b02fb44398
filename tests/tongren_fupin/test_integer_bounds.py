"""Integer inputs are bounded by their column's range and refused with 400 before any query.

An id above 2^63 in a list of members reached PostgreSQL ("bigint out of range", psycopg's
OverflowError: a 500); every integer the API accepts now says its range, in the schema and in
a Chinese message naming the field.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from assistance.models import JobPlacement, Training
from households.models import Household
from inspections.models import Visit
from tests.households.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

ID_MESSAGE = "请填写 1 到 9223372036854775807 之间的整数。"
VERSION_MESSAGE = "请填写 0 到 2147483647 之间的整数。"
OUT_OF_RANGE_IDS = [2**63, 2**64, 10**30, 0, -1]
OUT_OF_RANGE_IDS_LABELS = ["2^63", "2^64", "10^30", "zero", "negative"]
TRAINING = {
    "scheme": "east_west",
    "region": "520627000000",
    "title": "电商培训",
    "start_on": "2020-05-01",
    "end_on": "2020-05-03",
    "sessions": 2,
    "participants": 60,
}


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# A training's members are references (regions/references.py, decision 0020): an id out of the
# key's range names no record, so it answers the same 404 as a missing one or another
# jurisdiction's — never a 500, never a different answer that would tell which ids exist.
NOT_FOUND = "您的管辖范围内没有这条记录。"


@pytest.mark.parametrize("member", OUT_OF_RANGE_IDS, ids=OUT_OF_RANGE_IDS_LABELS)
def test_a_training_member_id_outside_the_id_range_is_the_members_404(county_supervisor, member):
    response = _api(county_supervisor).post(
        "/api/v1/trainings/", {**TRAINING, "members": [member]}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["errors"] == {"members": [NOT_FOUND]}
    assert Training.objects.exists() is False


def test_a_training_with_a_bad_id_among_good_ones_is_refused_whole(county_supervisor):
    member = MemberFactory()

    response = _api(county_supervisor).post(
        "/api/v1/trainings/", {**TRAINING, "members": [member.pk, 2**64]}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["errors"] == {"members": [NOT_FOUND]}
    assert Training.objects.exists() is False


@pytest.mark.parametrize("member", OUT_OF_RANGE_IDS, ids=OUT_OF_RANGE_IDS_LABELS)
def test_a_job_placement_member_id_outside_the_id_range_is_the_members_404(
    county_supervisor, member
):
    data = {
        "member": member,
        "employer": "苏州某电子厂",
        "place": "suzhou",
        "placed_on": "2020-05-01",
    }

    response = _api(county_supervisor).post("/api/v1/job-placements/", data, format="json")

    assert response.status_code == 404
    assert response.json()["errors"] == {"member": [NOT_FOUND]}
    assert JobPlacement.objects.exists() is False


@pytest.mark.parametrize("household", [2**64, [1], "x"], ids=["2^64", "a list", "text"])
def test_a_referenced_household_that_can_name_no_record_is_its_404(cadre_yanhe, household):
    response = _api(cadre_yanhe).post(
        "/api/v1/visits/", {"household": household, "visited_on": "2020-05-01"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["errors"] == {"household": [NOT_FOUND]}
    assert Visit.objects.exists() is False


@pytest.mark.parametrize(
    "new_head", [2**63, 2**64, 0, -1, "x", True], ids=[*OUT_OF_RANGE_IDS_LABELS[:2], "zero",
                                                      "negative", "text", "bool"]
)  # fmt: skip
def test_a_new_head_that_can_name_no_member_is_its_404(cadre_yanhe, new_head):
    household = HouseholdFactory()

    response = _api(cadre_yanhe).post(
        f"/api/v1/households/{household.pk}/change-head/",
        {"version": household.version, "new_head": new_head, "old_head_relation": "03"},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["errors"] == {"new_head": [NOT_FOUND]}
    assert Household.objects.get(pk=household.pk).version == household.version


def test_a_version_outside_its_column_answers_400(cadre_yanhe):
    household = HouseholdFactory()

    response = _api(cadre_yanhe).patch(
        f"/api/v1/households/{household.pk}/",
        {"version": 2**31, "phone": "13800000000"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"version": [VERSION_MESSAGE]}


@pytest.mark.parametrize(
    "path", ["/api/v1/visits/?household=", "/api/v1/relocations/?site="], ids=["visits", "sites"]
)
@pytest.mark.parametrize("value", ["18446744073709551616", "-3", "abc"], ids=["2^64", "-3", "text"])
def test_an_id_in_a_query_parameter_outside_the_range_answers_400(city_supervisor, path, value):
    response = _api(city_supervisor).get(path + value)

    name = path.split("?")[1].rstrip("=")
    assert response.status_code == 400
    assert response.json()["errors"] == {name: [ID_MESSAGE]}


def _openapi_document() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return document


def _unbounded(schema: dict[str, Any], where: str) -> list[str]:
    found = []
    integer = schema.get("type") == "integer" and not schema.get("readOnly")
    if integer and ("minimum" not in schema or "maximum" not in schema):
        found.append(where)
    for name, child in schema.get("properties", {}).items():
        found += _unbounded(child, f"{where}.{name}")
    if "items" in schema:
        found += _unbounded(schema["items"], f"{where}[]")
    return found


def test_every_integer_the_api_accepts_declares_its_range():
    document = _openapi_document()

    unbounded = [
        where
        for name, schema in document["components"]["schemas"].items()
        if name.endswith("Request")
        for where in _unbounded(schema, name)
    ]
    unbounded += [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        # Path ids answer 404 whatever their size; page numbers past the end 404, page sizes
        # are capped (tongren_fupin/api/pagination.py).
        if parameter["in"] == "query" and parameter["name"] not in {"page", "page_size"}
        for where in _unbounded(parameter["schema"], parameter["name"])
    ]

    assert unbounded == []


def _project_forms() -> list[type]:
    """Every page form of the project's apps (their forms and views modules)."""
    apps = ("assistance", "exits", "households", "inspections", "monitoring", "publicity")
    apps += ("regions", "relocation", "supervision", "imports", "tongren_fupin")
    for app in apps:
        for module in ("forms", "views"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app}.{module}")

    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return [c for c in below(forms.BaseForm) if c.__module__.startswith(apps)]


def test_every_integer_a_page_form_declares_has_a_range():
    unbounded = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.IntegerField)
        and not isinstance(field, forms.DecimalField)
        # A ModelForm's own model fields are checked against their column by the service's
        # full_clean(); the fields a form declares itself have only the form's bounds.
        and name in form.declared_fields
        and (field.min_value is None or field.max_value is None)
    )

    assert unbounded == []


@pytest.mark.parametrize(
    ("form_path", "field", "value", "message"),
    [
        ("exits.views.ProposeForm", "attendees", 10**6, "确保该值小于或等于5000。"),
        ("exits.views.ExitActionForm", "days", 10**12, "确保该值小于或等于60。"),
        (
            "assistance.forms.JobPlacementForm",
            "member",
            2**63,
            "确保该值小于或等于9223372036854775807。",
        ),
        ("households.forms.StatusForm", "version", 2**31, "确保该值小于或等于2147483647。"),
    ],
    ids=["appraisal-attendees", "publicity-days", "placed-member", "version"],
)
def test_a_page_form_refuses_an_integer_past_its_range(form_path, field, value, message):
    module, name = form_path.rsplit(".", 1)
    form_class = getattr(importlib.import_module(module), name)

    with pytest.raises(ValidationError) as refused:
        form_class.base_fields[field].clean(str(value))

    assert refused.value.messages == [message]
