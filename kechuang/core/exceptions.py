from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the operation. ``message`` is Chinese and shown to the user as is;
    ``field`` names the input that caused it so forms and the API can attach it there."""

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
