"""Demo logins, one per role, for a first run. Never loaded in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from regions.models import Assignment, Region, Role

DEMO_PASSWORD = "tongren-demo"

YANHE = "520627000000"
BIJIANG = "520602000000"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region_code: str
    description: str
    # The person's name, shown wherever the person is (never the login).
    name: str


def _first_village(county_code: str) -> Region:
    """The first villagers' committee (村委会) of the county's first town (镇)."""
    return Region.objects.filter(
        level="village", code__startswith=county_code[:6], code__regex=r"^\d{6}1\d\d2\d\d$"
    ).order_by("code").first() or Region.objects.get(code=county_code)


def demo_logins() -> list[DemoLogin]:
    village_yanhe = _first_village(YANHE)
    village_bijiang = _first_village(BIJIANG)
    township = village_yanhe.parent_id or YANHE
    return [
        DemoLogin("demo_city", Role.CITY_SUPERVISOR, "520600000000", "市级督导（全市）", "杨文华"),
        DemoLogin("demo_county", Role.COUNTY_SUPERVISOR, YANHE, "沿河县扶贫办", "田茂林"),
        DemoLogin("demo_township", Role.TOWNSHIP_REVIEWER, township, "沿河县乡镇审核", "冉光明"),
        DemoLogin("demo_cadre", Role.VILLAGE_CADRE, village_yanhe.code, "沿河县村干部", "张秀英"),
        DemoLogin("demo_team", Role.WORK_TEAM, village_yanhe.code, "沿河县驻村工作队", "龙建国"),
        DemoLogin(
            "demo_cadre_bijiang", Role.VILLAGE_CADRE, village_bijiang.code, "碧江区村干部", "吴海燕"
        ),
        DemoLogin(
            "demo_api", Role.API_CLIENT, "520600000000", "接口客户端（全市）", "数据接口（全市）"
        ),
    ]


@transaction.atomic
def load_demo_logins() -> list[DemoLogin]:
    """Create or refresh the demo users; the API client also gets a token."""
    user_model = get_user_model()
    logins = demo_logins()
    for login in logins:
        user, _created = user_model.objects.get_or_create(username=login.username)
        user.set_password(DEMO_PASSWORD)
        # A Chinese name is written whole, surname first: all of it in first_name.
        user.first_name, user.last_name = login.name, ""
        user.save()
        Assignment.objects.update_or_create(
            user=user, defaults={"role": login.role, "region_id": login.region_code}
        )
        if login.role == Role.API_CLIENT:
            Token.objects.get_or_create(user=user)
    admin, _created = user_model.objects.get_or_create(
        username="demo_admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin.set_password(DEMO_PASSWORD)
    admin.first_name, admin.last_name = "系统管理员", ""
    admin.save()
    return logins
