"""Conflicting mutations on one subscription, all at once: each answer is a success or a
clear refusal, each success is one change at Stripe, and what the gateway shows afterwards
is what Stripe holds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import document

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

# Which refusals a round meets depends on the order its writes land in: a round can start
# with the subscription canceling (a pause is then not eligible) or paused.
REFUSALS = {
    "ALREADY_CANCELING",
    "NOT_CANCELING",
    "ALREADY_PAUSED",
    "NOT_PAUSED",
    "SUBSCRIPTION_NOT_ELIGIBLE",
}
ROUNDS = 3


async def test_conflicting_mutations_end_consistent(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), rate_limit_per_second=0)
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    resumes_at = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    calls: list[tuple[str, dict[str, Any]]] = [
        ("cancelSubscription", {"subscriptionId": sub}),
        ("renewSubscription", {"subscriptionId": sub}),
        ("pauseSubscription", {"subscriptionId": sub, "resumesAt": resumes_at}),
        ("resumeSubscription", {"subscriptionId": sub}),
        ("cancelSubscription", {"subscriptionId": sub}),
        ("pauseSubscription", {"subscriptionId": sub, "resumesAt": resumes_at}),
    ]
    before = {k for k, o in emulator.emu.objects.items() if o.get("object") == "event"}
    emulator.reset_log()
    successes = 0
    for _ in range(ROUNDS):
        answers = await asyncio.gather(
            *(
                gateway.post(document(name, "subscription { id }"), {"input": f}, token=token)
                for name, f in calls
            )
        )
        for (name, _fields), answer in zip(calls, answers, strict=True):
            payload = answer.ok()[name]
            codes = {e["code"] for e in payload["userErrors"]}
            assert codes <= REFUSALS, (name, payload)
            successes += not codes
    updates = [
        o
        for k, o in emulator.emu.objects.items()
        if o.get("object") == "event"
        and k not in before
        and o["type"] == "customer.subscription.updated"
        and o["data"]["object"]["id"] == sub
    ]
    # Every success is exactly one write at Stripe (a write that changes nothing, such as a
    # second concurrent cancel, makes no event); refusals write nothing.
    writes = [
        e
        for e in emulator.runtime.log.entries
        if e["method"] in ("POST", "DELETE") and e["path"].startswith(f"/v1/subscriptions/{sub}")
    ]
    assert len(writes) == successes > 0
    assert 0 < len(updates) <= successes
    stored = emulator.emu.objects[sub]
    shown = (
        await gateway.post(
            f'{{ subscription(id: "{sub}") {{ cancelAtPeriodEnd isPaused items {{ id }} }} }}',
            token=token,
        )
    ).ok()["subscription"]
    assert shown["cancelAtPeriodEnd"] == stored["cancel_at_period_end"]
    assert shown["isPaused"] == (stored.get("pause_collection") is not None)
    assert len(shown["items"]) == 1
