"""History rows name fields and related records the way users know them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from relocation import services as relocation_services
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_relocation_history_shows_the_household_field_and_the_site_name(
    cadre_yanhe: Any,
) -> None:
    household = HouseholdFactory()
    MemberFactory(household=household)
    site = SiteFactory(name="甘溪安置点")
    relocation_services.relocation_record(
        actor=cadre_yanhe, household=household, site=site, moved_in=datetime.date(2019, 6, 1)
    )
    client = Client()
    client.force_login(cadre_yanhe)

    page = client.get(f"/households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    history = page.content.decode().split('id="history"')[1]
    assert "is_relocated" not in history
    assert "易地搬迁户" in history
    assert "<td>甘溪安置点</td>" in history
    assert f"<td>{site.pk}</td>" not in history
