"""The GraphQL schema. `schema` is what `export-schema` prints; the app builds its own with
the operator's settings (same types, different extensions).

Extensions, outermost first: request accounting (the log line), error codes, masking of
bugs (production), the parser and validation caches, the limits (depth and aliases as
validation rules built once, so the validation cache can hit; tokens at parse time; cost
once validated, with the variables), and introspection off unless enabled.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from .error_log import is_unexpected, log_errors
from .extensions import (
    ErrorCodes,
    MaskUnexpectedErrors,
    QueryCostLimiter,
    RequestAccounting,
    account,
    coded,
    mask_unexpected,
)
from .live.subscriptions import LiveUpdates
from .mutations import Mutation
from .queries import Query

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..settings import Settings

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
MAX_COST = 2000
MAX_BATCH_OPERATIONS = 5
CACHE_SIZE = 256

__all__ = ["MAX_TOKENS", "GatewaySchema", "SchemaLimits", "build_schema", "is_unexpected", "schema"]


@dataclass(frozen=True)
class SchemaLimits:
    """What one request may ask for; `from_settings` reads the GATEWAY_MAX_* settings."""

    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES
    max_tokens: int = MAX_TOKENS
    max_cost: int = MAX_COST
    # 0: batched requests are refused.
    max_batch_operations: int = MAX_BATCH_OPERATIONS

    @classmethod
    def from_settings(cls, settings: "Settings") -> "SchemaLimits":
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_cost=settings.max_query_cost,
            max_batch_operations=settings.max_batch_operations,
        )


class GatewaySchema(strawberry.Schema):
    masks_errors: bool = False

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run an operation. Errors raised where the extensions cannot see them (a document
        refused while parsing, a failing extension) are coded and masked here too."""
        allowed = kwargs.get("allowed_operation_types")
        if allowed is not None:
            # Subscriptions are served over WebSocket only (`schema.stream`), never over HTTP.
            kwargs["allowed_operation_types"] = set(allowed) - {OperationType.SUBSCRIPTION}
        result = await super().execute(*args, **kwargs)
        if result.errors:
            errors = mask_unexpected(result.errors) if self.masks_errors else result.errors
            result.errors = coded(errors)
        account(result)
        return result


def build_schema(
    *,
    introspection: bool = False,
    mask_errors: bool = True,
    field_suggestions: bool = False,
    limits: SchemaLimits | None = None,
) -> GatewaySchema:
    limits = limits or SchemaLimits()
    rules = (
        depth_limit_rule(limits.max_depth, None, None),
        alias_limit_rule(limits.max_aliases),
    )
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        RequestAccounting,
        ErrorCodes,
    ]
    if mask_errors:
        extensions.append(MaskUnexpectedErrors)
    extensions += [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: AddValidationRules(list(rules)),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: QueryCostLimiter(limits.max_cost),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    built = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=LiveUpdates,
        extensions=extensions,
        config=StrawberryConfig(
            disable_field_suggestions=not field_suggestions,
            batching_config=(
                {"max_operations": limits.max_batch_operations}
                if limits.max_batch_operations > 0
                else None
            ),
        ),
    )
    built.masks_errors = mask_errors
    return built


schema = build_schema()
