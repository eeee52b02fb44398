"""The served OpenAPI document as schemathesis reads it, and one request checked against it.

Shared by the fuzz test and the focused tests of a drift between an answer and its schema:
``answer(...)`` sends one request in-process to the WSGI application (inside the test
transaction) and checks its status code, content type and body against the document.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tongren_fupin.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def openapi_document() -> dict[str, Any]:
    """The document /api/schema/ serves, rendered to plain JSON (no lazy strings)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return document


@functools.cache
def openapi_schema() -> Any:
    return schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Keep the test's database connection across the in-process requests.

    The WSGI handler closes "old" connections at the start and end of each request, which would
    drop the test transaction; Django's own test client disconnects the same receivers.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def answer(user: Any, method: str, path: str, **path_parameters: Any) -> Any:
    """The JSON answer of ``method path`` as ``user``, after checking it against the document
    (a failed check raises, naming what differs). Needs the ``in_process_requests`` fixture."""
    operation = openapi_schema()[path][method]
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    case = operation.Case(path_parameters=path_parameters or None)
    response = case.call(app=application, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response.json()
