"""Every jurisdiction-scoped selector carries the region-code prefix to the tables that would be
distributed by county (Citus, docs/scaling.md): a query on one of them without a predicate on
a region code would fan out to every shard. The exceptions are listed below, each with why.

The selectors are found, not listed: every public function of an app's ``selectors`` module (or
package) that takes the requesting ``user``. Each runs for a county supervisor and a village
cadre of 沿河 (neither sees the whole city, so every scoped query has a prefix to carry) on a
small register; its lazy answer is read to the end.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import QuerySet
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from assistance.selectors.summary import SummaryFilters
from households.models import Household
from inspections.models import Problem
from regions.models import Region
from supervision.models import Report, ReportKind
from supervision.periods import parse_period
from tests.households.factories import MemberFactory, household_with_head, income
from tests.regions.factories import assigned_user
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db

YANHE = "520627000000"
VILLAGE = "520627100200"

# Why a query on a distributed table may go without the prefix. Keyed by (selector, table).
# Each would change under Citus as said: the county column added to the row it reads, or the
# table kept as a reference table.
ANNOTATE_PAGE = (
    "households.models.annotate_page: the head's name and the size of one page of households, "
    "by their ids (`household_id IN (…)`), after the page itself was read in scope. Under "
    "Citus it fans out to every shard; the change is to pass the page's county codes along "
    "(`county IN (…) AND household_id IN (…)`), known from the rows of the page."
)
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("my_tasks", "households_member"): ANNOTATE_PAGE,
    ("my_tasks", "households_household"): ANNOTATE_PAGE,
    ("sync_record_get", "fieldsync_syncrecord"): (
        "fieldsync.selectors.sync_record_get: one of the user's own synced records by its unique "
        "client token, whatever became of its household since (a resend is answered the same). "
        "Under Citus the record would carry its household's county code, given by the phone "
        "with the token."
    ),
}

# A region code compared with a constant: the scope as a range (region_id >= '520627' AND
# region_id < '520628'), a prefix (LIKE '520627%'), one code, or a list of codes.
REGION_PREDICATE = re.compile(
    r"""(?:region_id|region_code|\bregion)"?(?:::text)?\)?\s*"""
    r"""(?:>=|<=|=|<|>|LIKE|IN\s*\(|BETWEEN)\s*'5\d*""",
    re.IGNORECASE,
)


def household_tables() -> set[str]:
    """The tables whose rows belong to a household: the household, and every model holding a
    foreign key (or a chain of them) to one — the rows Citus would co-locate by county."""
    tables = {Household._meta.db_table}
    owned: set[type[models.Model]] = {Household}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in owned:
                continue
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey | models.OneToOneField)
                    and field.related_model in owned
                    and not field.null
                ):
                    owned.add(model)
                    tables.add(model._meta.db_table)
                    changed = True
                    break
    return tables


DISTRIBUTED = household_tables()


def scoped_selectors() -> Iterator[tuple[str, Callable[..., Any]]]:
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.selectors")
        except ModuleNotFoundError:
            continue
        for inner in [module, *submodules(module)]:
            for name, function in inspect.getmembers(inner, inspect.isfunction):
                if name.startswith("_") or function.__module__ != inner.__name__:
                    continue
                if "user" in inspect.signature(function).parameters:
                    yield f"{inner.__name__}.{name}", function


def submodules(package: ModuleType) -> list[ModuleType]:
    if not hasattr(package, "__path__"):
        return []
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def tables_in(sql: str) -> set[str]:
    return {table for table in DISTRIBUTED if re.search(rf'\b"?{table}"?\b', sql)}


def arguments(function: Callable[..., Any], user: Any, world: dict[str, Any]) -> dict[str, Any]:
    """The arguments of a selector from its parameter names (a selector's own first, e.g. the
    ``pk`` of ``member_get``); optional ones keep their default. An unknown required name fails
    the test: add it to ``world``."""
    kwargs: dict[str, Any] = {}
    own = world["by_selector"].get(function.__name__, {})
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "user":
            kwargs[name] = user
        elif name in own:
            kwargs[name] = own[name]
        elif name in world:
            kwargs[name] = world[name]
        elif parameter.default is inspect.Parameter.empty:
            raise AssertionError(f"{function.__qualname__}: no value for {name!r}")
    return kwargs


