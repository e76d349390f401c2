"""Give every top-level error an `extensions.code`, so clients can branch on all of them.

The gateway's own errors carry codes already. Errors from graphql-core and the built-in
limits do not: a document over the parser's size limits (tokens, characters, nesting) gets
`DOCUMENT_TOO_COMPLEX`, like the gateway's own size limits (`document_size`); one that
does not parse `GRAPHQL_PARSE_FAILED`, one that fails validation (unknown fields, depth,
aliases, cost, introspection when it is off) `GRAPHQL_VALIDATION_FAILED`, and a variable
of the wrong type `BAD_USER_INPUT`; their messages already say what is wrong and which
limit applied. Anything else is `INTERNAL_ERROR` (and masked in production).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

if TYPE_CHECKING:
    from collections.abc import Iterator

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
# A document over a size limit (`document_limits`, `document_size`, the parser's own).
DOCUMENT_TOO_COMPLEX = "DOCUMENT_TOO_COMPLEX"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_ERROR = "INTERNAL_ERROR"
# graphql-core's parser refusing a document for its size, not its syntax: the limit's name.
_PARSER_SIZE_LIMITS = {
    "Syntax Error: Document contains more than": "maxTokens",
    "Syntax Error: Source contains more than": "maxDocumentLength",
    "Syntax Error: Document is nested too deeply": "nesting",
}


def _size_limit(message: str) -> dict[str, str | int]:
    """`limit` (and `max`, when the message gives it) of a parser's size refusal, or {}."""
    for prefix, limit in _PARSER_SIZE_LIMITS.items():
        if message.startswith(prefix):
            words = message.removeprefix(prefix).split()
            found: dict[str, str | int] = {"limit": limit}
            if words and words[0].isdigit():
                found["max"] = int(words[0])
            return found
    return {}


def _code_for(error: GraphQLError) -> str:
    if _size_limit(error.message):
        return DOCUMENT_TOO_COMPLEX
    if isinstance(error, GraphQLSyntaxError) or error.message.startswith("Syntax Error"):
        return PARSE_FAILED
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        return INTERNAL_ERROR  # a bug (masked in production by MaskUnexpectedErrors)
    if error.message.startswith("Variable '$"):
        return BAD_USER_INPUT
    if error.path is None:
        return VALIDATION_FAILED
    return INTERNAL_ERROR  # e.g. a null where the schema promises a value


def with_code(error: GraphQLError, code: str) -> GraphQLError:
    """A copy of `error` with `code` (the original may be shared through the cache)."""
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code, **_size_limit(error.message)},
    )


def coded(errors: list[GraphQLError]) -> list[GraphQLError]:
    """`errors`, each with an `extensions.code`."""
    return [
        error if (error.extensions or {}).get("code") else with_code(error, _code_for(error))
        for error in errors
    ]


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = coded(errors)  # type: ignore[union-attr]


__all__ = [
    "BAD_USER_INPUT",
    "DOCUMENT_TOO_COMPLEX",
    "INTERNAL_ERROR",
    "PARSE_FAILED",
    "VALIDATION_FAILED",
    "ErrorCodes",
    "coded",
]
