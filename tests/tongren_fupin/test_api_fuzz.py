"""Every API operation, fuzzed from its OpenAPI description (schemathesis + Hypothesis).

Each operation gets schema-conforming (positive) requests as a city supervisor and as a village
cadre, and schema-violating (negative) ones as the supervisor, sent in-process to the WSGI
application in the test database. Every answer must be below 500 and carry a documented status
code, content type and body.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tongren_fupin.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# 25 examples per operation, split where they find the most: valid requests as the supervisor
# reach every code path, invalid ones as the supervisor reach the validation that must refuse
# them (a cadre's would mostly stop at the permission check), valid ones as a cadre exercise
# the scoping. Derandomized: the same examples every run.
EXAMPLES = {
    (GenerationMode.POSITIVE, "city_supervisor"): 12,
    (GenerationMode.NEGATIVE, "city_supervisor"): 8,
    (GenerationMode.POSITIVE, "cadre_yanhe"): 5,
}


def _openapi_document() -> dict[str, Any]:
    """The document /api/schema/ serves, rendered to plain JSON (no lazy strings)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return document


def _negatable(operation: APIOperation) -> bool:
    """Negative cases need something to break: a path or query parameter, or a body."""
    return bool(len(operation.path_parameters) or len(operation.query) or len(operation.body))


def _cases(operation: APIOperation) -> Iterator[Any]:
    for mode, role in EXAMPLES:
        if mode is GenerationMode.POSITIVE or _negatable(operation):
            yield pytest.param(operation, mode, role)


SCHEMA = schemathesis.openapi.from_dict(_openapi_document())
CASES = [case for result in SCHEMA.get_all_operations() for case in _cases(result.ok())]


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


@pytest.fixture
def fast_password_hashing(settings: Any) -> None:
    """Unknown usernames still cost one hash (against timing attacks); keep it cheap here."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.mark.parametrize(
    ("operation", "mode", "role"),
    CASES,
    ids=lambda value: value.label if isinstance(value, APIOperation) else str(value),
)
def test_api_operation_keeps_its_documented_contract(
    operation, mode, role, request, in_process_requests, fast_password_hashing
):
    token = Token.objects.create(user=request.getfixturevalue(role))
    headers = {"Authorization": f"Token {token.key}"}

    @hypothesis_settings(
        max_examples=EXAMPLES[mode, role],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(app=application, headers=headers, checks=CHECKS)

    call()
