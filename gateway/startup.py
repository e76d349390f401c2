"""What `serve` says before and while it starts: problems as one clean line each (never a
traceback), where it listens, and that it is stopping.

The configuration file is checked on its own first, before any connection is opened, so a
broken file stops the server at once even while Stripe cannot be reached; what needs the
catalog is checked once Stripe answers (the app's start-up), and reported the same way.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from .portal.loading import load_configuration_file
from .portal.problems import ConfigurationError, errors_only

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiohttp import web
    from pydantic import ValidationError

    from .settings import Settings

logger = logging.getLogger("gateway.serve")

_RUNNING_ON = re.compile(r"Running on (\S+)")


def configuration_file_problems(settings: Settings) -> list[str]:
    """Each error in GATEWAY_PORTAL_CONFIG, as `file: path: message` (empty when fine)."""
    path = settings.portal_config
    if path is None:
        return []
    loaded = load_configuration_file(path, catalog=None)
    return [f"GATEWAY_PORTAL_CONFIG={path}: {problem}" for problem in errors_only(loaded.problems)]


def settings_problems(error: ValidationError) -> list[str]:
    """Pydantic's report on GATEWAY_* values, one line per variable: `GATEWAY_PORT: ...`."""
    lines = []
    for problem in error.errors():
        name = "_".join(str(part) for part in problem["loc"]).upper()
        lines.append(f"GATEWAY_{name}: {problem['msg']} (got {problem.get('input')!r})")
    return lines


def report_configuration_error(error: ConfigurationError) -> None:
    for problem in error.problems:
        logger.error("invalid portal configuration: %s", problem)


def announce_listening(message: str) -> None:
    """aiohttp's start-up banner, as one log line naming each address served."""
    urls = _RUNNING_ON.findall(message)
    logger.info(
        "listening on %s", ", ".join(urls), extra={"fields": {"event": "listening", "urls": urls}}
    )


def announce_stopping(grace_seconds: float) -> Callable[[web.Application], Awaitable[None]]:
    """An on_shutdown hook saying that new connections are refused and how long requests in
    flight have to finish (aiohttp has stopped listening when shutdown hooks run)."""

    async def stopping(app: web.Application) -> None:
        logger.info(
            "stopping: no new connections; requests in flight have %.0f s to finish",
            grace_seconds,
            extra={"fields": {"event": "stopping", "grace_seconds": grace_seconds}},
        )

    return stopping


__all__ = [
    "announce_listening",
    "announce_stopping",
    "configuration_file_problems",
    "report_configuration_error",
    "settings_problems",
]
