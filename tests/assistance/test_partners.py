"""Partner rules: the unified social credit code is checked where present."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Partner


def partner(code: str) -> Partner:
    return Partner(name="铜仁某农业公司", kind="private_enterprise", credit_code=code)


def test_a_valid_credit_code_is_accepted(db):
    partner("91520600214600001G").full_clean()


@pytest.mark.parametrize(
    "code",
    ["91520600214600001H", "9152060021460000", "91520600214600001I"],
    ids=["wrong-check-character", "too-short", "letter-not-allowed"],
)
def test_an_invalid_credit_code_is_refused_with_the_field_named(db, code):
    with pytest.raises(ValidationError) as refused:
        partner(code).full_clean()
    assert "统一社会信用代码无效" in refused.value.message_dict["credit_code"][0]


def test_no_credit_code_is_allowed(db):
    partner("").full_clean()
