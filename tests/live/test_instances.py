"""Any instance can serve any request: sessions, revocations, single-use codes, caches and
live events are shared through Redis.

Each test runs twice: `redis` starts instances A and B (two apps, two ports, each with its
own cache and bus) on one real Redis; `memory` runs the same story on one instance.
Webhooks, where a test uses them, are delivered by the emulator to instance A only.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

from tests.live.instances import eventually, settled
from tests.live.live_client import LiveClient
from tests.webhooks.webhook_helpers import make_event, signature

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Instance, Pair
    from tests.support.world import World

CUSTOMER = "{ customer { id name email } }"
UPDATE_NAME = 'mutation { updateCustomer(input: {name: "%s"}) { userErrors { code } } }'
PLANS = "{ plans { product { id name } } }"


def customer_reads(emulator: RunningEmulator, customer_id: str) -> int:
    """How often the gateway asked Stripe for this customer."""
    path = f"/v1/customers/{customer_id}"
    return sum(
        1 for e in emulator.runtime.log.entries if e["method"] == "GET" and e["path"] == path
    )


async def customer_name(instance: Instance, token: str) -> str:
    name: str = (await instance.gateway.post(CUSTOMER, token=token)).ok()["customer"]["name"]
    return name


async def subscriber(instance: Instance, token: str, customer_id: str) -> LiveClient:
    """A socket on `instance` with `billingEvents` subscribed as "1" and listening."""
    live = await LiveClient.connect(instance.gateway.http, instance.url, {"accessToken": token})
    await live.subscribe("1")
    await instance.until_subscribed(customer_id)
    return live


# -- sessions ---------------------------------------------------------------------------


async def test_a_code_redeemed_on_one_instance_cannot_be_redeemed_on_another(
    pair: Pair, world: World
) -> None:
    created = (await pair.a.gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    code = created["session"]["code"]
    first = (await pair.a.gateway.redeem(code)).ok()["redeemPortalSession"]
    assert first["userErrors"] == []
    second = (await pair.b.gateway.redeem(code)).ok()["redeemPortalSession"]
    assert second["accessToken"] is None
    assert [e["code"] for e in second["userErrors"]] == ["SESSION_ALREADY_USED"]
    # The token A issued works on B.
    assert await customer_name(pair.b, first["accessToken"]) == "Alice"


async def test_a_code_redeemed_on_two_instances_at_once_gives_one_token(
    pair: Pair, world: World
) -> None:
    for _ in range(3):
        created = (await pair.b.gateway.create_session(world.bob.id)).ok()["createPortalSession"]
        code = created["session"]["code"]
        results = await asyncio.gather(
            pair.a.gateway.redeem(code),
            pair.b.gateway.redeem(code),
            pair.a.gateway.redeem(code),
            pair.b.gateway.redeem(code),
        )
        payloads = [result.ok()["redeemPortalSession"] for result in results]
        tokens = [p["accessToken"] for p in payloads if p["accessToken"] is not None]
        assert len(tokens) == 1, payloads
        refusals = [e["code"] for p in payloads for e in p["userErrors"]]
        assert refusals == ["SESSION_ALREADY_USED"] * 3


async def test_a_session_revoked_on_one_instance_is_refused_on_another(
    pair: Pair, world: World
) -> None:
    created = (await pair.a.gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    redeemed = (await pair.b.gateway.redeem(created["session"]["code"])).ok()
    token = redeemed["redeemPortalSession"]["accessToken"]
    assert await customer_name(pair.b, token) == "Alice"
    revoked = await pair.a.gateway.admin(
        "mutation($id: ID!) { revokePortalSession(input: {sessionId: $id}) "
        "{ sessionId userErrors { code } } }",
        {"id": created["session"]["id"]},
    )
    assert revoked.ok()["revokePortalSession"]["userErrors"] == []
    refused = await pair.b.gateway.post(CUSTOMER, token=token)
    assert refused.error_codes == ["UNAUTHENTICATED"]
    assert refused.data is None or refused.data["customer"] is None


# -- caches -----------------------------------------------------------------------------


async def test_a_mutation_on_one_instance_updates_what_another_cached(
    pair: Pair, world: World, emulator: RunningEmulator
) -> None:
    token = await pair.a.gateway.token_for(world.alice.id)
    assert await customer_name(pair.b, token) == "Alice"
    cached = customer_reads(emulator, world.alice.id)
    assert await customer_name(pair.b, token) == "Alice"
    assert customer_reads(emulator, world.alice.id) == cached, "B's second read was not cached"

    result = await pair.a.gateway.post(UPDATE_NAME % "Alice Renamed", token=token)
    assert result.ok()["updateCustomer"]["userErrors"] == []
    before = customer_reads(emulator, world.alice.id)
    # With webhooks configured, the write's answer took the cached customer's place: B
    # shows the change without asking Stripe.
    assert await customer_name(pair.b, token) == "Alice Renamed"
    assert customer_reads(emulator, world.alice.id) == before, "B went to Stripe"
    # Bob's cached data was not dropped with Alice's.
    bob = await pair.a.gateway.token_for(world.bob.id)
    assert await customer_name(pair.b, bob) == "Bob"
    bob_reads = customer_reads(emulator, world.bob.id)
    await pair.a.gateway.post(UPDATE_NAME % "Alice Again", token=token)
    assert await customer_name(pair.b, bob) == "Bob"
    assert customer_reads(emulator, world.bob.id) == bob_reads


async def test_a_mutation_on_one_instance_reaches_a_subscriber_on_another(
    pair: Pair, world: World
) -> None:
    token = await pair.a.gateway.token_for(world.bob.id)
    async with await subscriber(pair.b, token, world.bob.id) as live:
        cancel = await pair.a.gateway.post(
            "mutation($id: ID!) { cancelSubscription(input: {subscriptionId: $id}) "
            "{ userErrors { code } } }",
            {"id": world.bob.subscription},
            token=token,
        )
        assert cancel.ok()["cancelSubscription"]["userErrors"] == []
        event = await live.next_event("1")
    assert (event["kind"], event["type"], event["source"]) == (
        "SUBSCRIPTION",
        "gateway.cancelSubscription",
        "GATEWAY",
    )
    assert event["objectId"] == world.bob.subscription


# -- webhooks ---------------------------------------------------------------------------


async def test_a_webhook_delivered_to_one_instance_reaches_a_subscriber_on_another(
    stripe_webhooks: Pair, world: World, stripe_client: stripe.StripeClient
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    assert await customer_name(b, token) == "Alice"  # cached on B before the change
    async with await subscriber(b, token, world.alice.id) as live:
        await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Set in Stripe"})
        event = await live.event_of_type("1", "customer.updated")
        assert (event["kind"], event["source"], event["objectId"]) == (
            "CUSTOMER",
            "STRIPE",
            world.alice.id,
        )
        assert event["id"].startswith("evt_")
        # The cache was dropped before the event went out: B's refetch sees the change.
        assert await customer_name(b, token) == "Set in Stripe"
    assert a.services.bus is not b.services.bus or not stripe_webhooks.shared


async def test_a_webhook_with_a_bad_signature_changes_nothing(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    assert await customer_name(b, token) == "Alice"
    reads = customer_reads(emulator, world.alice.id)
    generation = await b.services.billing.cache.generation(world.alice.id)
    forged = make_event(
        "customer.updated",
        {"id": world.alice.id, "object": "customer", "name": "Forged"},
        event_id="evt_forged_0001",
    )
    payload = json.dumps(forged)
    deliveries: list[tuple[str, str]] = [
        ("wrong secret", signature(payload, "whsec_not_the_endpoints_secret")),
        ("stale", signature(payload, timestamp=int(time.time()) - 3600, secret=_secret())),
        ("missing", ""),
        ("garbage", "t=1,v1=00"),
    ]
    async with await subscriber(b, token, world.alice.id) as live:
        for name, header in deliveries:
            headers = {"Content-Type": "application/json"}
            if header:
                headers["Stripe-Signature"] = header
            async with a.gateway.http.post(a.webhook_url, data=payload, headers=headers) as reply:
                body: Any = await reply.json()
                assert reply.status == 400, (name, body)
                assert body["error"]["code"] == "invalid_signature", (name, body)
        # Nothing was invalidated: B still answers from its cache, without Stripe.
        assert await b.services.billing.cache.generation(world.alice.id) == generation
        assert await customer_name(b, token) == "Alice"
        assert customer_reads(emulator, world.alice.id) == reads
        # Nothing was published: the first event the subscriber gets is a real one.
        await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Real change"})
        event = await live.next_event("1")
    assert event["id"] != forged["id"]
    assert event["type"] == "customer.updated"
    # The forged event id was not claimed either: were Stripe to send it, it would count.
    assert await a.services.billing.cache.get(f"webhook-event:{forged['id']}") is None


async def test_subscribers_only_hear_about_their_own_customer(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    alice_token = await b.gateway.token_for(world.alice.id)
    bob_token = await a.gateway.token_for(world.bob.id)
    async with (
        await subscriber(b, alice_token, world.alice.id) as alice,
        await subscriber(b, bob_token, world.bob.id) as bob,
    ):
        # Bob's changes, from Stripe and from the gateway, come first ...
        await stripe_client.v1.customers.update_async(world.bob.id, {"name": "Bob in Stripe"})
        await settled(emulator.runtime)
        result = await a.gateway.post(UPDATE_NAME % "Bob via A", token=bob_token)
        assert result.ok()["updateCustomer"]["userErrors"] == []
        # ... then Alice's: her first event is hers, so none of Bob's reached her.
        await stripe_client.v1.customers.update_async(world.alice.id, {"name": "Alice in Stripe"})
        first = await alice.next_event("1")
        assert first["objectId"] == world.alice.id
        assert first["type"] == "customer.updated"
        heard = [await bob.next_event("1"), await bob.next_event("1")]
    assert {e["objectId"] for e in heard} == {world.bob.id}
    assert {e["source"] for e in heard} == {"STRIPE", "GATEWAY"}


async def test_a_catalog_change_in_stripe_reloads_every_instance(
    stripe_webhooks: Pair, world: World, stripe_client: stripe.StripeClient
) -> None:
    a, b = stripe_webhooks.a, stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)

    async def offered(instance: Instance) -> dict[str, str]:
        plans = (await instance.gateway.post(PLANS, token=token)).ok()["plans"]
        return {p["product"]["id"]: p["product"]["name"] for p in plans}

    assert (await offered(b))[world.pro_product] == "Pro"
    await stripe_client.v1.products.update_async(world.pro_product, {"name": "Pro Plus"})
    for instance in (a, b):

        async def reloaded(instance: Instance = instance) -> bool:
            product = instance.services.catalog.product(world.pro_product)
            return product is not None and product.name == "Pro Plus"

        await eventually(reloaded)
        assert (await offered(instance))[world.pro_product] == "Pro Plus"


def _secret() -> str:
    from tests.live.instances import SECRET

    return SECRET
