"""What every page form does with a service's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from tongren_fupin.errors import DomainError

T = TypeVar("T")


def apply_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields (or on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def apply_refusal(form: forms.Form, error: DomainError) -> None:
    """A service's refusal: 403 for a role, otherwise its message on its fields (or the form)."""
    if error.status == 403:
        raise PermissionDenied from error
    if not error.errors:
        form.add_error(None, error.message)
    for name, messages in error.errors.items():
        form.add_error(name if name in form.fields else None, messages)


def submit(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run the service of a valid form; its refusals become form errors. None when refused."""
    try:
        return call()
    except DomainError as error:
        apply_refusal(form, error)
    except ValidationError as error:
        apply_error(form, error)
    return None
