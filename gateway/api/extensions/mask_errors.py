"""Mask unexpected errors (bugs) in production, keeping an id the operator can look up.

Strawberry's `MaskErrors`, told which errors are bugs (`is_unexpected`: deliberate
`GatewayError`s with a code and validation errors keep their message) and how to word
one: "Unexpected error (id ...)." with `extensions.code` INTERNAL_ERROR and
`extensions.errorId`, the id `log_errors` logged the traceback under (a fresh one, logged
here, if it was not logged yet). Being Strawberry's, it masks each result of a stream too.

A bug in another extension's hook escapes the operation, and Strawberry answers it after
every extension has finished; this one masks it on its way out, so nothing else has to.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from ..error_log import ERROR_ID, is_bug, is_unexpected
from .error_codes import INTERNAL_ERROR

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger("gateway.api")

MESSAGE = "Unexpected error (id {error_id})."


def _logged_id(error: GraphQLError) -> str:
    """The id the error was logged under; logged now under a fresh one if it was not."""
    error_id = (error.extensions or {}).get(ERROR_ID)
    if isinstance(error_id, str):
        return error_id
    error_id = uuid.uuid4().hex[:16]
    original = error.original_error
    logger.error(
        "unexpected error at %s (error id %s)",
        error.path,
        error_id,
        exc_info=(type(original), original, original.__traceback__) if original else None,
    )
    return error_id


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """The client's view of a bug: where it happened and its id, nothing else."""
        error_id = _logged_id(error)
        return GraphQLError(
            self.error_message.format(error_id=error_id),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL_ERROR, ERROR_ID: error_id},
        )

    def on_operation(self) -> Iterator[None]:
        """Mask the result, or a bug raised by another extension on its way out."""
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            if not self.should_mask_error(error):
                raise
            raise self.anonymise_error(error) from None
        except Exception as exc:
            if not is_bug(exc):
                raise  # Strawberry's own refusals: no query, an operation type not served
            raise self.anonymise_error(GraphQLError(str(exc), original_error=exc)) from None


__all__ = ["MESSAGE", "MaskUnexpectedErrors"]
