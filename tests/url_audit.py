"""Audit every URL pattern of a URLconf: anonymous visitors must be refused, except on a short,
explicit list of public pages.

    unprotected_urls()                 # the project's ROOT_URLCONF
    unprotected_urls("some.urlconf")   # any other

Each pattern (the admin and the DRF router included) gets a concrete URL — its parameters
filled with plausible values — and one anonymous GET. Refused means 401, 403 or a redirect to
a login page. The result lists what is neither refused nor public, and any pattern for which no
URL could be built (so that a new kind of pattern cannot slip through unaudited).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

# Pages anyone may open: logging in and out, the language switch, the API's token endpoint, the
# health check (which says "ok" or "unavailable" and nothing else) and the liveness ping ("ok",
# touching nothing: the load benchmark's baseline). The web app's service worker, manifest and
# offline fallback page are code and fixed text, kept by the browser before anyone logs in.
PUBLIC_URL_NAMES = frozenset(
    {
        "service-worker",
        "web-manifest",
        "workbench:offline-fallback",
        "login",
        "logout",
        "set_language",
        "api-token",
        "admin:login",
        "admin:logout",
        "health",
        "ping",
    }
)

# Values tried for a URL parameter, by name first, then in this order.
VALUES_BY_NAME = {
    "code": "520627100200",
    "format": "json",
    "app_label": "auth",
    "client_token": "7f3a9c2e-5b1d-4c8e-9a6f-2d4b8e1c0a3f",
}
VALUES = ("1", "520627100200", "json", "x")


@dataclass(frozen=True)
class Leaf:
    route: str  # the concatenated pattern, as ResolverMatch.route gives it
    name: str | None  # namespaced, e.g. "admin:login"
    regexes: tuple[str, ...]  # one regex per level of inclusion


def unprotected_urls(urlconf: str | None = None) -> list[str]:
    client = Client()
    login_pages = {reverse("login", urlconf=urlconf), reverse("admin:login", urlconf=urlconf)}
    findings = []
    for leaf in _leaves(get_resolver(urlconf).url_patterns):
        if leaf.name in PUBLIC_URL_NAMES:
            continue
        url = _concrete_url(leaf, urlconf)
        if url is None:
            findings.append(f"no URL could be built for {leaf.route!r}")
            continue
        response = client.get(url)
        if not _refused(response, login_pages):
            findings.append(
                f"GET {url} answers {response.status_code} to anonymous ({leaf.route!r})"
            )
    return findings


def _refused(response: object, login_pages: set[str]) -> bool:
    status = getattr(response, "status_code", 0)
    if status in {401, 403}:
        return True
    if status in {301, 302, 303, 307, 308}:
        return urlsplit(response["Location"]).path in login_pages  # type: ignore[index]
    return False


def _leaves(
    patterns: list[URLPattern | URLResolver],
    route: str = "",
    namespace: str = "",
    regexes: tuple[str, ...] = (),
) -> Iterator[Leaf]:
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern
        # Joined the way Django joins ResolverMatch.route: without the inner "^".
        here = route + str(pattern.pattern).removeprefix("^") if route else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _leaves(pattern.url_patterns, here, inner, (*regexes, regex))
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Leaf(route=here, name=name, regexes=(*regexes, regex))


def _concrete_url(leaf: Leaf, urlconf: str | None) -> str | None:
    path = ""
    for regex in leaf.regexes:
        segment = _segment(regex)
        if segment is None:
            return None
        path += segment
    url = "/" + path
    try:
        match = resolve(url, urlconf=urlconf)
    except Resolver404:
        return None
    return url if match.route == leaf.route else None


def _segment(regex: str) -> str | None:
    """A string the (anchored) regex matches, its groups filled with plausible values."""
    template, params = normalize(regex)[0]
    values = {}
    for param in params:
        value = _value_for(param, _group_regex(regex, param))
        if value is None:
            return None
        values[param] = value
    segment: str = template % values
    return segment if re.search(regex, segment) else None


def _value_for(name: str, group: str) -> str | None:
    candidates = [VALUES_BY_NAME[name]] if name in VALUES_BY_NAME else []
    candidates += VALUES
    for value in candidates:
        if re.fullmatch(group, value):
            return value
    # An alternation of plain words (the admin's app labels): its first word.
    if re.fullmatch(r"\w+(\|\w+)*", group):
        return group.split("|")[0]
    return None


def _group_regex(regex: str, name: str) -> str:
    """The body of the named group ``(?P<name>…)``, nested groups and classes included."""
    start = regex.index(f"(?P<{name}>") + len(f"(?P<{name}>")
    depth, index, in_class = 1, start, False
    while depth:
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        index += 1
    return regex[start : index - 1]
