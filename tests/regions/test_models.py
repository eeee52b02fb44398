import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from regions.models import Assignment, Region
from tests.regions.factories import UserFactory


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("520600000000", "city", "5206"),
        ("520627000000", "county", "520627"),
        ("520627100000", "township", "520627100"),
        ("520627100200", "village", "520627100200"),
    ],
    ids=["city", "county", "township", "village"],
)
def test_prefix_is_the_code_digits_of_the_level(code, level, prefix):
    assert Region(code=code, level=level).prefix == prefix


@pytest.mark.parametrize(
    ("code", "level", "kind"),
    [
        ("520627001000", "township", "街道"),
        ("520627100000", "township", "镇"),
        ("520627200000", "township", "乡"),
        ("520627100001", "village", "居委会"),
        ("520627100200", "village", "村委会"),
    ],
)
def test_unit_kind_follows_the_gb_t_10114_code_blocks(code, level, kind):
    assert Region(code=code, level=level).unit_kind == kind


@pytest.mark.django_db
def test_a_village_under_a_county_is_refused():
    village = Region(
        code="520627999200",
        name="错位村",
        level="village",
        parent=Region.objects.get(code="520627000000"),
    )

    with pytest.raises(ValidationError) as error:
        village.full_clean()

    assert error.value.message_dict["parent"] == ["上级区划必须是上一级别的区划。"]


@pytest.mark.django_db
def test_a_code_outside_the_parent_is_refused():
    township = Region(
        code="520628150000",
        name="越界镇",
        level="township",
        parent=Region.objects.get(code="520627000000"),
    )

    with pytest.raises(ValidationError) as error:
        township.full_clean()

    assert error.value.message_dict["code"] == ["区划代码必须以上级区划的代码开头。"]


@pytest.mark.django_db
def test_a_region_code_must_have_twelve_digits():
    with pytest.raises(ValidationError) as error:
        Region(
            code="52062710020",
            name="短码村",
            level="village",
            parent=Region.objects.get(code="520627100000"),
        ).full_clean()

    assert "区划代码必须是12位数字。" in error.value.message_dict["code"]


@pytest.mark.django_db
def test_the_database_refuses_a_non_numeric_code():
    with pytest.raises(IntegrityError):
        Region.objects.create(
            code="52062710020X", name="坏码村", level="village", parent_id="520627100000"
        )


@pytest.mark.django_db
def test_the_database_refuses_a_county_without_parent():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="520699000000", name="无上级县", level="county")


@pytest.mark.django_db
def test_a_county_supervisor_cannot_be_assigned_to_a_village():
    assignment = Assignment(
        user=UserFactory(), role="county_supervisor", region=Region.objects.get(code="520627100200")
    )

    with pytest.raises(ValidationError) as error:
        assignment.full_clean()

    assert error.value.message_dict["region"] == ["该角色只能分配到以下级别的区划：县（区）。"]


@pytest.mark.django_db
def test_an_api_client_may_be_assigned_at_any_level():
    assignment = Assignment(
        user=UserFactory(), role="api_client", region=Region.objects.get(code="520627000000")
    )

    assignment.full_clean()  # raises nothing
    assert assignment.region.level == "county"
