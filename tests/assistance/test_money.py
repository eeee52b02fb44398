"""Money on the assistance pages: thousands separators, and 亿元 / 万元 as the seed writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from assistance.templatetags.assistance_money import money_unit, yuan
from tests.assistance.conftest import add_flow, make_project


@pytest.mark.parametrize(
    ("value", "grouped"),
    [
        (Decimal("80000000"), "80,000,000.00"),
        (Decimal("1234.5"), "1,234.50"),
        ("999.99", "999.99"),
        (Decimal("0"), "0.00"),
        (None, ""),
        ("not a number", ""),
    ],
)
def test_yuan_groups_thousands(value, grouped):
    assert yuan(value) == grouped


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        # The seed's figures, in the units it uses.
        ("80000000", "0.8亿元"),
        ("1705400000", "17.054亿元"),
        ("430000000", "4.3亿元"),
        ("1268000000", "12.68亿元"),
        ("222115400", "22211.54万元"),
        ("30591500", "3059.15万元"),
        ("21933000", "2193.3万元"),
        ("1000000", "100万元"),
        # No unit where it would not give the exact amount.
        ("1000000.01", ""),
        ("5000", ""),
        ("-80000000", ""),
    ],
)
def test_money_unit_in_chinese(value, unit):
    with translation.override("zh-hans"):
        assert money_unit(value) == unit


def test_money_unit_in_english():
    with translation.override("en"):
        assert money_unit("80000000") == "0.8 hundred million yuan"


def test_the_global_thousand_separator_stays_off():
    assert settings.USE_THOUSAND_SEPARATOR is False


def test_project_page_groups_amounts_but_not_ids(county_supervisor):
    project = make_project(id=12345, planned_amount=Decimal("2500000.00"))
    add_flow(project, "allocated", "1234567.89")
    client = Client()
    client.force_login(county_supervisor)
    html = client.get("/assistance/projects/12345/").content.decode()
    assert "2,500,000.00 元" in html and "250万元" in html
    assert "1,234,567.89" in html  # in the totals and in the flow table
    assert "/assistance/projects/12345/fund-flows/new/" in html
    assert "12,345" not in html


def test_project_list_groups_amounts(county_supervisor):
    add_flow(make_project(), "allocated", "80000000")
    client = Client()
    client.force_login(county_supervisor)
    html = client.get("/assistance/projects/").content.decode()
    assert "80,000,000.00" in html and "80000000.00" not in html
