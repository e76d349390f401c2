"""The aiohttp view serving /graphql: authenticates each request into a fresh Context."""

from typing import Any

from aiohttp import web
from cross_web import HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLRequestData

from ..auth.authenticate import authenticate
from ..observability.request_record import note_principal
from .context import Context, Services
from .http_limits import check_rate_limit, principal_kind, refusal_response

SERVICES = web.AppKey("services", Services)


class GatewayView(GraphQLView[Context, None]):
    async def __call__(self, request: web.Request) -> web.StreamResponse:
        """Strawberry's request refusals, answered as GraphQL errors with a code."""
        try:
            return await self.run(request=request)
        except HTTPException as exc:
            batching = self.schema.config.batching_config
            return refusal_response(exc, batching["max_operations"] if batching else 0)

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> Context:
        services = request.app[SERVICES]
        principal = await authenticate(request.headers, services.admin_keys, services.sessions)
        note_principal(principal_kind(principal))
        return Context(request=request, response=response, services=services, principal=principal)

    async def execute_operation(
        self,
        request: web.Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: web.Response,
    ) -> Any:
        """Spend the caller's rate limit (one token per operation) before running anything."""
        operations = len(request_data) if isinstance(request_data, list) else 1
        await check_rate_limit(request, context.services.settings, context.principal, operations)
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
