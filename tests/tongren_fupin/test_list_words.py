"""Every list page with a filter says the same words: 搜索 to apply it, 重置 (a link back to the
unfiltered list) to clear it."""

from __future__ import annotations

import re
from pathlib import Path

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


def list_templates() -> list[Path]:
    """Every template of a list page (``*list*.html``, the exit queue, the region browser)."""
    root = Path(__file__).resolve().parents[2]
    found = [
        path
        for pattern in ("templates/**/*.html", "*/templates/**/*.html")
        for path in root.glob(pattern)
        if "node_modules" not in path.parts and ".venv" not in path.parts
    ]
    return sorted(
        path
        for path in found
        if "list" in path.name or path.name in {"queue.html", "_region_browser.html"}
    )


def test_every_list_template_with_a_filter_uses_the_same_words():
    templates = list_templates()
    filtered = [path for path in templates if 'class="filters' in path.read_text()]
    assert len(filtered) >= 10
    for path in filtered:
        text = path.read_text()
        assert '{% translate "Search" %}</button>' in text, path
        assert '{% translate "Reset" %}</a>' in text, path
        assert "Filter" not in text and "过滤" not in text, path
