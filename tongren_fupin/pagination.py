"""Pagination whose cost does not grow with the register.

Counting every row of a large jurisdiction (200,000 households for the city) costs more than
the page itself. The paginator counts exactly up to ``EXACT_COUNT_LIMIT`` rows and beyond that
takes PostgreSQL's estimate, saying so (``count_exact``), as large lists usually do.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

EXACT_COUNT_LIMIT = 10_000


def bounded_count(queryset: Any) -> tuple[int, bool]:
    """(count, exact): exact up to the limit, else the planner's estimate (never lower)."""
    if not isinstance(queryset, QuerySet):
        return len(queryset), True
    counted = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
    if counted <= EXACT_COUNT_LIMIT:
        return counted, True
    return max(counted, _estimate(queryset)), False


def _estimate(queryset: QuerySet[Any]) -> int:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        total, self.count_exact = bounded_count(self.object_list)
        return total

    count_exact = True
