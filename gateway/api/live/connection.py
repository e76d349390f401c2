"""Who a WebSocket acts for: credentials from the `connection_init` payload, not headers.

Browsers cannot set headers on a WebSocket, so `graphql-transport-ws` clients send them in
`connection_init`: `{"Authorization": "Bearer <token>"}` or `{"accessToken": "<token>"}`.
An admin key acts for a customer with `"Portal-Customer": "cus_..."` as over HTTP. The
payload is turned into the headers `authenticate` reads, so a socket is held to exactly the
rules of an HTTP request, and the same credentials are checked again while it stays open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...auth.authenticate import CONFIGURATION_HEADER, CUSTOMER_HEADER, authenticate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ...auth.principal import Principal
    from ..context import Services

TOKEN_PARAM = "accessToken"
AUTHORIZATION = "Authorization"


def connection_headers(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The headers a `connection_init` payload stands for (non-text values are ignored)."""
    params = params or {}
    headers: dict[str, str] = {}
    authorization = params.get(AUTHORIZATION)
    token = params.get(TOKEN_PARAM)
    if isinstance(authorization, str):
        headers[AUTHORIZATION] = authorization
    elif isinstance(token, str):
        headers[AUTHORIZATION] = f"Bearer {token}"
    for name in (CUSTOMER_HEADER, CONFIGURATION_HEADER):
        value = params.get(name)
        if isinstance(value, str):
            headers[name] = value
    return headers


async def authenticate_connection(
    params: Mapping[str, Any] | None, services: Services
) -> Principal:
    """The principal the payload's credentials grant (refusals are carried, not raised)."""
    return await authenticate(
        connection_headers(params), services.admin_keys, services.sessions, services.jwt
    )


__all__ = ["AUTHORIZATION", "TOKEN_PARAM", "authenticate_connection", "connection_headers"]
