"""The ID-number parser runs for every member of an import, so it takes shortcuts; these tests
hold the shortcuts to the rule (GB 11643: ISO 7064 MOD 11-2, whitespace ignored, dates real)."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from households.id_numbers import CHECK_CHARACTERS, WEIGHTS, check_character, parse_id_number


def weighted_check(first17: str) -> str:
    """The rule as the standard writes it."""
    return CHECK_CHARACTERS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def test_the_check_character_follows_the_weighted_sum():
    rng = random.Random(11643)
    numbers = ["0" * 17, "9" * 17, "1" * 17, "52062719900101123"]
    numbers += ["".join(rng.choice("0123456789") for _ in range(17)) for _ in range(5000)]

    computed = [check_character(number) for number in numbers]

    assert computed == [weighted_check(number) for number in numbers]
    assert set(computed) == set(CHECK_CHARACTERS)  # every outcome, X included, is reached


@pytest.mark.parametrize("bad", ["5206271990010112", "520627199001011234", "5206271990010112X"])
def test_the_check_character_needs_seventeen_digits(bad):
    with pytest.raises(ValueError):
        check_character(bad)


@pytest.mark.parametrize(
    "written",
    [
        " 11010519491231002X",
        "110105 19491231 002X",
        "110105\t19491231002x\n",
        "\u3000110105194912310 02X",
    ],
    ids=["leading-space", "spaces-inside", "tab-newline-lower-x", "ideographic-space"],
)
def test_whitespace_anywhere_is_ignored(written):
    assert parse_id_number(written).number == "11010519491231002X"


def id_born(day: datetime.date) -> str:
    first17 = f"520627{day:%Y%m%d}001"
    return first17 + weighted_check(first17)


def test_born_today_is_accepted_and_tomorrow_refused():
    today = datetime.date.today()

    assert parse_id_number(id_born(today)).birth_date == today
    with pytest.raises(ValidationError) as refused:
        parse_id_number(id_born(today + datetime.timedelta(days=1)))
    assert refused.value.code == "id_birth_date"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("52062719900101001", "id_format"),  # 17
        ("5206271990010100111", "id_format"),  # 19
        ("5206271990010100117", "id_format"),  # 19, a certificate's category alone
        ("020627199001010011", "id_format"),  # a leading zero
        ("52062719900101001Y", "id_format"),
        ("5206271990010100X1", "id_format"),  # X inside
    ],
)
def test_only_the_three_shapes_are_accepted(number, code):
    with pytest.raises(ValidationError) as refused:
        parse_id_number(number)

    assert refused.value.code == code
