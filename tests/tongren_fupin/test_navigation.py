"""The menu: each role's entries, built once per role and language, the open page marked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from regions.models import Role
from regions.roles import has_role
from tests.regions.factories import UserFactory, assigned_user
from tongren_fupin.navigation import NAV_ITEMS, _menu, navigation

REGION_OF = {
    Role.VILLAGE_CADRE: "520627100200",
    Role.WORK_TEAM: "520627100200",
    Role.TOWNSHIP_REVIEWER: "520627100000",
    Role.COUNTY_SUPERVISOR: "520627000000",
    Role.CITY_SUPERVISOR: "520600000000",
    Role.API_CLIENT: "520627000000",
}


def menu_of(user: Any, path: str = "/") -> list[dict[str, Any]]:
    request = RequestFactory().get(path)
    request.user = user
    items = navigation(request)["nav_items"]
    assert isinstance(items, list)
    return items


def expected(user: Any) -> list[str]:
    """Each entry whose roles the user holds (``has_role``), in the menu's order."""
    return [str(item.label) for item in NAV_ITEMS if has_role(user, item.roles)]


@pytest.mark.django_db
@pytest.mark.sqlite
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_entries_of_its_roles_in_either_language(role: Role) -> None:
    user = assigned_user(f"nav_{role}", role, REGION_OF[role])
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels = [item["label"] for item in menu_of(user)]
            assert labels == expected(user)
            assert labels[0] == str(NAV_ITEMS[0].label)
    with translation.override("zh-hans"):
        assert menu_of(user)[0]["label"] == "首页"
    with translation.override("en"):
        assert menu_of(user)[0]["label"] == "Home"


@pytest.mark.django_db
@pytest.mark.sqlite
def test_the_open_page_is_marked_and_an_operator_sees_everything_and_the_admin() -> None:
    cadre = assigned_user("nav_cadre", Role.VILLAGE_CADRE, REGION_OF[Role.VILLAGE_CADRE])
    problems = reverse("inspections:problems")
    marked = [item["url"] for item in menu_of(cadre, problems) if item["active"]]
    assert marked == [problems]
    assert not any(item["active"] for item in menu_of(cadre, "/nowhere/"))

    operator = UserFactory(username="nav_operator", is_superuser=True, is_staff=True)
    items = menu_of(operator, reverse("admin:index"))
    assert [item["label"] for item in items[:-1]] == [str(item.label) for item in NAV_ITEMS]
    assert items[-1]["url"] == reverse("admin:index") and items[-1]["active"] is False


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_changed_role_gets_its_own_menu_at_once() -> None:
    user = assigned_user("nav_moved", Role.VILLAGE_CADRE, REGION_OF[Role.VILLAGE_CADRE])
    before = [item["label"] for item in menu_of(user)]
    user.assignment.role = Role.COUNTY_SUPERVISOR
    user.assignment.region_id = REGION_OF[Role.COUNTY_SUPERVISOR]
    user.assignment.save()
    moved = type(user).objects.get(pk=user.pk)
    after = [item["label"] for item in menu_of(moved)]
    assert after != before and after == expected(moved)
    assert _menu.cache_info().currsize >= 2
