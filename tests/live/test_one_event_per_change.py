"""One live event per change, whoever made it: a customer's mutation is announced by the
gateway at once, and Stripe's webhooks for the same writes (its echo, known by the request's
idempotency key) are not published again; a change made elsewhere in Stripe still is.

Runs on one instance (memory) and on two sharing Redis, webhooks delivered to A, the
subscriber and the mutation on B."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from gateway.live_bus import LiveEventKind
from gateway.store import Cache
from gateway.webhooks.echoes import is_echo, mark_announced, mark_writing
from tests.live.instances import settled
from tests.live.test_instances import subscriber

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Pair
    from tests.support.world import World

CANCEL = (
    "mutation($id: ID!) { cancelSubscription(input: {subscriptionId: $id}) "
    "{ userErrors { code } } }"
)
UPDATE_NAME = 'mutation { updateCustomer(input: {name: "%s"}) { userErrors { code } } }'
# Long enough for a stray echo to be published and delivered.
SILENCE_SECONDS = 0.6


async def test_a_mutation_reaches_a_subscriber_once_with_webhooks_on(
    stripe_webhooks: Pair, world: World, emulator: RunningEmulator
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    token = await b.gateway.token_for(world.bob.id)
    async with await subscriber(b, token, world.bob.id) as live:
        deliverer = emulator.runtime.deliverer
        assert deliverer is not None
        delivered = len(deliverer.deliveries)
        cancel = await b.gateway.post(CANCEL, {"id": world.bob.subscription}, token=token)
        assert cancel.ok()["cancelSubscription"]["userErrors"] == []
        event = await live.next_event("1")
        assert (event["type"], event["source"]) == ("gateway.cancelSubscription", "GATEWAY")
        await settled(emulator.runtime)
        # Stripe did send its webhook for the change, to A, and A took it (200).
        echoes = deliverer.deliveries[delivered:]
        types = {emulator.runtime.emu.objects[d["event"]]["type"] for d in echoes}
        assert "customer.subscription.updated" in types, echoes
        assert {d["status"] for d in echoes} == {200}, echoes
        await live.nothing_for(SILENCE_SECONDS)
    assert a is not b or not stripe_webhooks.shared


async def test_a_change_made_in_stripe_is_still_published(
    stripe_webhooks: Pair, world: World, stripe_client: stripe.StripeClient
) -> None:
    b = stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    async with await subscriber(b, token, world.alice.id) as live:
        # A change of the gateway's first, then one made in Stripe itself: two events.
        renamed = await b.gateway.post(UPDATE_NAME % "Alice G", token=token)
        assert renamed.ok()["updateCustomer"]["userErrors"] == []
        first = await live.next_event("1")
        assert first["type"] == "gateway.updateCustomer"
        await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Alice S"})
        second = await live.next_event("1")
        assert (second["type"], second["source"]) == ("customer.updated", "STRIPE")
        await live.nothing_for(SILENCE_SECONDS)


async def test_an_echo_waits_for_the_call_still_writing() -> None:
    cache = Cache.from_url(None)
    key = "gw_0123abcd-update"
    await mark_writing(cache, "gw_0123abcd")

    async def announce_later() -> None:
        await asyncio.sleep(0.2)
        await mark_announced(cache, "gw_0123abcd", LiveEventKind.SUBSCRIPTION)

    announcing = asyncio.create_task(announce_later())
    assert await is_echo(cache, key, LiveEventKind.SUBSCRIPTION, wait_seconds=2)
    await announcing
    # Another kind of change from the same call (the invoice an upgrade makes) is news.
    assert not await is_echo(cache, key, LiveEventKind.INVOICE)
    await cache.close()


async def test_what_is_not_an_announced_echo_is_published() -> None:
    cache = Cache.from_url(None)
    # Not the gateway's request, or no request at all (Stripe's own renewals).
    assert not await is_echo(cache, "someone-elses-key", LiveEventKind.CUSTOMER)
    assert not await is_echo(cache, None, LiveEventKind.CUSTOMER)
    # The gateway's, but its call never announced (failed half-way): published after the wait.
    await mark_writing(cache, "gw_feed")
    started = asyncio.get_running_loop().time()
    assert not await is_echo(cache, "gw_feed-customer", LiveEventKind.CUSTOMER, wait_seconds=0.3)
    assert asyncio.get_running_loop().time() - started >= 0.3
    # A call that is not writing (no mark) is not waited for.
    started = asyncio.get_running_loop().time()
    assert not await is_echo(cache, "gw_beef-customer", LiveEventKind.CUSTOMER)
    assert asyncio.get_running_loop().time() - started < 0.2
    await cache.close()
