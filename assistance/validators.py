"""Field validators of the assistance app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a checksum."""
    if not value:
        return
    try:
        uscc.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("Not a valid unified social credit code (18 characters with a check character)."),
            code="invalid_credit_code",
        ) from error
