"""The one page pattern: bind a form to the request, run its service, show the refusal.

Every page form goes through these helpers:

- ``posted(request)`` gives the form its data (the POST on a POST, nothing otherwise); views
  never read ``request.POST`` themselves.
- ``submit(form, call)`` runs the service of a valid form. A refusal becomes form errors: a
  ``ValidationError`` on its fields, a ``DomainError`` on its fields or the form, and the
  domain error's HTTP status (409 for a conflict, 400 for a refusal) is kept on the form. A
  refusal for a role (403) is raised as ``PermissionDenied``.
- ``status_of(*forms)`` is the status the page answers with: the refusal's (409, 413, …), or
  200 for a refused value (400), as for the form's own errors.
- ``act(request, form, call)`` is the same for the action buttons of a detail page: the errors
  become messages shown on the page, which is rendered again (with the refusal's status)
  instead of redirecting.

A form's own validation errors (and a service's ``ValidationError``) answer 200 with the errors
on the page, as Django's forms do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from tongren_fupin.bounds import count_messages
from tongren_fupin.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

T = TypeVar("T")
AnyForm = forms.BaseForm  # a Form or a ModelForm


class CountField(forms.IntegerField):
    """A count of people or households within what is plausible (tongren_fupin/bounds.py),
    refused with a message naming the field, as the API's ``CountField``."""

    def __init__(self, *, label: str | StrPromise, low: int, high: int, **kwargs: Any) -> None:
        messages = {**count_messages(label, low, high), **kwargs.pop("error_messages", {})}
        super().__init__(
            label=label, min_value=low, max_value=high, error_messages=messages, **kwargs
        )


def posted(request: HttpRequest) -> QueryDict | None:
    """The data a page form is bound to: the POST body on a POST, None (unbound) otherwise."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, Any] | None:
    """The uploaded files of a POST, None otherwise."""
    return request.FILES if request.method == "POST" else None


def apply_error(form: AnyForm, error: ValidationError, extra: tuple[AnyForm, ...] = ()) -> None:
    """Put a service's ValidationError on the matching fields (or on the form). A field named
    ``<prefix>_<field>`` belongs to the form of ``extra`` with that prefix (the head's fields
    of a household registration are ``head_…``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_ in error.message_dict.items():
        target, field = form, name
        for other in extra:
            if other.prefix and name.startswith(f"{other.prefix}_"):
                target, field = other, name[len(other.prefix) + 1 :]
                break
        target.add_error(field if field in target.fields else None, messages_)


def apply_refusal(form: AnyForm, error: DomainError) -> None:
    """A service's refusal: 403 for a role, otherwise its message on its fields (or the form),
    and its status kept on the form for the response."""
    if error.status == 403:
        raise PermissionDenied from error
    form.refusal_status = error.status  # type: ignore[attr-defined]
    said = {str(m) for messages_ in error.errors.values() for m in messages_}
    if str(error.message) not in said:  # the message, unless a field already says it
        form.add_error(None, error.message)
    for name, messages_ in error.errors.items():
        form.add_error(name if name in form.fields else None, messages_)


def submit(form: AnyForm, call: Callable[[], T], extra: tuple[AnyForm, ...] = ()) -> T | None:
    """Run the service of a valid form (and its ``extra`` forms); its refusals become form
    errors. None when refused."""
    try:
        return call()
    except DomainError as error:
        apply_refusal(form, error)
    except ValidationError as error:
        apply_error(form, error, extra)
    return None


def status_of(*bound: AnyForm | None) -> int:
    """The status of a form page: the first refusal's status among ``bound`` (409 for a
    conflict, 413 for a file too large), else 200. A refused value (400) is a form error like
    the form's own, shown with 200 as Django's forms are."""
    for form in bound:
        status = getattr(form, "refusal_status", None)
        if status and status != 400:
            return int(status)
    return 200


def error_text(form: AnyForm) -> str:
    """A form's errors as one line, each field's under its label."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        field = form.fields.get(name)
        parts.append(f"{field.label}：{text}" if field is not None and field.label else text)
    return " ".join(parts)


def act(request: HttpRequest, form: AnyForm, call: Callable[[], object]) -> bool:
    """An action button of a detail page: validate the form, run the service. True when done;
    on a refusal the errors become messages (the form keeps the refusal's status)."""
    if form.is_valid():
        submit(form, call)
    if form.errors:
        messages.error(request, error_text(form))
        return False
    return True


def accepted_list(labels: list[str]) -> str:
    """What a code list accepts, as a form names it (each label before its bracket): all of
    them, or the first ten and 等."""
    names = list(dict.fromkeys(str(label).split("（")[0] for label in labels))
    if len(names) > 10:
        return _("%(labels)s etc.") % {"labels": "、".join(names[:10])}
    return "、".join(names)


def choices_named(form: AnyForm) -> None:
    """A refused choice of ``form`` names the field and what it accepts ("在校生状况 应为 …
    之一"), as the import does, instead of echoing the value typed in; a choice among rows
    ("请从列表中选择新户主") names the field."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            # Rows offered to this user (a village of the jurisdiction, a member of the
            # household): name the field, not Django's "选择一个有效的选项" nor the value typed.
            chosen = _("Choose %(column)s from the list.") % {"column": field.label}
            field.error_messages["invalid_choice"] = chosen
            field.error_messages["invalid_pk_value"] = chosen
            continue
        if isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            labels = [str(label) for value, label in choices if value != ""]
            field.error_messages["invalid_choice"] = _(
                "%(column)s should be one of %(choices)s."
            ) % {"column": field.label, "choices": accepted_list(labels)}


class NamedChoices:
    """A form whose refused choices name the field and what it accepts (``choices_named``),
    built when the form is cleaned, so choices narrowed in ``__init__`` are the ones listed."""

    def full_clean(self) -> None:
        choices_named(self)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]
