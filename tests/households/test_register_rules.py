"""Every validation rule of the register, with a failing and a passing case."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from audit.models import AuditEvent
from households import services
from households.choices import Relation
from households.id_numbers import upgrade_15
from households.models import AnnualIncome, Household, Member
from tests.households.factories import (
    BIJIANG_VILLAGE,
    HouseholdFactory,
    MemberFactory,
    household_with_head,
    make_id,
)

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "household_no": "5206271002000999",
    "region": "520627100200",
    "identification_year": 2014,
    "main_cause": "illness",
    "housing_grade": "C",
}
HEAD = {"name": "田国华", "id_number": make_id(sequence=11), "education": "junior"}


def test_register_creates_household_and_head_with_derived_sex_and_birth_date(cadre_yanhe):
    household = services.household_register(actor=cadre_yanhe, data=HOUSEHOLD, head=HEAD)

    head = Member.objects.get(household=household)
    assert (head.relation, head.sex, head.birth_date.isoformat()) == ("01", "male", "1980-05-17")
    assert household.version == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("other_causes", ["land", "water", "skills"], "其他致贫原因最多2项。"),
        ("other_causes", ["illness"], "主要致贫原因不能同时作为其他致贫原因。"),
        ("other_causes", ["fishing"], "请从列表中选择其他致贫原因。"),
        ("housing_grade", "E", "值 'E' 不是有效选项。"),
        ("identification_year", 1999, "确保该值大于或等于2000。"),
    ],
    ids=["three-other-causes", "main-cause-repeated", "unknown-cause", "grade-E", "year-1999"],
)
def test_household_rules(cadre_yanhe, field, value, message):
    with pytest.raises(ValidationError) as error:
        services.household_register(actor=cadre_yanhe, data={**HOUSEHOLD, field: value}, head=HEAD)

    assert message in str(error.value.message_dict[field])
    assert Household.objects.filter(household_no=HOUSEHOLD["household_no"]).exists() is False


def test_two_other_causes_are_accepted(cadre_yanhe):
    household = services.household_register(
        actor=cadre_yanhe, data={**HOUSEHOLD, "other_causes": ["land", "skills"]}, head=HEAD
    )

    assert household.other_causes == ["land", "skills"]


def test_a_household_must_belong_to_a_village(operator):
    from households.models import Household as H

    data = {**HOUSEHOLD, "household_no": "52060001", "region_id": "520627100000"}
    data.pop("region")
    household = H(**data)
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "家庭必须属于一个村（社区）。" in error.value.message_dict["region"]


def test_a_village_outside_the_jurisdiction_is_refused(cadre_yanhe):
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=cadre_yanhe, data={**HOUSEHOLD, "region": BIJIANG_VILLAGE}, head=HEAD
        )

    assert error.value.message_dict["region"] == ["该村不在您的管辖范围内。"]


def test_the_database_refuses_housing_grade_e():
    with pytest.raises(IntegrityError):
        HouseholdFactory(housing_grade="E")


def test_an_invalid_head_id_names_the_head_field(cadre_yanhe):
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=cadre_yanhe, data=HOUSEHOLD, head={**HEAD, "id_number": "522201199002301230"}
        )

    assert error.value.message_dict["head_id_number"] == ["证件号码中的出生日期 19900230 不存在。"]
    assert Household.objects.filter(household_no=HOUSEHOLD["household_no"]).exists() is False


@pytest.mark.parametrize(
    ("education", "schooling", "ok"),
    [
        ("junior", "", True),
        ("", "grade_8", True),
        ("", "home_taught", True),
        ("", "", False),
        ("junior", "grade_8", False),
        ("junior", "not_in_school", True),
        ("", "not_in_school", False),
        ("", "senior_2", True),
        ("college", "vocational_higher_3", False),
    ],
    ids=[
        "education-only",
        "schooling-only",
        "home-taught",
        "neither",
        "both",
        "not-in-school-with-education",
        "not-in-school-without-education",
        "senior-grade",
        "higher-vocational-grade-with-education",
    ],
)
def test_exactly_one_of_education_and_schooling(cadre_yanhe, education, schooling, ok):
    household = household_with_head()
    data = {
        "name": "田小红",
        "id_number": make_id(sequence=22),
        "relation": "04",
        "education": education,
        "schooling": schooling,
    }

    if ok:
        member = services.member_add(
            actor=cadre_yanhe, household=household, expected_version=1, data=data
        )
        assert (member.education, member.schooling) == (education, schooling)
    else:
        with pytest.raises(ValidationError) as error:
            services.member_add(
                actor=cadre_yanhe, household=household, expected_version=1, data=data
            )
        assert error.value.message_dict["schooling"] == [SCHOOLING_RULE]


SCHOOLING_RULE = "在校生状况为非在校生或不填时须填写文化程度；在校生填写年级，不填文化程度。"


def test_the_database_refuses_a_member_with_both_education_and_schooling():
    with pytest.raises(IntegrityError):
        MemberFactory(education="junior", schooling="grade_8")


def test_the_database_refuses_a_member_not_in_school_without_education():
    with pytest.raises(IntegrityError):
        MemberFactory(education="", schooling="not_in_school")


def test_a_second_head_is_refused(cadre_yanhe):
    household = household_with_head()

    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cadre_yanhe,
            household=household,
            expected_version=1,
            data={
                "name": "另一户主",
                "id_number": make_id(sequence=33),
                "relation": "01",
                "education": "junior",
            },
        )

    assert "relation" in error.value.message_dict
    assert Member.objects.filter(household=household, relation="01").count() == 1


def test_the_database_allows_only_one_head_per_household():
    household = household_with_head()

    with pytest.raises(IntegrityError):
        MemberFactory(household=household, relation=Relation.HEAD)


def test_the_head_cannot_be_removed(cadre_yanhe):
    household = household_with_head()
    head = household.members.get()

    from tongren_fupin.errors import DomainError

    with pytest.raises(DomainError) as error:
        services.member_remove(actor=cadre_yanhe, member=head, expected_version=1)

    assert error.value.code == "head_not_removable"
    assert Member.objects.filter(pk=head.pk).exists() is True


def test_an_id_registered_elsewhere_is_refused_without_saying_where(cadre_yanhe):
    elsewhere = household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")
    taken = elsewhere.members.get().id_number
    household = household_with_head()

    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cadre_yanhe,
            household=household,
            expected_version=1,
            data={"name": "重复", "id_number": taken, "relation": "03", "education": "junior"},
        )

    message = error.value.message_dict["id_number"][0]
    assert message == "该证件号码已在其他家庭登记。"
    assert elsewhere.household_no not in message and "碧江" not in message


def test_a_15_digit_id_is_stored_in_18_digit_form(cadre_yanhe):
    household = household_with_head()

    member = services.member_add(
        actor=cadre_yanhe,
        household=household,
        expected_version=1,
        data={
            "name": "老人",
            "id_number": "522228450101001",
            "relation": "11",
            "education": "illiterate",
        },
    )

    assert member.id_number == upgrade_15("522228450101001")
    assert member.id_number.startswith("52222819450101001")


def test_the_same_person_entered_in_15_and_18_digits_is_one_id(cadre_yanhe):
    household = household_with_head()
    services.member_add(
        actor=cadre_yanhe,
        household=household,
        expected_version=1,
        data={
            "name": "老人",
            "id_number": "522228450101001",
            "relation": "11",
            "education": "illiterate",
        },
    )
    eighteen = Member.objects.get(name="老人").id_number

    with pytest.raises(ValidationError):
        services.member_add(
            actor=cadre_yanhe,
            household=household,
            expected_version=2,
            data={
                "name": "老人二",
                "id_number": eighteen,
                "relation": "12",
                "education": "illiterate",
            },
        )


@pytest.mark.parametrize(
    ("inputs", "size", "net", "per_capita"),
    [
        (
            {"wage": "8000", "business": "3000", "business_expense": "1000"},
            4,
            "10000.00",
            "2500.00",
        ),
        (
            {
                "wage": "5000",
                "property_dividend": "300",
                "property_land": "200",
                "transfer_dibao": "1200",
                "transfer_pension": "1300",
            },
            3,
            "8000.00",
            "2666.67",
        ),
        (
            {"business": "500", "business_expense": "2000", "transfer_tekun": "4000"},
            1,
            "2500.00",
            "2500.00",
        ),
        ({}, 2, "0.00", "0.00"),
    ],
    ids=[
        "wage-business-expense",
        "property-and-transfers-rounded",
        "expense-over-business",
        "nothing",
    ],
)
def test_income_arithmetic(cadre_yanhe, inputs, size, net, per_capita):
    household = household_with_head()
    for _n in range(size - 1):  # the latest year's size is the members'
        MemberFactory(household=household)

    income = services.income_record(
        actor=cadre_yanhe,
        household=household,
        expected_version=1,
        year=2019,
        inputs={k: Decimal(v) for k, v in inputs.items()},
        member_count=size,
    )

    assert (str(income.net_income), str(income.per_capita_net_income)) == (net, per_capita)


def test_income_uses_the_current_member_count_by_default(cadre_yanhe):
    household = household_with_head()
    MemberFactory(household=household)

    income = services.income_record(
        actor=cadre_yanhe,
        household=household,
        expected_version=1,
        year=2019,
        inputs={"wage": Decimal("6000")},
    )

    assert (income.member_count, income.per_capita_net_income) == (2, Decimal("3000.00"))


def test_a_negative_income_is_refused(cadre_yanhe):
    household = household_with_head()

    with pytest.raises(ValidationError) as error:
        services.income_record(
            actor=cadre_yanhe,
            household=household,
            expected_version=1,
            year=2019,
            inputs={"wage": Decimal("-1")},
        )

    assert "wage" in error.value.message_dict
    assert AnnualIncome.objects.filter(household=household).exists() is False


def test_the_database_refuses_a_negative_income():
    household = household_with_head()

    with pytest.raises(IntegrityError):
        AnnualIncome(household=household, year=2019, wage=Decimal("-5"), member_count=1).save()


def test_totals_cannot_be_typed_in(cadre_yanhe):
    household = household_with_head()

    with pytest.raises(ValidationError) as error:
        services.income_record(
            actor=cadre_yanhe,
            household=household,
            expected_version=1,
            year=2019,
            inputs={"net_income": Decimal("99999")},
        )

    assert "net_income" in error.value.message_dict
    assert AuditEvent.objects.filter(action="income.recorded").exists() is False
