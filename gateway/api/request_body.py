"""A /graphql JSON body read strictly: one operation (an object) or a batch (an array of them).

Strawberry trusts the body's shape: `null`, a number, a string, `[1]` or `[[]]` reach code
that calls `.get` on them, and JSON nested deeper than the interpreter's recursion limit
raises RecursionError while decoding; both were answered with HTTP 500. Here anything else
is refused with HTTP 400 and a message naming what is wrong (`refusal_response` gives it
the code BAD_REQUEST).
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

# Each key an operation may have, and the JSON types it may hold (None: null, or absent).
_FIELDS: dict[str, tuple[type, ...]] = {
    "query": (str,),
    "variables": (dict, type(None)),
    "operationName": (str, type(None)),
    "extensions": (dict, type(None)),
}
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class BadRequestError(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def decode_json(data: str | bytes) -> Any:
    """`json.loads`, with JSON nested too deeply for the decoder reported as invalid JSON."""
    try:
        return json.loads(data)
    except RecursionError:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        raise json.JSONDecodeError("JSON nested too deeply", text, 0) from None


def json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), "a value")


def operation(value: object, where: str) -> GraphQLRequestData:
    """One operation from its JSON object; `where` names it in messages."""
    if not isinstance(value, dict):
        raise BadRequestError(f"{where} must be a JSON object, not {json_type(value)}.")
    for key, types in _FIELDS.items():
        given = value.get(key)
        if key == "query" and given is None:
            raise BadRequestError(f"{where} has no 'query' (the GraphQL document).")
        if not isinstance(given, types):
            wanted = " or ".join(dict.fromkeys(json_type(t()) for t in types))
            raise BadRequestError(
                f"'{key}' of {where.lower()} must be {wanted}, not {json_type(given)}."
            )
    return GraphQLRequestData(
        query=value["query"],
        variables=value.get("variables"),
        operation_name=value.get("operationName"),
        extensions=value.get("extensions"),
        protocol="http",
    )


def operations(body: object) -> GraphQLRequestData | list[GraphQLRequestData]:
    """The operations of a decoded JSON body: one, or a batch's (checked one by one)."""
    if isinstance(body, list):
        if not body:
            raise BadRequestError("An empty batch: send at least one operation.")
        return [operation(item, f"Operation {n} of the batch") for n, item in enumerate(body, 1)]
    if isinstance(body, dict):
        return operation(body, "The request body")
    raise BadRequestError(
        "The request body must be a JSON object (one operation) or an array of objects "
        f"(a batch), not {json_type(body)}."
    )


__all__ = ["BadRequestError", "decode_json", "json_type", "operation", "operations"]
