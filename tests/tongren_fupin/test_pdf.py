"""The PDF renderer reads the project's static files and nothing else."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tongren_fupin import pdf

STATIC = pdf.BASE_URL + "static/"


def test_a_static_file_is_read_from_the_disk():
    response = pdf.static_files_fetcher().fetch(STATIC + "css/notice.css")

    assert response.content_type == "text/css"
    assert b"size: A4" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/style.css",
        "http://127.0.0.1:8000/static/css/notice.css",
        "file:///etc/passwd",
        STATIC + "../../../../etc/passwd",
        STATIC + "css/missing.css",
        pdf.BASE_URL + "login/",
    ],
    ids=["other host", "this server", "file", "traversal", "missing", "not static"],
)
def test_every_other_url_is_refused(url):
    with pytest.raises(ValueError):
        pdf.static_files_fetcher().fetch(url)


def test_a_document_that_needs_the_network_is_not_rendered():
    html = '<link rel="stylesheet" href="https://example.com/a.css"><p>x</p>'

    with pytest.raises(BaseException, match="Error fetching"):
        pdf.render_pdf(html)


def test_a_document_renders_to_pdf_with_its_static_stylesheet():
    html = '<link rel="stylesheet" href="/static/css/notice.css"><p>公示</p>'

    reader = PdfReader(io.BytesIO(pdf.render_pdf(html)))

    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, from the CSS
    assert reader.pages[0].extract_text().strip() == "公示"


def test_the_system_check_is_quiet_when_weasyprint_loads():
    assert pdf.check_pdf_rendering() == []
