"""Reads a field's children will need start beside the field's own: a cold overview waits for
one round of parallel Stripe requests, not two. Previews start from the subscription ids of
the last list read (a hint, never served); the hint going stale changes no answer.
A subscription write takes "now" from the subscription's own test clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stripe_emulator.request_log import rounds

from tests.api.mutation_calls import mutate
from tests.api.test_overview_cost import OVERVIEW

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

LATENCY_SECONDS = 0.3
UPCOMING = "POST /v1/invoices/create_preview"


def _routes(emulator: RunningEmulator) -> Counter[str]:
    return Counter(f"{e['method']} {e['route']}" for e in emulator.runtime.log.entries)


def _rounds(emulator: RunningEmulator) -> int:
    """Stripe waits one after another (each request sent after another was answered)."""
    return rounds(emulator.runtime.log.entries)


def _slow_stripe(emulator: RunningEmulator) -> None:
    emulator.runtime.faults.configure(
        {"rules": [{"path": "/v1/.*", "latency_ms": LATENCY_SECONDS * 1000}]}
    )


async def test_a_cold_overview_is_one_round_of_stripe_requests(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    _slow_stripe(emulator)
    emulator.reset_log()
    first = (await gateway.post(OVERVIEW, token=token)).ok()
    first_sight = _routes(emulator)
    # The first time, the previews wait for the subscription list.
    assert _rounds(emulator) == 2
    emulator.reset_log()
    again = (await gateway.post(OVERVIEW, token=token)).ok()
    assert again == first
    assert _routes(emulator) == first_sight
    assert all(count == 1 for count in first_sight.values()), first_sight
    assert _rounds(emulator) == 1


async def test_only_the_fields_asked_for_are_prefetched(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    (await gateway.post(OVERVIEW, token=token)).ok()
    emulator.reset_log()
    (await gateway.post("{ subscriptions { id } customer { id } }", token=token)).ok()
    assert sorted(_routes(emulator)) == ["GET /v1/customers/{customer}", "GET /v1/subscriptions"]
    emulator.reset_log()
    skipped = """query($on: Boolean!) {
        subscriptions { id upcomingInvoice @include(if: $on) { total } }
        customer { id taxIds @skip(if: true) { id } } }"""
    (await gateway.post(skipped, {"on": False}, token=token)).ok()
    assert sorted(_routes(emulator)) == ["GET /v1/customers/{customer}", "GET /v1/subscriptions"]
    emulator.reset_log()
    fragment = """{ subscriptions { ...next } }
        fragment next on Subscription { upcomingInvoice { total } }"""
    _slow_stripe(emulator)
    (await gateway.post(fragment, token=token)).ok()
    assert sorted(_routes(emulator)) == ["GET /v1/subscriptions", UPCOMING]
    assert _rounds(emulator) == 1


async def test_a_stale_hint_changes_no_answer(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.bob.id)
    (await gateway.post(OVERVIEW, token=token)).ok()
    # Elsewhere, the known subscription ends and a new one starts.
    await stripe_client.v1.subscriptions.cancel_async(world.bob.subscription)
    created = await stripe_client.v1.subscriptions.create_async(
        {"customer": world.bob.id, "items": [{"price": world.basic_monthly}]}
    )
    emulator.reset_log()
    data = (await gateway.post(OVERVIEW, token=token)).ok()
    assert [s["id"] for s in data["subscriptions"]] == [created.id]
    assert data["subscriptions"][0]["upcomingInvoice"]["amountDue"] == 1000
    # One preview for the ended subscription went unused; the new one's followed the list.
    assert _routes(emulator)[UPCOMING] == 2
    emulator.reset_log()
    (await gateway.post(OVERVIEW, token=token)).ok()
    assert _routes(emulator)[UPCOMING] == 1


async def test_a_subscription_write_takes_now_from_the_subscription_clock(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    customer = await stripe_client.v1.customers.retrieve_async(
        world.alice.id, {"expand": ["test_clock"]}
    )
    clock: Any = customer.test_clock
    frozen = int(clock.frozen_time)
    assert frozen < datetime.now(UTC).timestamp() - 3 * 24 * 3600
    # In the past by the wall clock, a month ahead on Alice's test clock: the configured
    # month, allowed.
    moment = datetime.fromtimestamp(frozen, UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    resumes = moment.replace(year=year, month=month).isoformat()
    emulator.reset_log()
    payload = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=world.alice.subscription,
        resumesAt=resumes,
    )
    assert payload["userErrors"] == []
    assert payload["subscription"]["resumesAt"] == resumes
    # The clock itself is read for "now" (it moves without touching the subscription), not
    # the customer; only customers on a test clock pay that read, so only in test mode.
    assert sorted(_routes(emulator)) == [
        "GET /v1/subscriptions",
        "GET /v1/test_helpers/test_clocks/{test_clock}",
        "POST /v1/subscription_schedules",
    ]
