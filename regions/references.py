"""Ids that a write names (a household, a member, a site, a region, …), resolved within the
caller's jurisdiction — so that an id outside it and an id that does not exist get the same
answer: 404, ``{"code": "not_found", "errors": {<field>: [...]}}``, word for word the same
(``docs/decisions/0020-report-scope.md``).

An API write declares such a field with ``InJurisdiction`` (one id) or resolves a list with
``resolve_all``; either needs the request in the serializer's context.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from regions.models import PREFIX_LENGTH
from regions.scoping import jurisdiction_prefix, scope_by_region
from tongren_fupin.api.fields import IdField
from tongren_fupin.errors import DomainError

# The largest id a database key holds (a bigint); anything larger names nothing.
MAX_ID = 2**63 - 1


def not_found(field: str) -> DomainError:
    """The one answer for a referenced id outside the jurisdiction or without a record."""
    message = _("No such record in your jurisdiction.")
    return DomainError("not_found", f"{field}: {message}", errors={field: [message]}, status=404)


def key_of(value: Any) -> Any:
    """An integer id as the database can hold it, or ``None`` when it can name no record (not
    a whole number, or out of the key's range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value


class Referenced(serializers.PrimaryKeyRelatedField):
    """A referenced record by its id; an id that names no record (or is no id at all) answers
    404 naming the field, like a record outside the jurisdiction (``InJurisdiction``)."""

    def scoped(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def key(self, data: Any) -> Any:
        return key_of(data)

    def to_internal_value(self, data: Any) -> Model:
        key = self.key(data)
        queryset = self.get_queryset()
        assert queryset is not None  # a writable field has one
        found = None if key is None else self.scoped(queryset).filter(pk=key).first()
        if found is None:
            raise not_found(self.field_name or "")
        return found


class InJurisdiction(Referenced):
    """A referenced record looked up only among the records in the requesting user's
    jurisdiction: ``scope`` is the path to the record's region, as for ``scope_by_region``
    (``"code"`` for a region itself); ``None`` for users, who are in scope when their
    jurisdiction lies within the caller's or above it.

    Another jurisdiction's id, an id that does not exist and an id out of range all answer 404
    in the same words."""

    def __init__(self, *, scope: str | None = "region", **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def scoped(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        user = self.context["request"].user
        if self.scope is None:
            return people_in_line(queryset, user)
        return scope_by_region(queryset, user, self.scope)

    def key(self, data: Any) -> Any:
        if self.scope == "code":  # a region's key is its 12-digit code
            return data if isinstance(data, str) and len(data) == 12 and data.isdigit() else None
        return key_of(data)


class ReferencedId(IdField):
    """One id of a list of references (``resolve_all`` finds them): an id out of the key's
    range names no record, so it is the list's 404 like a missing one, not a range error."""

    def to_internal_value(self, data: Any) -> int:
        key = key_of(data)
        if key is None:
            raise not_found(getattr(self.parent, "field_name", "") or self.field_name or "")
        return int(key)


def people_in_line(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Users whose jurisdiction lies within the caller's, or above it (the county's supervisor
    for a village cadre); operators, who have no assignment, are not named."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return queryset.none()
    within = scope_by_region(queryset, user, "assignment__region")
    above = [prefix[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n < len(prefix)]
    return queryset.filter(Q(pk__in=within.values("pk")) | Q(assignment__region_id__in=above))


def resolve_all(queryset: QuerySet[Any], user: Any, ids: Iterable[Any], field: str,
                scope: str = "region") -> list[Any]:  # fmt: skip
    """Records by id, each in the jurisdiction, in the order given (repeats once); one id that
    names nothing there is the field's 404."""
    keys = [key_of(value) for value in ids]
    if any(key is None for key in keys):
        raise not_found(field)
    found = {r.pk: r for r in scope_by_region(queryset, user, scope).filter(pk__in=keys)}
    if any(key not in found for key in keys):
        raise not_found(field)
    return [found[key] for key in dict.fromkeys(keys)]


class ReferencedExtension(OpenApiSerializerFieldExtension):
    """The schema says a referenced id's range (a region's code is a 12-digit string), so
    clients and the fuzz tests know it."""

    target_class = Referenced
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if schema.get("type") == "integer":
            schema = {**schema, "minimum": 1, "maximum": MAX_ID}
        return schema
