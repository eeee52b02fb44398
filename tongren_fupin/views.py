"""Project-wide page handlers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.security import record_denial


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The 403 page; the refusal is a security event."""
    record_denial(request, 403)
    return render(request, "403.html", status=403)
