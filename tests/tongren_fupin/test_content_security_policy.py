import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    pairs = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(pairs)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/api/v1/regions/"], ids=["page", "api"])
def test_every_answer_carries_exactly_the_policy(client, url):
    response = client.get(url)

    assert _directives(response["Content-Security-Policy"]) == POLICY


def test_the_policy_reaches_the_error_pages_too(client, city_supervisor):
    client.force_login(city_supervisor)

    response = client.get("/regions/520699999999/")

    assert response.status_code == 404
    assert _directives(response["Content-Security-Policy"]) == POLICY


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event-handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for pattern, what in INLINE_CODE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]

    assert found == []


def test_api_docs_load_every_script_and_style_from_a_file(client, city_supervisor):
    client.force_login(city_supervisor)

    html = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert [tag for pattern, tag in INLINE_CODE if pattern.search(html)] == []
    assert '<script src="/api/docs/?script="></script>' in html
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle(" in script.content.decode()
