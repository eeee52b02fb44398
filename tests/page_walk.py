"""Walk every page a user can reach, as that user: the time and the queries of each.

    pages = walk(client)            # a logged-in django.test.Client
    pages = walk(client, start="/households/", limit=200, per_route=3)

From the start page, every same-site link of every HTML page is followed (GET only), breadth
first, up to ``limit`` pages and ``per_route`` URLs of one route (a household's page is opened for
three households, not for all of them). Left out: logging out, the language switch, the admin,
static and media files, the API (its own fuzz covers it) and links to other sites. Each page is
requested once, with the queries it ran counted; a page that answers a file is recorded but not
parsed.

The benchmark ``bench/page_walk.py`` runs it on the full-scale register and prints the table;
``tests/tongren_fupin/test_page_walk.py`` runs it before and after the register grows and finds
no page whose query count followed the data.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

SKIPPED_PREFIXES = (
    "/logout",
    "/accounts/logout",
    "/i18n/",
    "/admin",
    "/static/",
    "/media/",
    "/api/",
)


@dataclass(frozen=True)
class Page:
    url: str
    route: str
    status: int
    ms: float
    queries: int


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def route_of(url: str) -> str | None:
    """The URL pattern's name (or route) and the names of the query parameters; None for a URL
    that is not one of the project's pages."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name or match.route
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return name + ("?" + "&".join(keys) if keys else "")


def _same_site_path(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    absolute = urlsplit(urljoin("http://testserver" + base, href))
    if absolute.hostname != "testserver":
        return None
    path = absolute.path + (f"?{absolute.query}" if absolute.query else "")
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path


def walk(client: Client, start: str = "/", limit: int = 300, per_route: int = 3) -> list[Page]:
    client.get(start)  # the session and the user's assignment, as on any later page
    seen = {start}
    queue: deque[str] = deque([start])
    per: Counter[str] = Counter()
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        route = route_of(url)
        if route is None:
            continue
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - began) * 1000
        pages.append(Page(url, route, response.status_code, round(ms, 1), len(queries)))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            path = _same_site_path(url, href)
            if path is None or path in seen:
                continue
            seen.add(path)
            next_route = route_of(path)
            if next_route is None or per[next_route] >= per_route:
                continue
            per[next_route] += 1
            queue.append(path)
    return pages


def measure(client: Client, urls: list[str]) -> list[Page]:
    """The same pages again (after the data changed, say), in the same order."""
    pages = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - began) * 1000
        pages.append(
            Page(url, route_of(url) or url, response.status_code, round(ms, 1), len(queries))
        )
    return pages
