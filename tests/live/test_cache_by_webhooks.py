"""With webhooks, Stripe's events keep a cached overview up to date in place: a change made in
Stripe reaches it without a Stripe read (beyond the previews it can change), events out of
order or twice never leave an older state, and a webhook that never comes is bounded by
the staleness setting.

Each test runs on one instance (`memory`) and on two sharing a real Redis (`redis`):
the emulator delivers webhooks to A, the customer reads through B. Stripe requests are
counted in the emulator's request log.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from tests.api.test_overview_cost import OVERVIEW
from tests.live.instances import SECRET, eventually, settled
from tests.webhooks.webhook_helpers import make_event, signature

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Instance, Pair
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

PREVIEW = "POST /v1/invoices/create_preview"


def stripe_requests(emulator: RunningEmulator) -> Counter[str]:
    return Counter(f"{e['method']} {e['route']}" for e in emulator.runtime.log.entries)


async def overview(instance: Instance, token: str) -> dict[str, Any]:
    data: dict[str, Any] = (await instance.gateway.post(OVERVIEW, token=token)).ok()
    return data


async def warm(instance: Instance, token: str) -> dict[str, Any]:
    """The overview once (loads the cache), then again, answered by the cache."""
    await overview(instance, token)
    return await overview(instance, token)


async def deliver(instance: Instance, event: dict[str, Any]) -> dict[str, Any]:
    payload = json.dumps(event)
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature(payload, SECRET)}
    async with instance.gateway.http.post(
        instance.webhook_url, data=payload, headers=headers
    ) as reply:
        assert reply.status == 200, await reply.text()
        body: dict[str, Any] = await reply.json()
        return body


async def test_a_change_in_stripe_reaches_the_cached_overview_without_a_stripe_read(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    b = stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    before = await warm(b, token)
    extra = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.alice.id}
    )
    await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Renamed in Stripe"})
    await stripe_client.v1.payment_methods.detach_async(extra.id)
    await stripe_client.v1.payment_methods.attach_async(
        "pm_card_amex", {"customer": world.alice.id}
    )
    await settled(emulator.runtime)
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == Counter()
    assert after["customer"]["name"] == "Renamed in Stripe"
    shown = [(pm["card"]["brand"], pm["isDefault"]) for pm in after["paymentMethods"]]
    assert shown == [("amex", False), ("visa", True)]
    # Nothing else moved: the rest is what the cache held.
    assert after["subscriptions"] == before["subscriptions"]
    assert after["invoices"] == before["invoices"]
    # What Stripe holds agrees.
    listed = await stripe_client.v1.customers.payment_methods.list_async(world.alice.id)
    assert sorted(pm.card.brand for pm in listed.data) == ["amex", "visa"]  # type: ignore[union-attr]


async def test_a_subscription_change_in_stripe_costs_only_its_preview(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    b = stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    await stripe_client.v1.subscriptions.update_async(
        world.alice.subscription, {"cancel_at_period_end": True}
    )
    await settled(emulator.runtime)
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == Counter({PREVIEW: 1})
    (sub,) = [s for s in after["subscriptions"] if s["id"] == world.alice.subscription]
    assert sub["cancelAtPeriodEnd"] is True
    assert "RENEW" in sub["availableActions"] or "CANCEL" not in sub["availableActions"]


async def test_out_of_order_and_duplicate_events_never_leave_an_older_state(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    current = (await stripe_client.v1.customers.retrieve_async(world.alice.id)).to_dict(
        recursive=True
    )
    now = int(time.time())

    def named(name: str, created: int) -> dict[str, Any]:
        obj = {**current, "name": name}
        return make_event("customer.updated", obj, previous={"name": "Alice"}, created=created)

    newer, older = named("Newest", now + 20), named("Older", now + 10)
    await deliver(a, newer)
    await deliver(a, older)  # a retry of an earlier event, arriving late
    assert (await deliver(a, newer))["duplicate"] is True
    emulator.reset_log()
    assert (await overview(b, token))["customer"]["name"] == "Newest"
    assert stripe_requests(emulator) == Counter()

    # Two states in one second cannot be ordered by their content: the cached customer is
    # dropped and read again, so what shows is Stripe's own state.
    await deliver(a, named("Same second A", now + 30))
    await deliver(a, named("Same second B", now + 30))
    emulator.reset_log()
    assert (await overview(b, token))["customer"]["name"] == "Alice"
    assert stripe_requests(emulator) == Counter({"GET /v1/customers/{customer}": 1})


async def test_a_missed_webhook_is_bounded_by_the_staleness_setting(
    gateway_factory: GatewayFactory,
    world: World,
    stripe_client: stripe.StripeClient,
) -> None:
    # Webhooks configured, but this change's event never arrives (no endpoint registered).
    gateway = await gateway_factory.start(
        world.configurations(),
        webhook_secret=SECRET,
        customer_cache_max_staleness_seconds=1.0,
        # The test polls until the entry expires: its own reads must not hit the rate limit.
        rate_limit_per_second=1000.0,
        rate_limit_burst=10_000,
    )
    assert gateway.settings.customer_cache_seconds == 1.0
    token = await gateway.token_for(world.alice.id)
    query = "{ customer { name } }"
    assert (await gateway.post(query, token=token)).ok()["customer"]["name"] == "Alice"
    await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Never announced"})

    async def caught_up() -> bool:
        data = (await gateway.post(query, token=token)).ok()
        return bool(data["customer"]["name"] == "Never announced")

    await eventually(caught_up, seconds=10.0)
