"""The WebSocket side of /graphql: subscriptions only, and every socket closed at shutdown.

Queries and mutations go over HTTP, where the request limits, rate limits and logging apply
and every request is authenticated afresh; over a socket they would run with the
credentials checked at `connection_init`, for as long as it stays open. A `subscribe` whose
document is not a subscription is answered with the protocol's `error` message
(`SUBSCRIPTIONS_ONLY`) and nothing runs. The document is parsed (with the configured
token limit), never matched as text, and the schema itself is asked to run subscriptions
only, so a document the first check cannot read is still refused before it runs. Sockets and
streams are capped per credential and per address (`limits`).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, cast

from aiohttp import WSCloseCode
from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.graphql import OperationType as StrawberryOperationType

from ..context import Context
from ..http_limits import RATE_LIMITED, RateLimitedError, check_rate_limit
from .connection import connection_headers
from .limits import LIVE_REGISTRY, LIVE_SLOT, TOO_MANY_CLOSE_CODE, LiveLimitError

if TYPE_CHECKING:
    from datetime import timedelta

    from aiohttp import web
    from strawberry.http.async_base_view import AsyncBaseHTTPView, AsyncWebSocketAdapter
    from strawberry.schema import BaseSchema
    from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
        ConnectionInitMessage,
        SubscribeMessage,
    )

SUBSCRIPTIONS_ONLY = "SUBSCRIPTIONS_ONLY"
ONLY_SUBSCRIPTIONS = (
    "Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql."
)
# A WebSocket close reason is at most 123 bytes.
MAX_CLOSE_REASON = 123


def operation_refusal(message: Any, max_tokens: int) -> str | None:
    """Why a `subscribe` is refused here, or None to let it run.

    Raises `GraphQLSyntaxError` for a document that does not parse within `max_tokens`.
    Malformed messages are left to the protocol handler, which closes the socket as the
    protocol says; the schema runs subscriptions only, so nothing else can run whatever
    this check decides.
    """
    try:
        payload = message["payload"]
        query = payload["query"]
        name = payload.get("operationName")
    except (KeyError, TypeError):
        return None
    if not isinstance(query, str):
        return None
    document = parse(query, no_location=True, max_tokens=max_tokens)
    operation = get_operation_ast(document, name if isinstance(name, str) else None)
    if operation is None or operation.operation is OperationType.SUBSCRIPTION:
        return None
    return ONLY_SUBSCRIPTIONS


class SubscriptionsOnlySchema:
    """The schema as a socket sees it: `stream` runs subscriptions and nothing else."""

    def __init__(self, schema: BaseSchema) -> None:
        self._schema = schema

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["allowed_operation_types"] = (StrawberryOperationType.SUBSCRIPTION,)
        return await self._schema.stream(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)


def _close_reason(text: str) -> str:
    return text.encode()[:MAX_CLOSE_REASON].decode(errors="ignore")


def _refusal(operation_id: str, code: str, message: str, **extensions: Any) -> Any:
    error = GraphQLError(message, extensions={"code": code, **extensions})
    return {"id": operation_id, "type": "error", "payload": [error.formatted]}


class LiveTransportHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's `graphql-transport-ws` handler: subscriptions only, within the caps."""

    def __init__(
        self,
        view: AsyncBaseHTTPView[Any, Any, Any, Any, Any, Context, None],
        websocket: AsyncWebSocketAdapter,
        context: Context,
        root_value: None,
        schema: BaseSchema,
        connection_init_wait_timeout: timedelta,
        max_subscriptions_per_connection: int | None = None,
    ) -> None:
        super().__init__(
            view,
            websocket,
            context,
            root_value,
            cast("BaseSchema", SubscriptionsOnlySchema(schema)),
            connection_init_wait_timeout,
            max_subscriptions_per_connection,
        )
        self.slot = context.request.get(LIVE_SLOT)
        if self.slot is not None:
            self.slot.streams = lambda: len(self.operations)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except LiveLimitError as exc:
            reason = _close_reason(f"{exc.code}: {exc.message}")
            await self.websocket.close(code=TOO_MANY_CLOSE_CODE, reason=reason)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations:
            context = self.context
            try:
                # Every subscribe spends the credential's rate limit, like an HTTP operation.
                await check_rate_limit(
                    context.request,
                    context.services.settings,
                    context.principal,
                    1,
                    headers=connection_headers(context.connection_params),
                )
            except RateLimitedError as exc:
                await self.send_message(
                    _refusal(message["id"], RATE_LIMITED, exc.reason, retryAfter=exc.retry_after)
                )
                return
            try:
                refusal = operation_refusal(message, self.context.services.settings.max_tokens)
            except GraphQLSyntaxError as exc:
                # As the protocol says for a document that does not parse.
                await self.websocket.close(code=4400, reason=_close_reason(exc.message))
                return
            if refusal is not None:
                await self.send_message(_refusal(message["id"], SUBSCRIPTIONS_ONLY, refusal))
                return
            registry = self.context.request.app.get(LIVE_REGISTRY)
            if registry is not None and self.slot is not None:
                try:
                    registry.check_stream(self.slot)
                except LiveLimitError as exc:
                    await self.send_message(_refusal(message["id"], exc.code, exc.message))
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
    "ONLY_SUBSCRIPTIONS",
    "SUBSCRIPTIONS_ONLY",
    "LiveSockets",
    "LiveTransportHandler",
    "operation_refusal",
]
