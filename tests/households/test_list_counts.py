"""List pages say what their count counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "count_text"),
    [("/monitoring/", "共 0 个监测对象"), ("/exits/", "共 0 份申请")],
)
def test_the_count_under_the_title_names_its_unit(
    cadre_yanhe: Any, url: str, count_text: str
) -> None:
    client = Client()
    client.force_login(cadre_yanhe)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    head = response.content.decode().split('class="page-head"')[1].split("</hgroup>")[0]
    assert count_text in head
