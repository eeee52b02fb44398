"""Every list page with a filter says the same words: 搜索 to apply it, 重置 (a link back to the
unfiltered list) to clear it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

LIST_PAGES = [
    "/monitoring/",
    "/exits/",
    "/households/",
    "/problems/",
    "/look-back/",
    "/regions/520627000000/",
    "/assistance/pairings/",
    "/assistance/partners/",
    "/assistance/projects/",
    "/assistance/trainings/",
    "/assistance/job-placements/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_filter_says_search_and_offers_a_reset_link(url, county_supervisor):
    client = Client()
    client.force_login(county_supervisor)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<button type="submit">搜索</button>' in html
    resets = re.findall(r'<a href="([^"]*)" role="button" class="secondary outline">重置</a>', html)
    assert resets == [url]
    assert "过滤器" not in html
