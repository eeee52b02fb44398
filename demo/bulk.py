"""Plain inserts for the generators, without building a model instance per row: ``COPY`` on
PostgreSQL, ``executemany`` on SQLite. Values are given as Python values (str, int, bool,
date, aware datetime, UUID); nothing is validated — the generator makes valid rows."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows of ``model`` written with their ``id``."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``fields``, model field names); returns how many."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [_column(model, name) for name in fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        values = [[_sqlite_value(v) for v in row] for row in rows]
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", values)
        return len(values)


def insert_objects(objects: Sequence[models.Model]) -> int:
    """Unsaved model instances (of one model) inserted as rows, without their primary keys:
    every other concrete field as the instance holds it, ``auto_now`` fields the time now.
    For models without JSON fields (the values go to the database as they are)."""
    if not objects:
        return 0
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False)]
    stamped += [f.attname for f in fields if getattr(f, "auto_now_add", False)]
    names = [f.attname for f in fields]
    rows = ([now if name in stamped else getattr(obj, name) for name in names] for obj in objects)
    return insert(model, [f.name for f in fields], rows)
