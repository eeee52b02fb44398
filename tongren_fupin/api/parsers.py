"""The API's JSON parser: bounded in size and in depth, so no body can exhaust the server.

Python's JSON decoder recurses once per nesting level: a body nested a few thousand levels
deep raised ``RecursionError`` (a 500). No request of this API nests deeper than a few levels,
so anything past ``API_JSON_MAX_DEPTH`` is refused with 400, as is a body larger than
``API_JSON_MAX_BYTES`` (read no further: the parser never holds more than that).

JSON that arrives as the text of a form field (a synced ``record`` sent as multipart, a
``JSONField`` sent as a form) is decoded by the same ``bounded_loads``, within the same limits.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class JSONOverLimit(Exception):
    """JSON larger or deeper than the limits; ``message`` says which, in the request's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def json_depth(value: Any) -> int:
    """How deep a decoded JSON value nests (a scalar is 0), without recursing."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def bounded_loads(raw: bytes | str, *, encoding: str = "utf-8", strict: bool = True) -> Any:
    """The value of a JSON text within ``API_JSON_MAX_BYTES`` and ``API_JSON_MAX_DEPTH``.

    Raises ``JSONOverLimit`` past either limit and ``ValueError`` for text that is no JSON.
    """
    max_bytes: int = settings.API_JSON_MAX_BYTES
    max_depth: int = settings.API_JSON_MAX_DEPTH
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode(encoding, "surrogatepass"))
    if size > max_bytes:
        raise JSONOverLimit(
            _("The JSON body is larger than %(limit)d bytes.") % {"limit": max_bytes}
        )
    text = codecs.decode(raw, encoding) if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text, parse_constant=json.strict_constant if strict else None)
    except RecursionError:
        too_deep = True
    else:
        too_deep = json_depth(data) > max_depth
    if too_deep:
        raise JSONOverLimit(
            _("The JSON body nests deeper than %(limit)d levels.") % {"limit": max_depth}
        )
    return data


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read(settings.API_JSON_MAX_BYTES + 1)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return bounded_loads(raw, encoding=encoding, strict=self.strict)
        except JSONOverLimit as exc:
            raise ParseError(exc.message) from exc
        except ValueError as exc:
            raise ParseError(_("The JSON body is malformed: %(error)s") % {"error": exc}) from exc