def read_through(value: Any) -> None:
    """Evaluate a lazy answer the way its page would."""
    if isinstance(value, QuerySet):
        list(value)
    elif isinstance(value, dict):
        for item in value.values():
            read_through(item)
    elif isinstance(value, list | tuple):
        for item in value:
            read_through(item)


@pytest.fixture
def world() -> dict[str, Any]:
    """A small register of 沿河 and the values the selectors take by name."""
    household = household_with_head(identification_year=2014)
    member = MemberFactory(household=household, name="田小明", relation="03")
    income(household, 2019, Decimal("5000"), 2)
    problem = Problem.objects.create(
        household=household,
        source="visit",
        category="diligence",
        description="危房改造未验收",
        deadline=datetime.date(2020, 11, 1),
    )
    county = Region.objects.get(code=YANHE)
    report = Report.objects.create(
        kind=ReportKind.BULLETIN, region_id="520600000000", period="2019-09", title="通报"
    )
    return {
        "by_selector": {
            "member_get": {"pk": member.pk},
            "problem_get": {"pk": problem.pk},
            "report_get": {"pk": report.pk},
            "assistance_summary": {"filters": SummaryFilters()},
            "published_figures": {"filters": SummaryFilters()},
            "sync_record_get": {"client_token": "7f3a9c2e-5b1d-4c8e-9a6f-2d4b8e1c0a3f"},
        },
        "report": report,
        "pk": household.pk,
        "household": household,
        "members": [member],
        "shown": (),
        "channel": "page",
        "problem": problem,
        "visit_ids": [],
        "region": county,
        "code": YANHE,
        "county_code": YANHE,
        "term": "田",
        "today": datetime.date(2020, 11, 20),
        "on": datetime.date(2020, 12, 31),
        "year": 2020,
        "suspects": [],
        "period": parse_period("2019"),
        "filters": None,
    }


def unprefixed(user: Any, world: dict[str, Any]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for name, selector in scoped_selectors():
        kwargs = arguments(selector, user, world)
        with (
            CaptureQueriesContext(connection) as queries,
            contextlib.suppress(Http404, PermissionDenied, DomainError),  # a refusal's count too
        ):
            read_through(selector(**kwargs))
        for query in queries.captured_queries:
            sql = query["sql"]
            for table in tables_in(sql):
                if not REGION_PREDICATE.search(sql):
                    found.setdefault((name.rsplit(".", 1)[-1], table), sql)
    return found


def test_every_scoped_selector_carries_the_region_prefix_to_the_distributed_tables(world):
    users = [
        assigned_user("dist_county", "county_supervisor", YANHE),
        assigned_user("dist_cadre", "village_cadre", VILLAGE),
    ]

    found: dict[tuple[str, str], str] = {}
    for user in users:
        found.update(unprefixed(user, world))

    unexplained = {key: sql for key, sql in found.items() if key not in EXCEPTIONS}
    assert unexplained == {}, "\n\n".join(f"{k}: {sql}" for k, sql in unexplained.items())
    stale = set(EXCEPTIONS) - set(found)
    assert stale == set(), f"listed as exceptions but carrying the prefix now: {stale}"


def test_the_distributed_tables_are_the_household_s_rows():
    assert {
        "households_household",
        "households_member",
        "households_annualincome",
        "inspections_visit",
        "inspections_problem",
        "households_exitapplication",  # exits.ExitApplication, its table named before the app
        "households_monitoringcase",  # monitoring.MonitoringCase, likewise
        "exits_suspect",
    } <= DISTRIBUTED
    assert "regions_region" not in DISTRIBUTED  # a reference table: every node holds it
