"""Fixtures of the assistance tests: the Tongren assistance reference data and projects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from assistance.models import FundFlow, FundFlowKind, Project, ProjectCategory, Scheme
from tests.conftest import BIJIANG, YANHE

ASSISTANCE_FIXTURE = "fixtures/tongren_assistance/tongren_assistance.json"


@pytest.fixture
def tongren_assistance(db: None) -> None:
    call_command("loaddata", ASSISTANCE_FIXTURE, verbosity=0)


def make_project(region: str = YANHE, **fields: Any) -> Project:
    values: dict[str, Any] = {
        "name": "产业路",
        "scheme": Scheme.EAST_WEST,
        "target_region_id": region,
        "category": ProjectCategory.INFRASTRUCTURE,
        "year": 2020,
        "planned_amount": Decimal("1000000.00"),
    }
    values.update(fields)
    return Project.objects.create(**values)


def add_flow(project: Project, kind: str, amount: str, date: str = "2020-05-01") -> FundFlow:
    """A flow written directly, for setting up data the test does not check the writing of."""
    return FundFlow.objects.create(project=project, kind=kind, amount=Decimal(amount), date=date)


@pytest.fixture
def yanhe_project(db: None) -> Project:
    project = make_project(name="沿河产业路")
    add_flow(project, FundFlowKind.ALLOCATED, "1000000.00")
    return project


@pytest.fixture
def bijiang_project(db: None) -> Project:
    return make_project(BIJIANG, name="碧江产业路")
