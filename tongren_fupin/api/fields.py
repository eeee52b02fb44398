"""Integer inputs bounded by the range of the column they reach, checked before any query.

An id, a version or a count outside its column's range used to reach the database: PostgreSQL
answered "bigint out of range" and psycopg ``OverflowError`` for an id above 2^63 (a 500). Every
integer the API accepts is bounded here instead (the ranges: tongren_fupin/bounds.py), with a
message naming the accepted range.

``BoundedPrimaryKeyRelatedField`` is every ModelSerializer's related field (tongren_fupin/apps.py),
so a foreign key named in a write is bounded the same way without each serializer saying so.
``BoundedJSONField`` is every ``JSONField``'s, so JSON sent as a form field's text is decoded
within the JSON body's limits (tongren_fupin/api/parsers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from tongren_fupin.api.parsers import JSONOverLimit, bounded_loads
from tongren_fupin.bounds import (
    ID_MAX,
    ID_MIN,
    VERSION_MAX,
    VERSION_MIN,
    YEAR_MAX,
    YEAR_MIN,
    count_messages,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

_INTEGER_PKS = (models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField)


def range_message(low: int, high: int) -> Promise:
    """The refusal of an integer, naming the accepted range, in the language of the request."""
    return format_lazy(_("Give a whole number from {low} to {high}."), low=low, high=high)


def _range_messages(low: int, high: int) -> dict[str, Any]:
    message = range_message(low, high)
    return {"invalid": message, "max_value": message, "min_value": message}


class BoundedIntegerField(serializers.IntegerField):
    """An integer between ``low`` and ``high``; anything else is refused with that range."""

    low = ID_MIN
    high = ID_MAX

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", self.low)
        kwargs.setdefault("max_value", self.high)
        messages = _range_messages(kwargs["min_value"], kwargs["max_value"])
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class IdField(BoundedIntegerField):
    """The id of a row (``BigAutoField``)."""


class VersionField(BoundedIntegerField):
    """A row's version for optimistic locking (``PositiveIntegerField``)."""

    low = VERSION_MIN
    high = VERSION_MAX


class YearField(BoundedIntegerField):
    low = YEAR_MIN
    high = YEAR_MAX


class CountField(BoundedIntegerField):
    """A count of people or households within what is plausible (tongren_fupin/bounds.py),
    refused with a message naming the field: "覆盖人数：请填写 0 到 5000000 之间的整数。"."""

    def __init__(self, *, label: str | StrPromise, low: int, high: int, **kwargs: Any) -> None:
        messages = {**count_messages(label, low, high), **kwargs.pop("error_messages", {})}
        super().__init__(
            label=label, min_value=low, max_value=high, error_messages=messages, **kwargs
        )


def id_list_field(*, max_length: int = 1000, **kwargs: Any) -> serializers.ListField:
    """A list of ids, at most ``max_length`` of them."""
    return serializers.ListField(child=IdField(), max_length=max_length, **kwargs)


class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row named by its id: an id outside 1 … 2^63 − 1 is refused before the query."""

    def to_internal_value(self, data: Any) -> Any:
        queryset = self.get_queryset()
        if queryset is not None and isinstance(queryset.model._meta.pk, _INTEGER_PKS):
            try:
                number = int(data)
            except (TypeError, ValueError):
                self.fail("incorrect_type", data_type=type(data).__name__)
            if isinstance(data, bool) or not ID_MIN <= number <= ID_MAX:
                raise serializers.ValidationError(str(range_message(ID_MIN, ID_MAX)))
        return super().to_internal_value(data)


class BoundedJSONField(serializers.JSONField):
    """A JSON value; sent as text (a form or multipart field), it is decoded by
    ``bounded_loads``: DRF's own ``json.loads`` let a value nested 5,000 deep raise
    ``RecursionError`` (a 500) and took any depth below that."""

    def to_internal_value(self, data: Any) -> Any:
        if not (self.binary or getattr(data, "is_json_string", False)):
            return super().to_internal_value(data)
        try:
            return bounded_loads(data)
        except JSONOverLimit as exc:
            raise serializers.ValidationError(exc.message) from exc
        except (TypeError, ValueError):
            self.fail("invalid")


class BoundedPrimaryKeyRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """The schema says the range too, so clients and the fuzz tests know it."""

    target_class = BoundedPrimaryKeyRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if schema.get("type") == "integer":
            schema = {**schema, "minimum": ID_MIN, "maximum": ID_MAX}
        return schema


# An id in a query parameter, for the schema: OpenApiParameter("site", ID_PARAMETER).
ID_PARAMETER = {"type": "integer", "minimum": ID_MIN, "maximum": ID_MAX}


def query_id(params: Any, name: str) -> int | None:
    """The id a query parameter names, None when absent; anything else answers 400."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    field = IdField()
    try:
        return int(field.run_validation(raw))
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({name: exc.detail}) from exc
