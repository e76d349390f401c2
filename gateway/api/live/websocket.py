"""The WebSocket side of /graphql: subscriptions only, and every socket closed at shutdown.

Queries and mutations go over HTTP, where the request limits and logging apply and every
request gets fresh DataLoaders; over a socket they would share one connection's loaders
(and their answers) for as long as it stays open. A `subscribe` whose document is not a
subscription is answered with the protocol's `error` message and nothing runs.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode
from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from ..context import Context
from ..schema import MAX_TOKENS

if TYPE_CHECKING:
    from aiohttp import web
    from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

# Subscriptions one socket may hold at once (a portal needs one or two).
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10
ONLY_SUBSCRIPTIONS = (
    "Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql."
)


def operation_refusal(message: Any) -> str | None:
    """Why a well-formed `subscribe` is refused here, or None to let it run.

    Malformed messages and documents are left to the protocol handler, which closes the
    socket as the protocol says.
    """
    try:
        payload = message["payload"]
        document = parse(payload["query"], no_location=True, max_tokens=MAX_TOKENS)
        name = payload.get("operationName")
    except (KeyError, TypeError, GraphQLSyntaxError):
        return None
    operation = get_operation_ast(document, name if isinstance(name, str) else None)
    if operation is None or operation.operation is OperationType.SUBSCRIPTION:
        return None
    return ONLY_SUBSCRIPTIONS


class LiveTransportHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's `graphql-transport-ws` handler, refusing anything but subscriptions."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        refusal = operation_refusal(message) if self.connection_acknowledged else None
        if refusal is not None and message["id"] not in self.operations:
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [GraphQLError(refusal).formatted]}
            )
            return
        await super().handle_subscribe(message)


class LiveSockets:
    """The open sockets of an app, so shutdown can close them instead of waiting on them."""

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()

    def add(self, socket: web.WebSocketResponse) -> None:
        self._sockets.add(socket)

    def __len__(self) -> int:
        return sum(1 for socket in self._sockets if not socket.closed)

    async def close_all(self) -> None:
        for socket in list(self._sockets):
            if not socket.closed:
                await socket.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutting down")


__all__ = [
    "MAX_SUBSCRIPTIONS_PER_CONNECTION",
    "LiveSockets",
    "LiveTransportHandler",
    "operation_refusal",
]
