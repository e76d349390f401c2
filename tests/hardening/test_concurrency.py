"""Conflicting mutations on one subscription, all at once: each answer is a success or a
clear refusal, each success is one change at Stripe, and what the gateway shows afterwards
is what Stripe holds."""

from __future__ import annotations

import asyncio
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
    month = {"interval": "MONTH", "intervalCount": 1}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("cancelSubscription", {"subscriptionId": sub}),
        ("renewSubscription", {"subscriptionId": sub}),
        ("pauseSubscription", {"subscriptionId": sub, "pauseFor": month}),
        ("resumeSubscription", {"subscriptionId": sub}),
        ("cancelSubscription", {"subscriptionId": sub}),
        ("pauseSubscription", {"subscriptionId": sub, "pauseFor": month}),
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
    # Every success is at most one write Stripe accepted (a pause is a schedule made with its
    # pause schedule; a write Stripe refused because a concurrent one got there first is a
    # success when Stripe holds what was asked), besides releasing the gateway's own schedule
    # first; refusals write nothing.
    writes = [
        e
        for e in emulator.runtime.log.entries
        if e["method"] in ("POST", "DELETE")
        and e["status"] < 400
        and (
            e["path"].startswith(f"/v1/subscriptions/{sub}")
            or e["path"] == "/v1/subscription_schedules"
        )
    ]
    assert 0 < len(writes) <= successes
    # A release makes its own update (the schedule leaves the subscription).
    assert 0 < len(updates) <= 2 * successes
    stored = emulator.emu.objects[sub]
    shown = (
        await gateway.post(
            f'{{ subscription(id: "{sub}") {{ cancelAtPeriodEnd isPaused items {{ id }} }} }}',
            token=token,
        )
    ).ok()["subscription"]
    assert shown["cancelAtPeriodEnd"] == stored["cancel_at_period_end"]
    assert shown["isPaused"] == (stored["status"] == "paused")
    assert len(shown["items"]) == 1
