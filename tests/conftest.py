"""Shared fixtures: the Tongren regions loaded once per test database, and the named cast.

The cast (see STYLE.md): cadre_yanhe and cadre_bijiang (village cadres in two counties),
township_reviewer, county_supervisor (沿河), city_supervisor, api_client, anonymous.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.regions.factories import UserFactory, assigned_user

REGIONS_FIXTURE = "fixtures/tongren_regions/tongren_regions.json"
YANHE_VILLAGE = "520627100200"
YANHE_TOWNSHIP = "520627100000"
YANHE = "520627000000"
BIJIANG_VILLAGE = "520602100200"
BIJIANG = "520602000000"
CITY = "520600000000"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the Tongren region tree once; transactional tests (run last) reload it."""
    with django_db_blocker.unblock():
        call_command("loaddata", REGIONS_FIXTURE, verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, so no throttle count carries over between tests."""
    cache.clear()


@pytest.fixture
def tongren_regions(transactional_db: None) -> None:
    """For transactional tests, which start from an empty database: the regions, and the
    poverty lines the migrations seed (the exit standard is judged against them)."""
    call_command("loaddata", REGIONS_FIXTURE, verbosity=0)
    seeded = importlib.import_module("households.migrations.0002_seed_poverty_lines")
    seeded.seed(django_apps, None)


@pytest.fixture
def cadre_yanhe(db: None) -> Any:
    return assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)


@pytest.fixture
def cadre_bijiang(db: None) -> Any:
    return assigned_user("cadre_bijiang", "village_cadre", BIJIANG_VILLAGE)


@pytest.fixture
def work_team_yanhe(db: None) -> Any:
    return assigned_user("work_team_yanhe", "work_team", YANHE_VILLAGE)


@pytest.fixture
def township_reviewer(db: None) -> Any:
    return assigned_user("township_reviewer", "township_reviewer", YANHE_TOWNSHIP)


@pytest.fixture
def county_supervisor(db: None) -> Any:
    return assigned_user("county_supervisor", "county_supervisor", YANHE)


@pytest.fixture
def county_supervisor_bijiang(db: None) -> Any:
    return assigned_user("county_supervisor_bijiang", "county_supervisor", BIJIANG)


@pytest.fixture
def city_supervisor(db: None) -> Any:
    return assigned_user("city_supervisor", "city_supervisor", CITY)


@pytest.fixture
def api_client_user(db: None) -> Any:
    return assigned_user("api_client", "api_client", CITY)


@pytest.fixture
def operator(db: None) -> Any:
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def unassigned_user(db: None) -> Any:
    return UserFactory(username="unassigned")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def artifacts_dir() -> str:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


from tests.worker import celery_worker, queue_prefix, queue_workers  # noqa: E402, F401  (fixture re-export)
