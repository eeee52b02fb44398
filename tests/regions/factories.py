from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from regions.models import Assignment, Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    role = "village_cadre"
    region = factory.LazyFunction(lambda: Region.objects.get(code="520627100200"))


def assigned_user(username: str, role: str, region_code: str, **extra: Any) -> Any:
    """A user with an assignment to an existing region of the Tongren fixture."""
    assignment = AssignmentFactory(
        user=UserFactory(username=username, **extra),
        role=role,
        region=Region.objects.get(code=region_code),
    )
    return assignment.user
