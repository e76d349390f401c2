"""GraphQL-over-HTTP response media types: `application/json` and
`application/graphql-response+json`.

A client that accepts `application/graphql-response+json` learns from the status code alone
whether its document ran: a request error (parse, validation, variables) is a 400. Clients
that accept only `application/json`, or anything, keep 200 for those, as that media type's
rules say. Under either type a request error has no `data` entry: nothing was executed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strawberry.types import ExecutionResult

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


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
