"""What a verified event does: once per event id, invalidation, a live event, retry on failure."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from gateway.billing.cache_scopes import CATALOG, CONFIGURATIONS
from gateway.live_bus import InMemoryBus, LatestOnly, LiveEventKind
from gateway.store import events_key
from gateway.webhooks import WEBHOOK_PATH, WEBHOOKS, StripeWebhooks, stripe_webhook
from tests.webhooks.webhook_helpers import (
    SECRET,
    Endpoint,
    Instances,
    make_event,
    next_event,
    serve,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from gateway.store import Cache

CUSTOMER = "cus_hdl0000000000000000001"


class CountingLoader:
    """A stand-in for a Stripe read: counts how often the cache had to load."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return {**self.value, "load": self.calls}


def subscription_updated(
    *, created: int, status: str = "active", event_id: str | None = None
) -> dict[str, Any]:
    return make_event(
        "customer.subscription.updated",
        {"id": "sub_hdl1", "object": "subscription", "customer": CUSTOMER, "status": status},
        previous={"status": "trialing"},
        created=created,
        event_id=event_id,
    )


async def test_a_duplicate_delivery_is_acknowledged_and_does_nothing(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    event = subscription_updated(created=1_700_000_000)
    first = await endpoint.deliver(event)
    again = await endpoint.deliver(event)
    assert first == (200, {**first[1], "duplicate": False})
    assert again == (200, {"received": True, "event": event["id"], "duplicate": True})
    assert await cache.counter(events_key(CUSTOMER)) == 1
    assert (await next_event(subscription)).event_id == event["id"]
    assert subscription.pending == 0


async def test_concurrent_deliveries_of_one_event_are_processed_once(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    event = subscription_updated(created=1_700_000_000)
    results = await asyncio.gather(*(endpoint.deliver(event) for _ in range(5)))
    assert [status for status, _ in results] == [200] * 5
    assert sorted(body["duplicate"] for _, body in results) == [False, True, True, True, True]
    assert await cache.counter(events_key(CUSTOMER)) == 1
    await next_event(subscription)
    assert subscription.pending == 0


async def test_an_event_updates_the_customers_cached_data_in_place(
    endpoint: Endpoint, cache: Cache
) -> None:
    load = CountingLoader({"id": CUSTOMER, "object": "customer", "email": "old@example.com"})
    assert (await cache.customer_cached(CUSTOMER, "customer", 60, load))["load"] == 1
    assert (await cache.customer_cached(CUSTOMER, "customer", 60, load))["load"] == 1
    other = CountingLoader({"id": "cus_other", "object": "customer"})
    await cache.customer_cached("cus_other", "customer", 60, other)

    status, _ = await endpoint.deliver(
        make_event(
            "customer.updated",
            {"id": CUSTOMER, "object": "customer", "email": "new@example.com"},
            previous={"email": "old@example.com"},
        )
    )
    assert status == 200
    cached: dict[str, Any] = await cache.customer_cached(CUSTOMER, "customer", 60, load)
    assert (cached["email"], load.calls) == ("new@example.com", 1)
    # Another customer's entry is left alone.
    await cache.customer_cached("cus_other", "customer", 60, other)
    assert other.calls == 1


async def test_the_live_event_carries_what_subscribers_need(
    endpoint: Endpoint, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    event = make_event(
        "invoice.paid",
        {"id": "in_hdl1", "object": "invoice", "customer": CUSTOMER, "status": "paid"},
        created=1_700_000_123,
    )
    await endpoint.deliver(event)
    live = await next_event(subscription)
    assert live.customer_id == CUSTOMER
    assert live.kind is LiveEventKind.INVOICE
    assert live.type == "invoice.paid"
    assert live.event_id == event["id"]
    assert live.object_id == "in_hdl1"
    assert live.created == 1_700_000_123
    assert live.object["status"] == "paid"


async def test_detached_payment_method_reaches_the_customer_it_left(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    status, body = await endpoint.deliver(
        make_event(
            "payment_method.detached",
            {"id": "pm_hdl1", "object": "payment_method", "customer": None},
            previous={"customer": CUSTOMER},
        )
    )
    assert (status, body["customer"]) == (200, CUSTOMER)
    live = await next_event(subscription)
    assert (live.kind, live.object_id) == (LiveEventKind.PAYMENT_METHOD, "pm_hdl1")
    assert await cache.counter(events_key(CUSTOMER)) == 1


async def test_events_that_touch_no_cached_data_are_acknowledged(
    endpoint: Endpoint, cache: Cache
) -> None:
    for event in (
        make_event("charge.succeeded", {"id": "ch_1", "object": "charge", "customer": CUSTOMER}),
        make_event("setup_intent.created", {"id": "seti_1", "object": "setup_intent"}),
    ):
        status, body = await endpoint.deliver(event)
        assert (status, body["published"], body["customer"]) == (200, False, None)
    assert await cache.counter(events_key(CUSTOMER)) == 0


async def test_catalog_events_drop_cached_products_and_prices(
    endpoint: Endpoint, cache: Cache
) -> None:
    catalog = CountingLoader({"products": []})
    price = CountingLoader({"id": "price_hdl1"})
    await cache.scoped_cached(CATALOG, "products", 300, catalog)
    await cache.cached("price:price_hdl1", 300, price)

    await endpoint.deliver(
        make_event("price.updated", {"id": "price_hdl1", "object": "price", "active": False})
    )
    await cache.scoped_cached(CATALOG, "products", 300, catalog)
    await cache.cached("price:price_hdl1", 300, price)
    assert (catalog.calls, price.calls) == (2, 2)

    await endpoint.deliver(make_event("product.updated", {"id": "prod_1", "object": "product"}))
    await cache.scoped_cached(CATALOG, "products", 300, catalog)
    await cache.cached("price:price_hdl1", 300, price)
    assert (catalog.calls, price.calls) == (3, 2)


async def test_portal_configuration_events_drop_cached_configurations(
    endpoint: Endpoint, cache: Cache
) -> None:
    configurations = CountingLoader({"data": []})
    catalog = CountingLoader({"products": []})
    await cache.scoped_cached(CONFIGURATIONS, "bpc_1", 300, configurations)
    await cache.scoped_cached(CATALOG, "products", 300, catalog)
    status, body = await endpoint.deliver(
        make_event(
            "billing_portal.configuration.updated",
            {"id": "bpc_1", "object": "billing_portal.configuration"},
        )
    )
    assert (status, body["published"]) == (200, False)
    await cache.scoped_cached(CONFIGURATIONS, "bpc_1", 300, configurations)
    await cache.scoped_cached(CATALOG, "products", 300, catalog)
    assert (configurations.calls, catalog.calls) == (2, 1)


async def test_out_of_order_deliveries_never_leave_the_older_state(
    endpoint: Endpoint, cache: Cache, bus: InMemoryBus
) -> None:
    subscription = bus.subscribe(CUSTOMER)
    row = {"id": "sub_hdl1", "object": "subscription", "customer": CUSTOMER, "status": "active"}
    load = CountingLoader({"object": "list", "data": [row], "has_more": False})
    newer = subscription_updated(created=1_700_000_200, status="past_due")
    older = subscription_updated(created=1_700_000_100, status="active")

    await cache.customer_cached(CUSTOMER, "subscriptions", 60, load)
    await endpoint.deliver(newer)
    await endpoint.deliver(older)  # a retry of an earlier event, arriving late
    page: dict[str, Any] = await cache.customer_cached(CUSTOMER, "subscriptions", 60, load)
    assert ([sub["status"] for sub in page["data"]], load.calls) == (["past_due"], 1)

    latest = LatestOnly()
    applied = [
        event.object["status"]
        for event in [await next_event(subscription), await next_event(subscription)]
        if latest.accept(event)
    ]
    assert applied == ["past_due"]


async def test_a_failed_event_is_released_so_stripes_retry_processes_it(
    instances: Instances, cache: Cache, bus: InMemoryBus
) -> None:
    closed = InMemoryBus()
    await closed.close()
    failing = await instances.start(cache=cache, bus=closed)
    event = subscription_updated(created=1_700_000_000)
    status, body = await failing.deliver(event)
    assert status == 503
    assert body["error"]["code"] == "processing_failed"
    assert event["id"] in body["error"]["message"]

    subscription = bus.subscribe(CUSTOMER)
    healthy = await instances.start(cache=cache, bus=bus)
    status, body = await healthy.deliver(event)
    assert (status, body["duplicate"]) == (200, False)
    assert (await next_event(subscription)).event_id == event["id"]


async def test_an_endpoint_built_at_start_up_answers_through_the_app_key(
    http: aiohttp.ClientSession, cache: Cache, bus: InMemoryBus
) -> None:
    """How gateway/app.py mounts it: the route first, the endpoint in a cleanup context."""
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, stripe_webhook)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        app[WEBHOOKS] = StripeWebhooks(secret=SECRET, cache=cache, bus=bus)
        yield

    app.cleanup_ctx.append(lifecycle)
    runner, base = await serve(app)
    try:
        endpoint = Endpoint(base + WEBHOOK_PATH, app[WEBHOOKS], http)
        event = make_event("customer.updated", {"id": CUSTOMER, "object": "customer"})
        assert (await endpoint.deliver(event))[0] == 200
        assert await cache.counter(events_key(CUSTOMER)) == 1
    finally:
        await runner.cleanup()


async def test_before_start_up_the_endpoint_asks_stripe_to_retry(
    http: aiohttp.ClientSession,
) -> None:
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, stripe_webhook)
    runner, base = await serve(app)
    try:
        async with http.post(base + WEBHOOK_PATH, data=b"{}") as response:
            assert response.status == 503
            assert (await response.json())["error"]["code"] == "not_ready"
    finally:
        await runner.cleanup()
