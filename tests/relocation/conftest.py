from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

RELOCATION_FIXTURE = "fixtures/tongren_relocation/tongren_relocation.json"


@pytest.fixture
def tongren_relocation(db: None) -> None:
    """The seed's relocation figures (144 sites and their aggregate rows)."""
    call_command("loaddata", RELOCATION_FIXTURE, verbosity=0)


@pytest.fixture
def summary(tongren_relocation: None, city_supervisor: Any, api: Any) -> dict[str, Any]:
    api.force_authenticate(city_supervisor)
    response = api.get("/api/v1/relocation/summary/")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body
