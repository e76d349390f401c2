"""A refusal as a GraphQL-shaped JSON response (for errors raised before execution)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> web.Response:
    """`{"errors": [{"message": ..., "extensions": {"code": ..., **extensions}}]}`."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return web.json_response(body, status=status, headers=headers)


__all__ = ["error_response"]
