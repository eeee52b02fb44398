"""Jurisdiction scoping: the one place that says what part of the tree a user may see.

Every selector, list, count, search, export and API queryset filters through
``scope_by_region``. Objects outside the jurisdiction are then simply absent, so views
answer 404 for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from regions.models import Assignment

M = TypeVar("M", bound=Model)
_CACHE_KEY = "_jurisdiction_assignment"


def remember_assignment(user: AbstractBaseUser) -> None:
    """The user came with its assignment and region (``select_related``): ``assignment_of``
    answers from them, without a query of its own."""
    try:
        assignment = user.assignment  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        assignment = None
    user.__dict__[_CACHE_KEY] = assignment


def assignment_of(user: AbstractBaseUser | AnonymousUser) -> Assignment | None:
    """The user's assignment with its region, fetched once per user object."""
    if not user.is_authenticated:
        return None
    # request.user is a lazy object (set up by the line above): the cache is the user's own,
    # where the authentication backends leave the assignment they loaded with it.
    wrapped = user.__dict__.get("_wrapped")
    cache = (user if wrapped is None else wrapped).__dict__
    if _CACHE_KEY not in cache:
        from regions.models import Assignment

        cache[_CACHE_KEY] = (
            Assignment.objects.select_related("region").filter(user_id=user.pk).first()
        )
    found: Assignment | None = cache[_CACHE_KEY]
    return found


def jurisdiction_prefix(user: Any) -> str | None:
    """Region-code prefix the user may see: ``""`` for operators, ``None`` for nobody."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ""
    assignment = assignment_of(user)
    return assignment.region.prefix if assignment else None


def scope_by_region(queryset: QuerySet[M], user: Any, field: str = "region") -> QuerySet[M]:
    """Restrict ``queryset`` to rows whose ``field`` (a Region FK or code) is in jurisdiction.

    ``field`` may be ``"code"`` for the Region table itself. A foreign key to Region holds
    the code, so the filter needs no join.
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return queryset.none()
    return within_prefix(queryset, prefix, field)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest code-prefix after every code starting with ``prefix`` ("5206" → "5207")."""
    return str(int(prefix) + 1).zfill(len(prefix))


def within_prefix(queryset: QuerySet[M], prefix: str, field: str = "region") -> QuerySet[M]:
    """Rows whose region code starts with ``prefix``, as a range on the code.

    A range (``code >= '520627' AND code < '520628'``) uses an ordinary b-tree index under any
    collation, and lets a composite index (region, …) return rows already in order; a LIKE
    needs a pattern index and cannot.
    """
    if prefix == "":
        return queryset
    column = "code" if field == "code" else f"{field}__code"
    return queryset.filter(
        **{f"{column}__gte": prefix, f"{column}__lt": prefix_upper_bound(prefix)}
    )


def in_jurisdiction(user: Any, region_code: str) -> bool:
    prefix = jurisdiction_prefix(user)
    return prefix is not None and region_code.startswith(prefix)
