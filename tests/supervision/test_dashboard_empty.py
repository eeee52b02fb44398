"""A dashboard chart with no figure for the jurisdiction says so instead of drawing an empty box."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_township_reviewer_is_told_incidence_is_counted_per_county(
    township_reviewer: Any,
) -> None:
    client = Client()
    client.force_login(township_reviewer)

    response = client.get("/supervision/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    html = response.content.decode()
    assert "本辖区没有该指标数据：该指标按县（区）统计。" in html
    assert 'id="chart-incidence" class="chart" role="img" hidden' in html
    # the table stays, so the regions are still listed
    assert html.count('class="chart-table"') == 4
