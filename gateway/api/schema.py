"""The GraphQL schema. `schema` is what `export-schema` prints; the app builds its own with
the operator's settings (same types, different extensions)."""

from typing import TYPE_CHECKING

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from .error_log import log_errors
from .mutations import Mutation
from .queries import Query

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
CACHE_SIZE = 256


def is_unexpected(error: GraphQLError) -> bool:
    """Mask only bugs: deliberate errors and validation errors keep their message."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class GatewaySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


def build_schema(*, introspection: bool = False, mask_errors: bool = True) -> GatewaySchema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if mask_errors:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not introspection),
    )


schema = build_schema()
