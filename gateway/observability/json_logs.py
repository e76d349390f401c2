"""Logging set-up: one JSON object per line (or plain text), always redacted.

Fields: `ts` (UTC, ISO 8601), `level`, `logger`, `message`, then whatever the call passed
as `extra={"fields": {...}}` (the request log uses it), then `exc` for a traceback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from .redaction import redact


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, default=str)


class RedactingFormatter(logging.Formatter):
    """Plain text for a terminal, scrubbed the same way."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            text += " " + json.dumps(fields, default=str)
        return redact(text)


def configure_logging(log_format: Literal["json", "text"], level: int = logging.INFO) -> None:
    """Send the root logger's records to stderr in `log_format`."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The SDK logs two INFO lines per Stripe call; the request log already counts the calls,
    # and formatting them is CPU taken from every cold read. Debugging shows them again.
    logging.getLogger("stripe").setLevel(logging.WARNING if level > logging.DEBUG else level)


__all__ = ["JsonFormatter", "RedactingFormatter", "configure_logging"]
