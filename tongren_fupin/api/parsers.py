"""The API's JSON parser: bounded in size and in depth, so no body can exhaust the server.

Python's JSON decoder recurses once per nesting level: a body nested a few thousand levels
deep raised ``RecursionError`` (a 500). No request of this API nests deeper than a few levels,
so anything past ``API_JSON_MAX_DEPTH`` is refused with 400, as is a body larger than
``API_JSON_MAX_BYTES`` (read no further: the parser never holds more than that).
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


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        max_bytes: int = settings.API_JSON_MAX_BYTES
        max_depth: int = settings.API_JSON_MAX_DEPTH
        raw = stream.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise ParseError(
                _("The JSON body is larger than %(limit)d bytes.") % {"limit": max_bytes}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            data = None
            too_deep = True
        except ValueError as exc:
            raise ParseError(_("The JSON body is malformed: %(error)s") % {"error": exc}) from exc
        else:
            too_deep = json_depth(data) > max_depth
        if too_deep:
            raise ParseError(
                _("The JSON body nests deeper than %(limit)d levels.") % {"limit": max_depth}
            )
        return data
