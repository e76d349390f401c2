"""A span per GraphQL operation (with its parsing, validation and resolvers under it), by
Strawberry's own OpenTelemetry extension; added only when tracing is on.

Resolver arguments are left off the spans: they carry customers' names, addresses, phone
numbers and tax ids, which a trace backend has no business keeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.extensions.tracing import OpenTelemetryExtension

if TYPE_CHECKING:
    from collections.abc import Callable

    from opentelemetry.trace import TracerProvider


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}


def operation_tracing(provider: TracerProvider) -> Callable[[], OpenTelemetryExtension]:
    """The extension factory for `build_schema`, tracing through `provider`."""
    return lambda: OpenTelemetryExtension(arg_filter=_no_arguments, tracer_provider=provider)


__all__ = ["operation_tracing"]
