"""The one domain error type. Services raise it; the API and page handlers translate it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A refused operation: ``code`` is stable for clients, ``message`` is shown to users.

    ``status`` is the HTTP status the API answers with (400 invalid, 409 conflict).
    ``errors`` maps field names to messages where the refusal concerns fields.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.errors: dict[str, Any] = {key: list(value) for key, value in (errors or {}).items()}
