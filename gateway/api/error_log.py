"""How GraphQL errors are logged: refusals quietly, bugs loudly with their traceback.

A bug gets an error id, logged with its traceback and kept in the error's extensions, so
the masked answer a client sees (`extensions.errorId`) leads the operator to the log line.
Messages never include credentials: requests are not logged, only error messages.
"""

import logging
import uuid

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)

logger = logging.getLogger("gateway.api")

ERROR_ID = "errorId"
# Strawberry refusing an operation (none given, or of a type not served here): deliberate.
_DELIBERATE = (
    GraphQLError,
    MissingQueryError,
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)


def is_bug(exc: Exception) -> bool:
    """Raised by a mistake, not to refuse something on purpose."""
    return not isinstance(exc, _DELIBERATE)


def is_unexpected(error: GraphQLError) -> bool:
    """A bug rather than a deliberate error or a validation failure."""
    original = error.original_error
    return isinstance(original, Exception) and is_bug(original)


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        original = error.original_error
        if original is None or not is_unexpected(error):
            logger.info("GraphQL error at %s: %s", error.path, error.message)
            continue
        error_id = uuid.uuid4().hex[:16]
        error.extensions = {**(error.extensions or {}), ERROR_ID: error_id}
        logger.error(
            "unexpected error at %s (error id %s)",
            error.path,
            error_id,
            exc_info=(type(original), original, original.__traceback__),
        )
