"""The account's Stripe budget holds for the whole account: many customers at once, on two
instances sharing a real Redis (`redis`) or on one (`memory`), never send Stripe more than
the bucket allows, counted from the emulator's request log. Reads over the budget fail
with RATE_LIMITED (sent nowhere); writes go first.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from tests.api.test_overview_cost import OVERVIEW

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.world import World

RATE = 8.0
BURST = 8
CUSTOMERS = 8
VISITS_PER_CUSTOMER = 2


async def budgeted_pair(
    factory: GatewayFactory, world: World, backend: str | None
) -> tuple[RunningGateway, RunningGateway]:
    """Two instances (one, twice, without Redis) with a small account budget and no
    customer cache, so every visit asks Stripe."""

    async def start() -> RunningGateway:
        return await factory.start(
            world.configurations(),
            redis_url=backend,
            customer_cache_ttl_seconds=0,
            stripe_account_requests_per_second=RATE,
            stripe_account_burst=BURST,
            stripe_account_read_wait_seconds=0.2,
        )

    a = await start()
    return (a, await start()) if backend is not None else (a, a)


async def test_many_customers_at_once_never_exceed_the_account_budget(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    backend: str | None,
) -> None:
    a, b = await budgeted_pair(gateway_factory, world, backend)
    ids = [world.alice.id, world.bob.id]
    for n in range(CUSTOMERS - len(ids)):
        made = await stripe_client.v1.customers.create_async({"email": f"c{n}@example.com"})
        ids.append(made.id)
    tokens = [(await a.token_for(i), await b.token_for(i)) for i in ids]
    await asyncio.sleep(BURST / RATE)  # the sign-ins' own reads: let the bucket refill
    emulator.reset_log()

    visits = [
        gateway.post(OVERVIEW, token=token)
        for pair in tokens
        for gateway, token in zip((a, b), pair, strict=True)
        for _ in range(VISITS_PER_CUSTOMER)
    ]
    started = time.monotonic()
    answers: list[Result] = await asyncio.gather(*visits)
    elapsed = time.monotonic() - started

    sent = len(emulator.runtime.log.entries)
    wanted = len(answers) * 4  # at least four reads per overview
    assert sent < wanted  # the budget held some back ...
    # ... and what went out is what the bucket holds (full at most) plus what it refilled
    # while the visits ran: the bound of a token bucket, whatever the machine's speed.
    assert sent <= BURST + RATE * elapsed
    codes = {code for answer in answers for code in answer.error_codes}
    assert "RATE_LIMITED" in codes
    assert codes <= {"RATE_LIMITED", None}
    assert all(answer.status == 200 for answer in answers)
    refused = next(
        e for r in answers for e in r.errors if e["extensions"]["code"] == "RATE_LIMITED"
    )
    assert "Try again in" in refused["message"]
    # The refusals are reported: metrics count them, readiness notes them (and stays up:
    # every instance shares the budget, so leaving the pool would not help).
    async with a.http.get(f"{a.url}/metrics") as response:
        metrics = await response.text()
    assert 'gateway_stripe_account_budget_total{kind="read",outcome="refused"}' in metrics
    async with a.http.get(f"{a.url}/readyz") as response:
        ready = await response.json()
    assert any("Stripe budget" in note for note in ready.get("notes", []))


async def test_a_write_goes_before_reads_waiting_for_the_budget(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    backend: str | None,
) -> None:
    a, b = await budgeted_pair(gateway_factory, world, backend)
    reader, writer = await a.token_for(world.bob.id), await b.token_for(world.alice.id)
    await asyncio.sleep(BURST / RATE)
    # Reads use the bucket down to the writes' reserve, and keep asking.
    reads: list[Any] = [a.post(OVERVIEW, token=reader) for _ in range(6)]
    write = b.post(
        'mutation { updateCustomer(input: {name: "Written"}) { userErrors { code } } }',
        token=writer,
    )
    *read_answers, written = await asyncio.gather(*reads, write)
    assert written.ok()["updateCustomer"]["userErrors"] == []
    assert any("RATE_LIMITED" in r.error_codes for r in read_answers)
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert stored.name == "Written"
