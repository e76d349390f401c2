"""Mask unexpected errors (bugs) in production, keeping an id the operator can look up.

Deliberate errors (`GatewayError`s with a code) and validation errors keep their message.
A bug's message and details are replaced by "Unexpected error (id ...)." with
`extensions.code` INTERNAL_ERROR and `extensions.errorId`: the id `log_errors` logged the
traceback under (a fresh one, logged here, if it was not logged yet).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from ..error_log import ERROR_ID, is_unexpected
from .error_codes import INTERNAL_ERROR

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger("gateway.api")


def masked(error: GraphQLError) -> GraphQLError:
    """The client's view of a bug: where it happened and its id, nothing else."""
    error_id = (error.extensions or {}).get(ERROR_ID)
    if not isinstance(error_id, str):
        error_id = uuid.uuid4().hex[:16]
        original = error.original_error
        logger.error(
            "unexpected error at %s (error id %s)",
            error.path,
            error_id,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
    return GraphQLError(
        f"Unexpected error (id {error_id}).",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL_ERROR, ERROR_ID: error_id},
    )


def mask_unexpected(errors: list[GraphQLError]) -> list[GraphQLError]:
    return [masked(error) if is_unexpected(error) else error for error in errors]


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = mask_unexpected(errors)  # type: ignore[union-attr]


__all__ = ["MaskUnexpectedErrors", "mask_unexpected", "masked"]
