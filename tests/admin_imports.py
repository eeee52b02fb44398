"""Driving django-import-export's admin views in tests: a workbook, its preview, the
confirmation, an export."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from openpyxl import Workbook


def workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(client: Client, model: str, content: bytes) -> Any:
    """``model`` is ``app/model`` as in the admin's URLs."""
    upload = io.BytesIO(content)
    upload.name = f"{model.split('/')[-1]}.xlsx"
    return client.post(
        f"/admin/{model}/import/", {"resource": "0", "format": "0", "import_file": upload}
    )


def confirm(client: Client, model: str, previewed: Any) -> Any:
    return client.post(f"/admin/{model}/process_import/", previewed.context["confirm_form"].initial)


def export(client: Client, model: str, fields: list[str] | tuple[str, ...]) -> bytes:
    name = model.split("/")[-1]
    response = client.post(
        f"/admin/{model}/export/",
        {"format": "0", "resource": "0", **{f"{name}resource_{n}": "on" for n in fields}},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def row_kinds(response: Any) -> list[str]:
    return [row.import_type for row in response.context["result"].rows]
