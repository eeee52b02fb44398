"""Every API operation, fuzzed from its OpenAPI description (schemathesis + Hypothesis).

Two phases, both against a register with rows of every kind (``fuzz_data``), on PostgreSQL and
on SQLite (marked ``sqlite``), sent in-process to the WSGI application in the test database:

- each operation alone: schema-conforming (positive) requests as a city supervisor and as a
  village cadre, schema-violating (negative) ones as the supervisor; the path parameters of the
  positive ones are often an existing row's, so that answers carry real bodies;
- sequences (the stateful phase): an answer's ids feed the next request along the links
  schemathesis infers (a list, then an item, then its actions), as each persona.

Every answer must be below 500 and carry a documented status code, content type and body.
What the fuzz leaves out, and why: docs/decisions/0023-schema-conformance-fuzz.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.db import connection, transaction
from django.test import TestCase
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import APIOperation, GenerationMode

from tests.api_schema import CHECKS, in_process_requests, openapi_schema  # noqa: F401
from tests.tongren_fupin.fuzz_data import known_path_parameters, seed_register
from tongren_fupin.wsgi import application

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.sqlite,
    pytest.mark.usefixtures("in_process_requests"),
]

# Examples per operation, split where they find the most: valid requests as the supervisor
# reach every code path, invalid ones as the supervisor reach the validation that must refuse
# them (a cadre's would mostly stop at the permission check), valid ones as a cadre exercise
# the scoping. Derandomized: the same examples every run.
EXAMPLES = {
    (GenerationMode.POSITIVE, "city_supervisor"): 8,
    (GenerationMode.NEGATIVE, "city_supervisor"): 5,
    (GenerationMode.POSITIVE, "cadre_yanhe"): 4,
}
# The stateful phase: scenarios per persona and the longest sequence of calls in one.
SCENARIOS = 25
STEPS = 6
SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
}


def _negatable(operation: APIOperation) -> bool:
    """Negative cases need something to break: a path or query parameter, or a body."""
    return bool(len(operation.path_parameters) or len(operation.query) or len(operation.body))


def _cases(operation: APIOperation) -> Iterator[Any]:
    for mode, role in EXAMPLES:
        if mode is GenerationMode.POSITIVE or _negatable(operation):
            yield pytest.param(operation, mode, role)


SCHEMA = openapi_schema()
CASES = [case for result in SCHEMA.get_all_operations() for case in _cases(result.ok())]


@pytest.fixture(scope="module")
def register(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """The rows and the personas' tokens, written once for the module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=False):
            users = seed_register()
            tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
        connection.check_constraints()
        yield tokens
        transaction.set_rollback(True)


@pytest.fixture
def fast_password_hashing(settings: Any) -> None:
    """Unknown usernames still cost one hash (against timing attacks); keep it cheap here."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def as_persona(
    register: dict[str, str], fast_password_hashing: None
) -> Callable[[str], dict[str, str]]:
    return lambda role: {"Authorization": f"Token {register[role]}"}


@pytest.mark.parametrize(
    ("operation", "mode", "role"),
    CASES,
    ids=lambda value: value.label if isinstance(value, APIOperation) else str(value),
)
def test_api_operation_keeps_its_documented_contract(operation, mode, role, as_persona):
    headers = as_persona(role)
    known = known_path_parameters(operation.path)
    # Valid requests name an existing row about half the time (None: the generated parameters).
    existing = None
    if known and mode is GenerationMode.POSITIVE:
        existing = st.one_of(st.none(), st.sampled_from(known))

    @hypothesis_settings(
        max_examples=EXAMPLES[mode, role], phases=[Phase.explicit, Phase.generate], **SETTINGS
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def call(case: schemathesis.Case, data: st.DataObject) -> None:
        if existing is not None and (parameters := data.draw(existing)) is not None:
            case.path_parameters = {**(case.path_parameters or {}), **parameters}
        case.call_and_validate(app=application, headers=headers, checks=CHECKS)

    call()


@pytest.mark.parametrize("role", ["city_supervisor", "cadre_yanhe"])
def test_api_sequences_keep_their_documented_contract(role, as_persona):
    headers = as_persona(role)

    class Sequences(SCHEMA.as_state_machine()):
        # Every scenario starts from the same register: what one scenario's calls wrote is rolled
        # back before the next. Hypothesis replays the start of earlier scenarios to grow new
        # ones; on a register the earlier ones had changed (a hukou transferred, a problem
        # closed), the same start would answer differently and the links feed other ids.
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            cache.clear()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"app": application, "headers": headers}

        def validate_response(
            self, response: Any, case: schemathesis.Case, additional_checks: Any = None, **_: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    Sequences.run(
        settings=hypothesis_settings(
            max_examples=SCENARIOS, stateful_step_count=STEPS, phases=[Phase.generate], **SETTINGS
        )
    )
