import pytest

from regions.models import Region
from regions.scoping import in_jurisdiction, jurisdiction_prefix, scope_by_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cast", "prefix"),
    [
        ("cadre_yanhe", "520627100200"),
        ("township_reviewer", "520627100"),
        ("county_supervisor", "520627"),
        ("city_supervisor", "5206"),
        ("api_client_user", "5206"),
        ("operator", ""),
        ("unassigned_user", None),
    ],
)
def test_jurisdiction_prefix_by_role(request, cast, prefix):
    user = request.getfixturevalue(cast)

    assert jurisdiction_prefix(user) == prefix


def test_anonymous_has_no_jurisdiction():
    from django.contrib.auth.models import AnonymousUser

    assert jurisdiction_prefix(AnonymousUser()) is None


@pytest.mark.django_db
def test_scope_by_region_keeps_only_the_subtree(county_supervisor):
    visible = scope_by_region(Region.objects.all(), county_supervisor, field="code")

    codes = set(visible.values_list("code", flat=True))
    assert codes == set(
        Region.objects.filter(code__startswith="520627").values_list("code", flat=True)
    )
    assert "520602000000" not in codes
    assert "520600000000" not in codes


@pytest.mark.django_db
def test_scope_by_region_through_a_foreign_key_needs_no_join(county_supervisor):
    # Region.parent is a foreign key holding a code: the filter runs on the column itself.
    children = scope_by_region(Region.objects.all(), county_supervisor, field="parent")

    sql = str(children.query)
    assert "JOIN" not in sql
    assert children.filter(parent_id="520602000000").exists() is False
    assert children.filter(parent_id="520627100000").exists() is True


@pytest.mark.django_db
def test_a_user_without_assignment_sees_nothing(unassigned_user):
    assert scope_by_region(Region.objects.all(), unassigned_user, field="code").exists() is False


@pytest.mark.django_db
def test_in_jurisdiction(cadre_yanhe):
    assert in_jurisdiction(cadre_yanhe, "520627100200") is True
    assert in_jurisdiction(cadre_yanhe, "520627100201") is False
