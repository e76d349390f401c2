"""OpenTelemetry tracing: off unless the standard `OTEL_*` variables ask for it.

When on, a request to /graphql is a server span (continuing the caller's `traceparent`),
each GraphQL operation a span under it (Strawberry's `OpenTelemetryExtension`, resolver
arguments left out: they carry customers' details), each Stripe call a client span (method,
route template, status, retries) and each Redis command one too. The request's JSON log
line carries its `trace_id`.

Off, nothing here runs: no provider, no spans, no extension, so tracing costs nothing.
Variables read (the SDK reads the rest itself, such as `OTEL_SERVICE_NAME`,
`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_*`):
`OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `none`; comma-separated),
`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind, Status, StatusCode

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

logger = logging.getLogger(__name__)

INSTRUMENTATION = "gateway"
# OTLP over HTTP (protobuf) is the exporter the package carries.
SUPPORTED_EXPORTERS = frozenset({"otlp", "console", "none"})


class _Tracing:
    """The tracer in use (None: tracing is off). Set once per process by the app factory."""

    provider: TracerProvider | None = None
    tracer: Tracer | None = None


TRACING = _Tracing()


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether the OTEL_* variables ask for traces at all."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def provider_from_environment(environ: Mapping[str, str] | None = None) -> TracerProvider | None:
    """A tracer provider exporting where the OTEL_* variables say, or None when they say
    nothing (or `OTEL_SDK_DISABLED=true`)."""
    environ = os.environ if environ is None else environ
    if not tracing_requested(environ):
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    names = [
        name.strip().lower()
        for name in environ.get("OTEL_TRACES_EXPORTER", "otlp").split(",")
        if name.strip()
    ]
    unknown = sorted(set(names) - SUPPORTED_EXPORTERS)
    if unknown:
        raise ValueError(
            f"OTEL_TRACES_EXPORTER names {', '.join(unknown)}; this gateway exports traces "
            "with otlp (OTLP over HTTP), console or none."
        )
    # The SDK reads OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_TRACES_SAMPLER*.
    provider = TracerProvider(
        resource=Resource.create({"service.name": environ.get("OTEL_SERVICE_NAME", "gateway")})
    )
    for name in names:
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        elif name == "console":
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    return provider


def use_provider(provider: TracerProvider | None) -> None:
    """Trace through `provider` from now on (None: tracing off)."""
    TRACING.provider = provider
    TRACING.tracer = provider.get_tracer(INSTRUMENTATION) if provider is not None else None


def current_trace_id() -> str | None:
    """The current trace's id (32 hex digits), when a span is being recorded."""
    if TRACING.tracer is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


@contextlib.contextmanager
def client_span(name: str, attributes: dict[str, Any]) -> Iterator[Span | None]:
    """A client span around a call to another service (None, and nothing, when off)."""
    tracer = TRACING.tracer
    if tracer is None:
        yield None
        return
    with tracer.start_as_current_span(name, kind=SpanKind.CLIENT, attributes=attributes) as span:
        yield span


@contextlib.contextmanager
def server_span(
    name: str, headers: Mapping[str, str], attributes: dict[str, Any]
) -> Iterator[Span | None]:
    """The span of one incoming request, continuing the caller's W3C `traceparent`."""
    tracer = TRACING.tracer
    if tracer is None:
        yield None
        return
    from opentelemetry.propagate import extract

    with tracer.start_as_current_span(
        name, context=extract(headers), kind=SpanKind.SERVER, attributes=attributes
    ) as span:
        yield span


def trace_redis(client: Any) -> None:
    """Make each command `client` (a redis-py asyncio client) sends a client span, when
    tracing is on: one span per round trip, named by the command (keys are left out)."""
    if TRACING.tracer is None:
        return
    send = client.execute_command
    options = client.connection_pool.connection_kwargs
    attributes = {
        "db.system.name": "redis",
        "server.address": str(options.get("host", "")),
        "server.port": int(options.get("port", 6379)),
    }

    async def execute_command(*args: Any, **kwargs: Any) -> Any:
        command = str(args[0]).upper() if args else "?"
        with client_span(f"redis {command}", {**attributes, "db.operation.name": command}) as span:
            try:
                return await send(*args, **kwargs)
            except Exception as exc:
                mark_failed(span, type(exc).__name__)
                raise

    client.execute_command = execute_command


def mark_failed(span: Span | None, description: str) -> None:
    if span is not None:
        span.set_status(Status(StatusCode.ERROR, description))


__all__ = [
    "TRACING",
    "client_span",
    "current_trace_id",
    "mark_failed",
    "provider_from_environment",
    "server_span",
    "trace_redis",
    "tracing_requested",
    "use_provider",
]
