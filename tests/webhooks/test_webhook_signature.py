"""Only recent deliveries signed with the endpoint's secret are acted on; others change nothing."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from gateway.store import events_key
from tests.webhooks.webhook_helpers import Endpoint, Instances, make_event, next_event, signature

if TYPE_CHECKING:
    from gateway.live_bus import InMemoryBus
    from gateway.store import Cache

CUSTOMER = "cus_sig0000000000000000001"


def customer_updated(event_id: str = "evt_sig_1") -> dict[str, Any]:
    return make_event(
        "customer.updated",
        {"id": CUSTOMER, "object": "customer", "email": "new@example.com"},
        previous={"email": "old@example.com"},
        event_id=event_id,
    )


async def assert_untouched(cache: Cache, bus: InMemoryBus, endpoint: Endpoint) -> None:
    """Nothing was invalidated or published, and the event id was not claimed."""
    assert await cache.counter(events_key(CUSTOMER)) == 0
    subscription = bus.subscribe(CUSTOMER)
    status, body = await endpoint.deliver(customer_updated())
    assert (status, body["duplicate"]) == (200, False)
    assert (await next_event(subscription)).event_id == "evt_sig_1"
    assert subscription.pending == 0
    assert await cache.counter(events_key(CUSTOMER)) == 1


async def test_a_correctly_signed_delivery_is_processed(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    status, body = await endpoint.deliver(customer_updated())
    assert status == 200
    assert body == {
        "received": True,
        "event": "evt_sig_1",
        "duplicate": False,
        "customer": CUSTOMER,
        "published": True,
    }
    assert (await next_event(subscription)).type == "customer.updated"
    assert await cache.counter(events_key(CUSTOMER)) == 1


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, "header is missing"),
        ({"Stripe-Signature": ""}, "header is missing"),
        ({"Stripe-Signature": "garbage"}, "Unable to extract timestamp"),
        ({"Stripe-Signature": f"t={int(time.time())},v0=abc"}, "expected scheme v1"),
    ],
    ids=["absent", "empty", "malformed", "no-v1"],
)
async def test_missing_or_malformed_signature_is_refused(
    endpoint: Endpoint,
    cache: Cache,
    bus: InMemoryBus,
    headers: dict[str, str],
    fragment: str,
) -> None:
    status, body = await endpoint.post(json.dumps(customer_updated()), headers)
    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    assert fragment in body["error"]["message"]
    await assert_untouched(cache, bus, endpoint)


async def test_signature_with_another_secret_is_refused(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    status, body = await endpoint.deliver(customer_updated(), secret="whsec_someone_else")
    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    assert "No signatures found matching the expected signature" in body["error"]["message"]
    await assert_untouched(cache, bus, endpoint)


async def test_body_changed_after_signing_is_refused(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    signed = json.dumps(customer_updated())
    tampered = signed.replace("new@example.com", "evil@example.com")
    status, body = await endpoint.post(tampered, {"Stripe-Signature": signature(signed)})
    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    await assert_untouched(cache, bus, endpoint)


async def test_stale_signature_is_refused_as_a_possible_replay(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    stale = int(time.time()) - 301
    status, body = await endpoint.deliver(customer_updated(), timestamp=stale)
    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    assert "older than the 300-second tolerance" in body["error"]["message"]
    await assert_untouched(cache, bus, endpoint)


@pytest.mark.parametrize("ahead", [301, 24 * 3600, 365 * 24 * 3600])
async def test_signature_dated_in_the_future_is_refused(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus, ahead: int
) -> None:
    future = int(time.time()) + ahead
    status, body = await endpoint.deliver(customer_updated(), timestamp=future)
    assert status == 400
    assert body["error"]["code"] == "invalid_signature"
    assert "300-second tolerance in the future" in body["error"]["message"]
    await assert_untouched(cache, bus, endpoint)


async def test_signature_slightly_ahead_of_the_clock_is_accepted(
    endpoint: Endpoint, cache: Cache
) -> None:
    status, _ = await endpoint.deliver(customer_updated(), timestamp=int(time.time()) + 240)
    assert status == 200
    assert await cache.counter(events_key(CUSTOMER)) == 1


async def test_signature_within_tolerance_is_accepted(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    status, _ = await endpoint.deliver(customer_updated(), timestamp=int(time.time()) - 240)
    assert status == 200
    assert await cache.counter(events_key(CUSTOMER)) == 1


async def test_one_matching_signature_among_several_is_enough(
    endpoint: Endpoint, cache: Cache
) -> None:
    """While a secret is rolled, Stripe signs with the old and the new one."""
    payload = json.dumps(customer_updated())
    old = signature(payload, "whsec_rolled_away")
    new = signature(payload)
    header = f"{old},v1={new.split('v1=')[1]}"
    status, _ = await endpoint.post(payload, {"Stripe-Signature": header})
    assert status == 200
    assert await cache.counter(events_key(CUSTOMER)) == 1


@pytest.mark.parametrize(
    ("payload", "code", "fragment"),
    [
        (b"\xff\xfe not text", "invalid_payload", "not UTF-8"),
        (b"{not json", "invalid_payload", "not JSON"),
        (b'{"object": "customer", "id": "cus_1"}', "invalid_payload", '"event" object'),
        (
            json.dumps({"id": "evt_1", "object": "event", "type": "customer.updated"}).encode(),
            "invalid_event",
            "'created'",
        ),
        (
            json.dumps(
                {"id": "evt_1", "object": "event", "type": "x", "created": 1, "data": {}}
            ).encode(),
            "invalid_event",
            "'data.object'",
        ),
    ],
    ids=["not-utf8", "not-json", "not-an-event", "no-created", "no-data-object"],
)
async def test_signed_body_that_is_not_a_stripe_event_is_refused(
    endpoint: Endpoint,
    cache: Cache,
    bus: InMemoryBus,
    payload: bytes,
    code: str,
    fragment: str,
) -> None:
    # Bytes that are not UTF-8 cannot be signed as text; the header then does not matter.
    text = payload.decode("utf-8", errors="replace")
    status, body = await endpoint.post(payload, {"Stripe-Signature": signature(text)})
    assert status == 400
    assert body["error"]["code"] == code
    assert fragment in body["error"]["message"]
    await assert_untouched(cache, bus, endpoint)


async def test_without_a_configured_secret_nothing_is_accepted(
    instances: Instances, cache: Cache, bus: InMemoryBus
) -> None:
    unconfigured = await instances.start(cache=cache, bus=bus, secret=None)
    status, body = await unconfigured.deliver(customer_updated())
    assert status == 503
    assert body["error"]["code"] == "webhooks_not_configured"
    assert "GATEWAY_WEBHOOK_SECRET" in body["error"]["message"]
    assert await cache.counter(events_key(CUSTOMER)) == 0
