"""How GraphQL errors are logged: refusals quietly, bugs loudly with their traceback.

Messages never include credentials: requests are not logged, only error messages.
"""

import logging

from graphql import GraphQLError

logger = logging.getLogger("gateway.api")


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            logger.info("GraphQL error at %s: %s", error.path, error.message)
        else:
            logger.error(
                "unexpected error at %s",
                error.path,
                exc_info=(type(original), original, original.__traceback__),
            )
