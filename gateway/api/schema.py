"""The GraphQL schema. `schema` is what `export-schema` prints; the app builds its own with
the operator's settings (same types, different extensions).

Extensions, outermost first: masking of bugs (production; outermost, so that it masks
what any other extension raises), request accounting (the log line), error codes, the
parser cache, the document limits (tokens and length at parse time,
then the document's size, depth and aliases measured before it is validated, and validated
through a cache), cost once validated (with the variables), and introspection off unless
enabled.

"Did you mean ...?" suggestions are off unless `field_suggestions` (development): in
validation, in variable values, and in anything else graphql-core reports.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from ..settings import Settings
from .error_log import is_unexpected, log_errors
from .execution_context import ReleasingExecutionContext
from .extensions import (
    DocumentLimiter,
    DocumentLimits,
    ErrorCodes,
    MaskUnexpectedErrors,
    QueryCostLimiter,
    RequestAccounting,
    account,
    coded,
)
from .extensions.operation_tracing import operation_tracing
from .live.subscriptions import LiveUpdates
from .mutations import Mutation
from .queries import Query

if TYPE_CHECKING:
    from collections.abc import Callable

    from opentelemetry.trace import TracerProvider


CACHE_SIZE = 256
# graphql-core ends a suggestion with " Did you mean 'x'?" (or "... 'x', 'y', or 'z'?").
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")

__all__ = [
    "DEFAULT_LIMITS",
    "GatewaySchema",
    "SchemaLimits",
    "build_schema",
    "is_unexpected",
    "schema",
]


@dataclass(frozen=True)
class SchemaLimits:
    """What one request may ask for: the GATEWAY_MAX_* settings (their defaults live there)."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_document_length: int
    max_fields: int
    max_selection_set_fields: int
    max_field_repeats: int
    max_cost: int
    # 0: batched requests are refused.
    max_batch_operations: int

    @classmethod
    def from_settings(cls, settings: "Settings") -> "SchemaLimits":
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_document_length=settings.max_document_length,
            max_fields=settings.max_fields,
            max_selection_set_fields=settings.max_selection_set_fields,
            max_field_repeats=settings.max_field_repeats,
            max_cost=settings.max_query_cost,
            max_batch_operations=settings.max_batch_operations,
        )

    @classmethod
    def defaults(cls) -> "SchemaLimits":
        """The settings' defaults, whatever the environment says."""
        return cls.from_settings(Settings.model_construct())

    def document(self) -> DocumentLimits:
        return DocumentLimits(
            max_tokens=self.max_tokens,
            max_document_length=self.max_document_length,
            max_fields=self.max_fields,
            max_selection_set_fields=self.max_selection_set_fields,
            max_field_repeats=self.max_field_repeats,
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
        )


DEFAULT_LIMITS = SchemaLimits.defaults()


class GatewaySchema(strawberry.Schema):
    hides_suggestions: bool = True
    document_limits: DocumentLimits = DEFAULT_LIMITS.document()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)

    @staticmethod
    def remove_field_suggestion(error: GraphQLError) -> None:
        """Strawberry's hook hides field suggestions only; hide every kind (arguments, enum
        values, input fields, types), wherever an error comes from."""
        error.message = _SUGGESTION.sub("", error.message)

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        """graphql-core's own switch, for the errors of variable values and execution."""
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if self.hides_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run an operation over HTTP, and note its error codes for the request log.

        An extension that fails is answered after the extensions have finished (masked on
        its way out by `MaskUnexpectedErrors`): its error gets its code here.
        """
        allowed = kwargs.get("allowed_operation_types")
        if allowed is not None:
            # Subscriptions are served over WebSocket only (`schema.stream`), never over HTTP.
            kwargs["allowed_operation_types"] = set(allowed) - {OperationType.SUBSCRIPTION}
        result = await super().execute(*args, **kwargs)
        if result.errors:
            result.errors = coded(result.errors)
        account(result)
        return result


def build_schema(
    *,
    introspection: bool = False,
    mask_errors: bool = True,
    field_suggestions: bool = False,
    limits: SchemaLimits | None = None,
    tracer_provider: "TracerProvider | None" = None,
) -> GatewaySchema:
    limits = limits or DEFAULT_LIMITS
    # Outermost, so that the errors of every other extension pass through it.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = (
        [MaskUnexpectedErrors] if mask_errors else []
    )
    if tracer_provider is not None:
        # Next, so the operation's span covers every other extension's work.
        extensions.append(operation_tracing(tracer_provider))
    extensions += [RequestAccounting, ErrorCodes]
    document_limits = limits.document()
    extensions += [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: DocumentLimiter(document_limits, hide_suggestions=not field_suggestions),
        lambda: QueryCostLimiter(limits.max_cost),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    built = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=LiveUpdates,
        extensions=extensions,
        execution_context_class=ReleasingExecutionContext,
        config=StrawberryConfig(
            disable_field_suggestions=not field_suggestions,
            batching_config=(
                {"max_operations": limits.max_batch_operations}
                if limits.max_batch_operations > 0
                else None
            ),
        ),
    )
    built.hides_suggestions = not field_suggestions
    built.document_limits = document_limits
    return built


schema = build_schema()
