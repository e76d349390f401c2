"""A span per GraphQL operation (with its parsing, validation and resolvers under it), by
Strawberry's own OpenTelemetry extension; added only when tracing is on.

Customers' details stay out of traces: resolver arguments are left off the spans, and the
operation's span names the operation instead of carrying the document's text (whose inline
literals may hold names, addresses, phone numbers or tax IDs).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind
from strawberry.extensions import LifecycleStep
from strawberry.extensions.tracing import OpenTelemetryExtension

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from opentelemetry.trace import TracerProvider


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}


class OperationTracing(OpenTelemetryExtension):
    """Strawberry's extension, without the document's text on the operation's span."""

    def on_operation(self) -> Generator[None, None, None]:
        context = self.execution_context
        name = context.operation_name
        span = self._tracer.start_span(
            f"GraphQL Query: {name}" if name else "GraphQL Query", kind=SpanKind.SERVER
        )
        span.set_attribute("component", "graphql")
        self._span_holder[LifecycleStep.OPERATION] = span
        yield
        if not name and context.operation_name:
            span.update_name(f"GraphQL Query: {context.operation_name}")
        if context.operation_name:
            span.set_attribute("graphql.operation.name", context.operation_name)
        # A document that never parsed, or names no operation it has: no type to tell.
        with contextlib.suppress(Exception):
            span.set_attribute("graphql.operation.type", context.operation_type.value)
        span.end()


def operation_tracing(provider: TracerProvider) -> Callable[[], OpenTelemetryExtension]:
    """The extension factory for `build_schema`, tracing through `provider`."""
    return lambda: OperationTracing(arg_filter=_no_arguments, tracer_provider=provider)


__all__ = ["OperationTracing", "operation_tracing"]
