import datetime

import pytest
from django.core.exceptions import ValidationError

from households.id_numbers import parse_id_number, upgrade_15
from regions.masking import mask_id_number


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "female"),
        ("11010519491231002x", datetime.date(1949, 12, 31), "female"),
        ("522201199001011230", datetime.date(1990, 1, 1), "male"),
    ],
    ids=["check-X", "lower-case-x", "historic-tongren-area-code"],
)
def test_valid_ids_give_birth_date_and_sex(number, born, sex):
    facts = parse_id_number(number)

    assert (facts.number, facts.birth_date, facts.sex) == (number.upper(), born, sex)
    assert facts.is_disability_certificate is False


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("110105194912310021", "id_checksum", "证件号码的校验位不正确，请逐位核对。"),
        ("52220119900230123X", "id_birth_date", "证件号码中的出生日期 19900230 不存在。"),
        ("52220120300101123X", "id_birth_date", "证件号码中的出生日期 20300101 不合理。"),
        ("52220119900101123", "id_format", None),
        ("5222011990010112AB", "id_format", None),
        ("", "id_format", None),
    ],
    ids=["wrong-check-digit", "february-30", "future-birth", "17-digits", "letters", "empty"],
)
def test_invalid_ids_are_refused_with_the_reason(number, code, message):
    with pytest.raises(ValidationError) as error:
        parse_id_number(number)

    assert error.value.code == code
    if message:
        assert error.value.messages == [message]


def test_the_15_digit_format_is_upgraded_to_18():
    facts = parse_id_number("110105491231002")

    assert facts.number == "11010519491231002X"
    assert upgrade_15("110105491231002") == "11010519491231002X"
    assert facts.birth_date == datetime.date(1949, 12, 31)


def test_a_15_digit_id_with_an_impossible_date_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_id_number("110105491331002")

    assert error.value.code == "id_birth_date"


@pytest.mark.parametrize(
    ("suffix", "valid"),
    [("42", True), ("71", True), ("81", False), ("45", False), ("02", False)],
    ids=["limb-grade-2", "multiple-grade-1", "category-8", "grade-5", "category-0"],
)
def test_disability_certificate_numbers(suffix, valid):
    number = f"522201199001011230{suffix}"

    if valid:
        facts = parse_id_number(number)
        assert facts.is_disability_certificate is True
        assert facts.number == number
    else:
        with pytest.raises(ValidationError):
            parse_id_number(number)


def test_a_disability_certificate_needs_a_valid_id_inside():
    with pytest.raises(ValidationError) as error:
        parse_id_number("52220119900101123142")

    assert error.value.code == "id_checksum"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("52220119900101123X", "522201********123X"),
        ("52220119900101123042", "522201**********3042"),
        ("123", "***"),
    ],
)
def test_masking_keeps_area_code_and_last_four(number, masked):
    assert mask_id_number(number) == masked
