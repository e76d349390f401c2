"""The aiohttp view serving /graphql: authenticates each request into a fresh Context."""

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView

from ..auth.authenticate import authenticate
from .context import Context, Services

SERVICES = web.AppKey("services", Services)


class GatewayView(GraphQLView[Context, None]):
    async def get_context(self, request: web.Request, response: web.StreamResponse) -> Context:
        services = request.app[SERVICES]
        principal = await authenticate(request.headers, services.admin_keys, services.sessions)
        return Context(request=request, response=response, services=services, principal=principal)
