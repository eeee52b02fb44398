"""No existence oracle: a write naming another jurisdiction's record and a write naming a record
that does not exist get the same answer — 404, word for word — on every API write that takes a
referenced id (decision 0020). Nothing is written either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from assistance.models import Agreement, Partner, PartnerKind, Scheme
from households.models import Household, Member
from relocation.models import Site
from tests.households.factories import BIJIANG_VILLAGE, household_with_head
from tests.relocation.factories import SiteFactory

pytestmark = pytest.mark.django_db

YANHE, BIJIANG = "520627000000", "520602000000"
NO_SUCH_ID = 2_000_000_000
NO_SUCH_REGION = "520699999999"
BEYOND_A_KEY = 2**64  # no database key is that large
NOT_FOUND = "您的管辖范围内没有这条记录。"
# Every table a write below could touch: none changes on a refused write.
WRITTEN = [
    "households.Household", "households.Member", "inspections.Visit", "inspections.Problem",
    "exits.ExitApplication", "monitoring.MonitoringCase", "relocation.Relocation",
    "relocation.Site", "assistance.Project", "assistance.Training", "assistance.JobPlacement",
]  # fmt: skip


@pytest.fixture
def elsewhere(county_supervisor_bijiang: Any) -> dict[str, Any]:
    """Records of 碧江, outside every 沿河 user's jurisdiction."""
    household = household_with_head(region_id=BIJIANG_VILLAGE, household_no="520602100200000001")
    partner = Partner.objects.create(name="碧江协作单位", kind=PartnerKind.EAST_WEST_ENTERPRISE)
    return {
        "household": household.pk,
        "member": household.members.get().pk,
        "agreement": Agreement.objects.create(
            title="碧江协议", scheme=Scheme.EAST_WEST, partner=partner, region_id=BIJIANG
        ).pk,
        "region": BIJIANG_VILLAGE,
        "user": county_supervisor_bijiang.pk,
    }


@pytest.fixture
def own() -> dict[str, Any]:
    """A 沿河 household (太岭村) with a second member."""
    household = household_with_head()
    return {"household": household, "member": household.members.get()}


# (cast, method, url, field, kind of record it names, the rest of the body)
WRITES = [
    ("cadre_yanhe", "post", "/api/v1/visits/", "household", "household", {"kind": "routine"}),
    ("county_supervisor", "post", "/api/v1/problems/", "household", "household", {}),
    ("county_supervisor", "post", "/api/v1/problems/", "responsible", "user", {}),
    ("cadre_yanhe", "post", "/api/v1/exit-applications/", "household", "household", {}),
    ("cadre_yanhe", "post", "/api/v1/monitoring-cases/", "household", "household", {}),
    ("county_supervisor", "post", "/api/v1/relocations/", "household", "household", {}),
    ("county_supervisor", "post", "/api/v1/sites/", "region", "region", {"name": "新点"}),
    ("cadre_yanhe", "post", "/api/v1/households/", "region", "region", {}),
    ("cadre_yanhe", "patch", "/api/v1/households/{own}/", "region", "region", {"version": 1}),
    ("cadre_yanhe", "post", "/api/v1/households/{own}/change-head/", "new_head", "member",
     {"version": 1}),
    ("county_supervisor", "post", "/api/v1/projects/", "target_region", "region", {}),
    ("county_supervisor", "post", "/api/v1/projects/", "agreement", "agreement", {}),
    ("county_supervisor", "post", "/api/v1/trainings/", "region", "region", {}),
    ("county_supervisor", "post", "/api/v1/trainings/", "members", "members", {}),
    ("county_supervisor", "post", "/api/v1/job-placements/", "member", "member", {}),
]  # fmt: skip


def _state() -> list[int]:
    return [apps.get_model(label).objects.count() for label in WRITTEN]


def _value(kind: str, value: Any) -> Any:
    return [value] if kind == "members" else value


def _missing(kind: str) -> Any:
    return NO_SUCH_REGION if kind == "region" else _value(kind, NO_SUCH_ID)


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("cast", "method", "url", "field", "kind", "body"),
    WRITES,
    ids=[f"{w[1]} {w[2]} {w[3]}" for w in WRITES],
)
def test_another_jurisdictions_record_and_a_missing_one_get_the_same_404(
    request, api, own, elsewhere, cast, method, url, field, kind, body
):
    api.force_authenticate(request.getfixturevalue(cast))
    url = url.format(own=own["household"].pk)
    before = _state()

    outside = getattr(api, method)(
        url, {**body, field: _value(kind, elsewhere["member" if kind == "members" else kind])},
        format="json",
    )  # fmt: skip
    missing = getattr(api, method)(url, {**body, field: _missing(kind)}, format="json")

    expected = {
        "code": "not_found",
        "message": f"{field}: {NOT_FOUND}",
        "errors": {field: [NOT_FOUND]},
    }
    assert (outside.status_code, outside.json()) == (404, expected)
    assert (missing.status_code, missing.json()) == (404, expected)
    assert _state() == before


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/v1/trainings/", "members"), ("/api/v1/job-placements/", "member"),
     ("/api/v1/visits/", "household")],
)  # fmt: skip
def test_an_id_beyond_any_key_is_the_same_404(api, county_supervisor, url, field):
    api.force_authenticate(county_supervisor)
    value = [BEYOND_A_KEY] if field == "members" else BEYOND_A_KEY

    response = api.post(url, {field: value}, format="json")

    assert (response.status_code, response.json()["errors"]) == (
        404,
        {field: [NOT_FOUND]},
    )


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/v1/projects/", "partner"), ("/api/v1/trainings/", "partner"),
     ("/api/v1/job-placements/", "partner"), ("/api/v1/relocations/", "site")],
)  # fmt: skip
def test_a_record_open_to_every_jurisdiction_that_does_not_exist_is_a_404_naming_the_field(
    api, county_supervisor, url, field
):
    """Partners are the whole city's, and a household may move to a site of any county: no
    jurisdiction hides one, and an unknown id is the same 404 as everywhere."""
    api.force_authenticate(county_supervisor)

    response = api.post(url, {field: NO_SUCH_ID}, format="json")

    assert (response.status_code, response.json()["errors"]) == (
        404,
        {field: [NOT_FOUND]},
    )


def test_a_record_in_the_jurisdiction_is_found(api, county_supervisor, own):
    """The same field takes a record of the caller's jurisdiction (the write goes ahead)."""
    api.force_authenticate(county_supervisor)
    site = SiteFactory()
    household = own["household"]

    response = api.post(
        "/api/v1/relocations/",
        {"household": household.pk, "site": site.pk, "moved_in": "2019-06-01"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert (response.json()["household"], response.json()["site"]) == (household.pk, site.pk)
    assert Household.objects.get(pk=household.pk).is_relocated is True
    assert Site.objects.filter(pk=site.pk).exists() and Member.objects.exists()


def test_a_problem_names_a_responsible_person_above_or_within_the_jurisdiction(
    api, cadre_yanhe, county_supervisor, own
):
    api.force_authenticate(cadre_yanhe)
    body = {
        "household": own["household"].pk,
        "source": "visit",
        "category": "diligence",
        "description": "危房改造未验收",
        "deadline": "2030-01-01",
    }

    response = api.post(
        "/api/v1/problems/", {**body, "responsible": county_supervisor.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["responsible"] == county_supervisor.pk
