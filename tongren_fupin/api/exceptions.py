"""One exception handler: every API error is ``{"code", "message", "errors"}``."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from audit.security import record_denial
from tongren_fupin.errors import DomainError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        if exc.status == 403 and context.get("request") is not None:
            record_denial(context["request"], 403)
        return Response(
            {"code": exc.code, "message": exc.message, "errors": exc.errors}, status=exc.status
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if response.status_code == 403 and context.get("request") is not None:
        record_denial(context["request"], 403)
    response.data = _error_body(exc)
    return response


def _error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return {
            "code": "invalid",
            "message": _first_message(errors) or _("The submitted data is invalid."),
            "errors": errors,
        }
    if isinstance(exc, exceptions.Throttled):
        wait: float | None = getattr(exc, "wait", None)
        seconds = math.ceil(wait) if wait is not None else 1
        message = _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": seconds}
        return {"code": "throttled", "message": message, "errors": {}}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return {"code": code, "message": str(exc.detail), "errors": {}}


def _first_message(errors: Any) -> str:
    """The first message of a nested error structure, prefixed with its field name."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            inner = _first_message(value)
            if inner:
                return inner if field == "non_field_errors" else f"{field}: {inner}"
        return ""
    if isinstance(errors, list):
        for item in errors:
            inner = _first_message(item)
            if inner:
                return inner
        return ""
    return str(errors)


__all__ = ["api_exception_handler", "status"]
