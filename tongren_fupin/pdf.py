"""HTML → PDF (WeasyPrint), offline: a document's stylesheets and images come from the project's
static files and nothing else — villages and government intranets have no internet, and a
rendering that waited on one would hang the request.

    pdf_response(request, "publicity/notice.html", context, filename="notice.pdf")

The template is rendered as for the page, with ``pdf`` true in its context, so it can leave out
what only a screen needs (links, buttons). WeasyPrint needs Pango (system libraries) and, for
Chinese, a CJK font (``fonts-noto-cjk``): scripts/system-deps.sh and the Dockerfile install them.
It is imported on the first rendering, so a machine without them still serves every other page;
the system check below names what is missing (``manage.py check``, ``make runtime-check``).
"""

from __future__ import annotations

import functools
import mimetypes
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# The documents' base URL: `{% static %}` paths resolve against it, and no request for it could
# leave the machine (.invalid is reserved, RFC 2606); none is made — the fetcher answers it from
# the disk and refuses every other URL.
BASE_URL = "https://static.invalid/"


def static_file(url: str) -> str | None:
    """The local path of a static file given by its URL under ``BASE_URL``, or ``None``."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
    try:
        # The collected (and, in production, hashed) file first; the finders in development.
        if name and staticfiles_storage.exists(name):
            return str(staticfiles_storage.path(name))
        found = finders.find(name) if name else None
    except SuspiciousFileOperation:
        return None
    return found if isinstance(found, str) else None


@functools.cache
def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's ``HTML`` and a fetcher of the static files only (raises ``OSError`` when the
    system libraries are missing)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """A URL that is not a static file stops the rendering (``fail_on_errors``): a document
        must not depend on anything outside the project."""

        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url)
            if path is None:
                raise ValueError(f"only the project's static files are fetched, not {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as source:
                body = source.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return HTML, StaticFilesFetcher


def static_files_fetcher() -> Any:
    return _weasyprint()[1]()


def render_pdf(html: str) -> bytes:
    document_class, _fetcher = _weasyprint()
    document = document_class(string=html, base_url=BASE_URL, url_fetcher=static_files_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """The template rendered to a PDF, as a download named ``filename``."""
    html = render_to_string(template, {**context, "pdf": True}, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def check_pdf_rendering(**kwargs: Any) -> list[checks.CheckMessage]:
    """A warning (``make check`` and ``make runtime-check`` fail on it) when WeasyPrint cannot
    load its system libraries: the notices' PDFs would answer 500. Registered by the app."""
    try:
        _weasyprint()
    except (OSError, ImportError) as error:
        return [
            checks.Warning(
                f"PDF rendering is unavailable: {error}",
                hint="Install Pango and fonts-noto-cjk: make system-deps (as root).",
                id="tongren_fupin.W001",
            )
        ]
    return []
