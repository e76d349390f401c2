"""The aiohttp view serving /graphql: authenticates each request into a fresh Context.

A JSON body is read strictly (`request_body`). Every request that reaches the body spends
the caller's rate limit, one token per operation, before anything runs, malformed ones
(one token) included. The documents of one request share one budget of tokens, characters
and fields (`extensions.document_limits`).

A WebSocket (`graphql-transport-ws`) is authenticated from its `connection_init` payload
instead of its headers, holds only subscriptions, and is closed when the app shuts down.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web
from cross_web import (
    AiohttpHTTPRequestAdapter,
    AsyncHTTPRequestAdapter,
    HTTPException,
    parse_content_type,
)
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types.unset import UnsetType

from ..auth.authenticate import authenticate, bearer_token
from ..auth.principal import Principal
from ..billing import budgeted
from ..edge.responses import error_response
from ..observability.request_record import note_principal, note_refused
from .context import Context, Services
from .extensions import shared_budget
from .http_limits import check_rate_limit, principal_kind, refusal_response, stripe_budget_for
from .live.connection import authenticate_connection, connection_headers
from .live.limits import LIVE_REGISTRY, LIVE_SLOT, LiveLimitError, credential_key
from .live.websocket import LiveSockets, LiveTransportHandler
from .media_type import MediaTypeView
from .request_body import BadRequestError, decode_json, operations

if TYPE_CHECKING:
    from .schema import GatewaySchema

SERVICES = web.AppKey("services", Services)
LIVE_SOCKETS = web.AppKey("live_sockets", LiveSockets)
# Clients' keep-alive pings are answered; this also finds sockets whose peer vanished.
WEBSOCKET_HEARTBEAT_SECONDS = 30.0
# A subscribe message is a small document; anything larger is refused by the socket.
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024
# The caller, known once authenticated, for the rate limit spent while reading the body.
PRINCIPAL = web.RequestKey("principal", Principal)


class GatewayView(MediaTypeView):
    graphql_transport_ws_handler_class = LiveTransportHandler

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        """Strawberry's request refusals, answered as GraphQL errors with a code; a WebSocket
        holds its place under the per-address cap for as long as it stays open."""
        registry = request.app.get(LIVE_REGISTRY)
        if registry is None or not self.is_websocket_request(request):
            return await self._run(request)
        try:
            slot = registry.open(request.remote or "unknown")
        except LiveLimitError as exc:
            note_refused(exc.code)
            return error_response(429, exc.code, exc.message)
        request[LIVE_SLOT] = slot
        try:
            return await self._run(request)
        finally:
            registry.close(slot)

    async def _run(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self.run(request=request)
        except HTTPException as exc:
            batching = self.schema.config.batching_config
            return refusal_response(exc, batching["max_operations"] if batching else 0)

    def __init__(self, *, ide_page: Callable[[], web.Response], **options: Any) -> None:
        super().__init__(**options)
        self.ide_page = ide_page

    async def render_graphql_ide(self, request: web.Request) -> web.Response:
        """The IDE's page (GraphiQL from the package's own files), when enabled."""
        return self.ide_page()

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> Context:
        services = request.app[SERVICES]
        principal = await authenticate(
            request.headers, services.admin_keys, services.sessions, services.jwt
        )
        note_principal(principal_kind(principal))
        request[PRINCIPAL] = principal
        return Context(request=request, response=response, services=services, principal=principal)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return decode_json(data)
        except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
            raise BadRequestError(f"The request body is not valid JSON: {exc}.") from None

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The body's operations, once the caller's rate limit is spent on them (one token
        per operation; a body refused as malformed spends one too)."""
        http_request = cast("AiohttpHTTPRequestAdapter", request).request
        try:
            data = await self._read_operations(request)
        except HTTPException:
            await self._spend_rate_limit(http_request, 1)
            raise
        await self._spend_rate_limit(http_request, len(data) if isinstance(data, list) else 1)
        return data

    async def _read_operations(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method != "POST" or "application/json" not in content_type:
            return await super().parse_http_body(request)  # GET, or refused content types
        data = operations(self.parse_json(await request.get_body()))
        if isinstance(data, list):
            self._validate_batch_request(data, protocol="http")
        return data

    async def _spend_rate_limit(self, request: web.Request, operations: int) -> None:
        principal = request[PRINCIPAL]
        await check_rate_limit(request, request.app[SERVICES].settings, principal, operations)

    async def execute_operation(
        self,
        request: web.Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: web.Response,
    ) -> Any:
        """Run the request's operations on its budgets: one of documents (tokens, characters
        and fields, shared by a batch) and one of Stripe calls. The rate limit was spent
        when the body was read."""
        schema = cast("GatewaySchema", self.schema)
        stripe = stripe_budget_for(request, context.services.settings, context.principal)
        with shared_budget(schema.document_limits), budgeted(stripe):
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, Any] | None:
        """Accept a socket only with credentials (in `connection_init`) that act for a customer."""
        principal = await authenticate_connection(context.connection_params, context.services)
        if principal.scope is None:
            raise ConnectionRejectionError(
                {"message": principal.problem or "Send a customer's credentials."}
            )
        context.principal = principal
        registry = context.request.app.get(LIVE_REGISTRY)
        slot = context.request.get(LIVE_SLOT)
        if registry is not None and slot is not None:
            # The token as authentication reads it, so respelling the header ("bearer",
            # spaces) is the same credential with the same caps; a sign-in token counts
            # for its user, whichever of their tokens it is.
            token = bearer_token(connection_headers(context.connection_params))
            # Raises LiveLimitError, which the handler turns into a coded close.
            credential = principal.scope.subject or token
            registry.bind(slot, credential_key(credential, principal.scope.customer_id))
        return await super().on_ws_connect(context)

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(
            protocols=[subprotocol] if subprotocol else [],
            heartbeat=WEBSOCKET_HEARTBEAT_SECONDS,
            max_msg_size=WEBSOCKET_MAX_MESSAGE_BYTES,
        )
        await socket.prepare(request)
        sockets = request.app.get(LIVE_SOCKETS)
        if sockets is not None:
            sockets.add(socket)
        return socket
