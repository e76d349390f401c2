"""OpenTelemetry: a request to /graphql is one trace (server span, operation span, a span per
Stripe call and per Redis command under it), the JSON request log carries its id, and with
no OTEL_* variables nothing is traced. Spans are read from the SDK's in-memory exporter."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from gateway.observability.json_logs import JsonFormatter
from gateway.observability.tracing import (
    TRACING,
    provider_from_environment,
    tracing_requested,
    use_provider,
)
from tests.api.mutation_calls import mutate
from tests.hardening.test_stripe_outage import _seed_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from opentelemetry.sdk.trace import ReadableSpan

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

QUERY = "query TracedSubscriptions { subscriptions { id status } }"
TRACEPARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on, into memory, for this test's gateways (started after this fixture)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    use_provider(provider)
    yield exporter
    use_provider(None)
    provider.shutdown()


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "gateway.requests"]


def named(finished: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [span for span in finished if span.name.startswith(prefix)]


@pytest.mark.redis
async def test_a_request_is_one_trace_with_its_stripe_and_redis_calls(
    spans: InMemorySpanExporter,
    gateway_factory: GatewayFactory,
    world: World,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    gateway = await gateway_factory.start(world.configurations(), redis_url=redis_url)
    token = await gateway.token_for(world.alice.id)
    spans.clear()
    caplog.clear()
    assert (await gateway.post(QUERY, token=token)).ok()["subscriptions"]

    finished = spans.get_finished_spans()
    (server,) = named(finished, "POST /graphql")
    assert server.kind is SpanKind.SERVER
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 200
    (operation,) = named(finished, "GraphQL Query: TracedSubscriptions")
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.type"] == "query"
    # The document's text (whose literals may hold customers' details) is not on the span.
    assert "query" not in operation.attributes
    assert operation.parent is not None
    assert operation.parent.span_id == server.context.span_id
    stripe_calls = named(finished, "stripe ")
    assert stripe_calls, [span.name for span in finished]
    for call in stripe_calls:
        assert call.kind is SpanKind.CLIENT
        attributes = dict(call.attributes or {})
        assert attributes["http.request.method"] == "GET"
        assert attributes["http.response.status_code"] == 200
        assert attributes["http.request.resend_count"] == 0
        # The route's template, never a customer's id.
        assert world.alice.id not in str(attributes["url.template"])
    assert any(
        span.attributes and span.attributes["url.template"] == "/v1/subscriptions"
        for span in stripe_calls
    )
    redis_calls = named(finished, "redis ")
    assert redis_calls, [span.name for span in finished]
    assert {dict(span.attributes or {})["db.system.name"] for span in redis_calls} == {"redis"}
    trace_id = server.context.trace_id
    assert {span.context.trace_id for span in finished} == {trace_id}

    (line,) = request_lines(caplog)
    assert line["trace_id"] == format(trace_id, "032x")


async def test_a_retried_stripe_call_counts_its_resends(
    spans: InMemorySpanExporter,
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
) -> None:
    gateway = await gateway_factory.start(world.configurations(), stripe_max_retries=2)
    token = await gateway.token_for(world.alice.id)
    tax_ids = f"/v1/customers/{world.alice.id}/tax_ids"
    # The first POST's connection drops; the SDK sends it again (same idempotency key).
    emulator.runtime.faults.configure(
        {
            "seed": _seed_for(True, False),
            "rules": [{"method": "POST", "path": tax_ids, "rate_drop": 0.5}],
        }
    )
    spans.clear()
    payload = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE111222339")
    emulator.runtime.faults.configure({"rules": []})
    assert payload["userErrors"] == []
    (post,) = [
        span
        for span in named(spans.get_finished_spans(), "stripe POST")
        if span.attributes and str(span.attributes["url.template"]).endswith("/tax_ids")
    ]
    assert post.attributes is not None
    assert post.attributes["http.request.resend_count"] == 1
    assert post.attributes["http.response.status_code"] == 200


async def test_a_callers_traceparent_is_continued_and_failures_marked(
    spans: InMemorySpanExporter,
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/subscriptions", "rate_500": 1.0}]})
    spans.clear()
    traceparent = f"00-{TRACEPARENT_TRACE}-00f067aa0ba902b7-01"
    result = await gateway.post(QUERY, token=token, headers={"traceparent": traceparent})
    emulator.runtime.faults.configure({"rules": []})
    assert result.error_codes == ["STRIPE_UNAVAILABLE"]
    finished = spans.get_finished_spans()
    assert {format(span.context.trace_id, "032x") for span in finished} == {TRACEPARENT_TRACE}
    failed = named(finished, "stripe GET /v1/subscriptions")
    assert failed
    assert all(span.status.status_code is StatusCode.ERROR for span in failed)


async def test_no_customer_detail_reaches_a_span(
    spans: InMemorySpanExporter, gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations())
    token = await gateway.token_for(world.alice.id)
    spans.clear()
    document = (
        "mutation TracedRename { updateCustomer(input: "
        '{name: "Alice Secretname", phone: "+49 30 7654321"}) { userErrors { code } } }'
    )
    assert (await gateway.post(document, token=token)).ok()["updateCustomer"]["userErrors"] == []
    finished = spans.get_finished_spans()
    assert named(finished, "GraphQL Query: TracedRename")
    for span in finished:
        text = f"{span.name} {dict(span.attributes or {})} {[e.attributes for e in span.events]}"
        assert "Secretname" not in text, span.name
        assert "7654321" not in text, span.name


async def test_off_without_otel_variables(
    gateway_factory: GatewayFactory, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    assert provider_from_environment({}) is None
    assert TRACING.tracer is None
    caplog.set_level(logging.INFO)
    gateway = await gateway_factory.start(world.configurations())
    token = await gateway.token_for(world.alice.id)
    caplog.clear()
    assert (await gateway.post(QUERY, token=token)).ok()
    (line,) = request_lines(caplog)
    assert "trace_id" not in line


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "billing"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_which_variables_turn_tracing_on(environ: dict[str, str], wanted: bool) -> None:
    assert tracing_requested(environ) is wanted


def test_the_environment_builds_its_exporters() -> None:
    provider = provider_from_environment(
        {"OTEL_TRACES_EXPORTER": "otlp,console", "OTEL_SERVICE_NAME": "billing-gateway"}
    )
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "billing-gateway"
    provider.shutdown()
    with pytest.raises(ValueError, match="zipkin"):
        provider_from_environment({"OTEL_TRACES_EXPORTER": "zipkin"})
