"""The masking policy, per role and field, in the one function every channel uses (decision
0021): the people who visit, assess and decide on a household see its personal data whole; the
city and the API clients see it masked; a bank account only the village cadre and the county."""

from __future__ import annotations

import pytest

from regions import masking
from regions.masking import Personal, displayed, masked_changes

pytestmark = pytest.mark.django_db

ID = "522228198005170011"
CERTIFICATE = f"{ID}43"  # a disability certificate: category 4, grade 3
PHONE = "13812345678"
ACCOUNT = "6217000012345678901"

FULL = {Personal.ID_NUMBER: ID, Personal.PHONE: PHONE, Personal.BANK_ACCOUNT: ACCOUNT,
        Personal.HEALTH: "chronic", Personal.DISABILITY: "category 4, grade 3"}  # fmt: skip
MASKED = {Personal.ID_NUMBER: "522228********0011", Personal.PHONE: "138****5678",
          Personal.BANK_ACCOUNT: "***************8901", Personal.HEALTH: None,
          Personal.DISABILITY: None}  # fmt: skip
# The fields each role sees whole.
WHOLE = {
    "cadre_yanhe": set(Personal),
    "county_supervisor": set(Personal),
    "work_team_yanhe": set(Personal) - {Personal.BANK_ACCOUNT},
    "township_reviewer": set(Personal) - {Personal.BANK_ACCOUNT},
    "city_supervisor": set(),
    "api_client_user": set(),
    "operator": set(Personal),
    "unassigned_user": set(),
}


@pytest.mark.parametrize("field", list(Personal))
@pytest.mark.parametrize("cast", list(WHOLE))
def test_each_role_sees_each_field_whole_or_masked(request, cast, field):
    user = request.getfixturevalue(cast)

    shown = displayed(user, field, FULL[field])

    assert shown == (FULL[field] if field in WHOLE[cast] else MASKED[field])


@pytest.mark.parametrize(
    ("cast", "shown"),
    [
        ("cadre_yanhe", CERTIFICATE),
        ("city_supervisor", "522228********0011"),
    ],
)
def test_a_disability_certificate_shows_its_category_and_grade_only_in_full(request, cast, shown):
    assert displayed(request.getfixturevalue(cast), Personal.ID_NUMBER, CERTIFICATE) == shown


@pytest.mark.parametrize(
    ("cast", "shown"), [("township_reviewer", "disabled"), ("api_client_user", None)]
)
def test_the_health_status_disabled_is_a_disability_detail(request, cast, shown):
    assert displayed(request.getfixturevalue(cast), Personal.HEALTH, "disabled") == shown


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("0856-5223344", "085*****3344"), ("12345", "*****")],
)
def test_phones_keep_their_first_three_and_last_four_characters(city_supervisor, phone, masked):
    assert displayed(city_supervisor, Personal.PHONE, phone) == masked


def test_empty_values_stay_empty(city_supervisor):
    assert [displayed(city_supervisor, field, "") for field in Personal] == [""] * len(Personal)


def test_a_history_shows_phones_and_health_as_the_reader_may_see_them(
    city_supervisor, county_supervisor
):
    changes = {
        "phone": ["", PHONE],
        "cadre_phone": [PHONE, "13987654321"],
        "health": ["healthy", "serious"],
        "id_number": [None, ID],
        "housing_grade": ["C", "B"],
    }

    assert masked_changes(city_supervisor, changes) == {
        "phone": ["", "138****5678"],
        "cadre_phone": ["138****5678", "139****4321"],
        "health": [None, None],
        "id_number": [None, "522228********0011"],
        "housing_grade": ["C", "B"],
    }
    assert masked_changes(county_supervisor, changes) == changes


def test_the_masking_layer_knows_every_health_status_with_a_disability():
    from households.choices import WITH_DISABILITY

    assert {str(status) for status in WITH_DISABILITY} == masking.WITH_DISABILITY


@pytest.mark.parametrize(
    ("status", "shown"),
    [("chronic", "chronic"), ("disabled", None), ("chronic_disabled", None),
     ("serious_disabled", None)],
)  # fmt: skip
def test_a_role_that_sees_health_but_not_disability_sees_no_status_with_a_disability(
    township_reviewer, monkeypatch, status, shown
):
    monkeypatch.setitem(masking.FULL_VIEW, Personal.DISABILITY, frozenset())

    assert displayed(township_reviewer, Personal.HEALTH, status) == shown
