"""GraphQL-over-HTTP response media types: `application/json` and
`application/graphql-response+json`.

A client that accepts `application/graphql-response+json` learns from the status code alone
whether its document ran: a request error (parse, validation, variables) is a 400. Clients
that accept only `application/json`, or anything, keep 200 for those, as that media type's
rules say. Under either type a request error has no `data` entry: nothing was executed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView

from .context import Context

if TYPE_CHECKING:
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.types import ExecutionResult

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
# Set on the sub-response: the media type the client accepts.
MEDIA_TYPE = web.ResponseKey("media_type", str)


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """The media type to answer with: `application/graphql-response+json` only when the
    client names it and likes it at least as much as `application/json`."""
    named: dict[str, float] = {}
    for entry in (accept or "").split(","):
        media, *parameters = entry.split(";")
        media = media.strip().lower()
        if media in (JSON, GRAPHQL_RESPONSE):
            named[media] = max(named.get(media, 0.0), _quality(parameters))
    preferred = named.get(GRAPHQL_RESPONSE, 0.0)
    return GRAPHQL_RESPONSE if preferred > 0 and preferred >= named.get(JSON, 0.0) else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """Errors raised before execution began carry no path; execution errors always do."""
    return (
        result.data is None
        and bool(result.errors)
        and all(not error.path for error in result.errors or [])
    )


def without_data(response: dict[str, Any]) -> dict[str, Any]:
    """A request error's answer: everything but the `data` entry."""
    return {key: value for key, value in response.items() if key != "data"}


class MediaTypeView(GraphQLView[Context, None]):
    """Strawberry's aiohttp view, answering in the media type the client accepts."""

    async def get_sub_response(self, request: web.Request) -> web.Response:
        sub_response = await super().get_sub_response(request)
        sub_response[MEDIA_TYPE] = response_media_type(request.headers.get("Accept"))
        return sub_response

    async def process_result(
        self, request: web.Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A document that never ran answers without `data`."""
        response = await super().process_result(request, result)
        if is_request_error(result):
            return cast("GraphQLHTTPResponse", without_data(dict(response)))
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        """Answer in the accepted media type; under graphql-response+json a document that
        never ran is a 400."""
        response = super().create_response(response_data, sub_response)
        if sub_response.get(MEDIA_TYPE) == GRAPHQL_RESPONSE:
            response.content_type = GRAPHQL_RESPONSE
            if isinstance(response_data, dict) and "data" not in response_data:
                response.set_status(400)
        return response
