"""End to end: a change made through the real SDK, signed and delivered by the emulator,
reaches the gateway's webhook endpoint, drops the cached data and appears on the bus."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import stripe
from stripe_emulator.app import RUNTIME, Runtime, create_app
from stripe_emulator.state import Emulator

from gateway.live_bus import LiveEvent, LiveEventKind, Subscription
from tests.webhooks.webhook_helpers import SECRET, WAIT_SECONDS, Instances, eventually, serve

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from gateway.live_bus import InMemoryBus
    from gateway.store import Cache

API_KEY = "sk_test_emulator_0123456789"


@dataclass
class Stripe:
    client: stripe.StripeClient
    runtime: Runtime


@pytest.fixture
async def stripe_with_webhooks(
    instances: Instances, cache: Cache, bus: InMemoryBus
) -> AsyncIterator[Stripe]:
    """The emulator, delivering every event to the gateway's endpoint with `SECRET`."""
    endpoint = await instances.start(cache=cache, bus=bus)
    app = create_app(Emulator(seed=7), webhook_url=endpoint.url, webhook_secret=SECRET)
    runner, base = await serve(app)
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": base}, http_client=http, max_network_retries=0
    )
    yield Stripe(client, app[RUNTIME])
    await http.close_async()
    await runner.cleanup()


async def settled(runtime: Runtime) -> None:
    """Every event so far has been delivered (the emulator delivers in the background)."""

    async def delivered() -> bool:
        return not any(event["pending_webhooks"] for event in runtime.emu.find("event"))

    await eventually(delivered)


async def wait_for(subscription: Subscription, event_type: str) -> LiveEvent:
    """The first live event of `event_type` (others about the customer may come first)."""
    async with asyncio.timeout(WAIT_SECONDS):
        async for event in subscription:
            if event.type == event_type:
                return event
    raise AssertionError(f"the stream ended before a {event_type} event")


async def test_a_customer_update_reaches_subscribers_and_drops_the_cache(
    stripe_with_webhooks: Stripe, cache: Cache, bus: InMemoryBus
) -> None:
    client = stripe_with_webhooks.client
    customer = await client.v1.customers.create_async({"email": "before@example.com"})
    loads = 0

    async def load() -> dict[str, object]:
        nonlocal loads
        loads += 1
        fetched = await client.v1.customers.retrieve_async(customer.id)
        return {"email": fetched.email}

    await settled(stripe_with_webhooks.runtime)
    async with bus.subscribe(customer.id) as subscription:
        assert await cache.customer_cached(customer.id, "customer", 60.0, load) == {
            "email": "before@example.com"
        }
        await client.v1.customers.update_async(customer.id, {"email": "after@example.com"})
        live = await wait_for(subscription, "customer.updated")

    assert live.customer_id == customer.id
    assert live.kind is LiveEventKind.CUSTOMER
    assert live.object_id == customer.id
    assert live.object["email"] == "after@example.com"
    event = await client.v1.events.retrieve_async(live.event_id)
    assert (event.type, event.created) == ("customer.updated", live.created)
    # The cached entry was dropped: the next read goes to Stripe and sees the change.
    assert await cache.customer_cached(customer.id, "customer", 60.0, load) == {
        "email": "after@example.com"
    }
    assert loads == 2


async def test_a_detached_card_reaches_the_customer_it_belonged_to(
    stripe_with_webhooks: Stripe, bus: InMemoryBus
) -> None:
    client = stripe_with_webhooks.client
    customer = await client.v1.customers.create_async({"name": "Card Holder"})
    async with bus.subscribe(customer.id) as subscription:
        card = await client.v1.payment_methods.attach_async(
            "pm_card_visa", {"customer": customer.id}
        )
        attached = await wait_for(subscription, "payment_method.attached")
        await client.v1.payment_methods.detach_async(card.id)
        detached = await wait_for(subscription, "payment_method.detached")

    assert (attached.kind, attached.object_id) == (LiveEventKind.PAYMENT_METHOD, card.id)
    assert (detached.kind, detached.object_id) == (LiveEventKind.PAYMENT_METHOD, card.id)
    assert detached.object["customer"] is None
    deliveries = stripe_with_webhooks.runtime.deliverer
    assert deliveries is not None
    assert {d["status"] for d in deliveries.deliveries} == {200}
