"""A scripted series of customer mutations while a fifth of Stripe requests fail (429, 500,
a dropped connection before or after Stripe applied the request): every answer is a
success or a clear, coded error; a client that resends the same `clientMutationId` after a
failure ends with exactly the intended Stripe state, each change applied once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_calls import document

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.world import World

FAULTS = {"rate_429": 0.05, "rate_500": 0.05, "rate_drop": 0.05, "rate_drop_after": 0.05}
# Worth resending: Stripe (or the gateway's limit) said "not now".
TRANSIENT = {"STRIPE_UNAVAILABLE", "RATE_LIMITED", "STRIPE_ERROR"}
# A resend of a change Stripe applied although the first answer was a failure meets the
# new state: these say the intended change is in place.
ALREADY_DONE = {
    "cancelSubscription": "ALREADY_CANCELING",
    "renewSubscription": "NOT_CANCELING",
    "pauseSubscription": "ALREADY_PAUSED",
    "resumeSubscription": "NOT_PAUSED",
    "removeTaxId": "NOT_FOUND",
    "updateSubscription": "INVALID_INPUT",  # "already has this plan and quantity"
    "addTaxId": "INVALID_INPUT",  # "This tax ID is already on the account."
}
KNOWN_CODES = TRANSIENT | set(ALREADY_DONE.values())
MAX_ATTEMPTS = 12
CYCLES = 3
SERIES_SECONDS = 60.0


@dataclass
class Tally:
    requests: int = 0
    transient: int = 0
    codes: dict[str, int] = field(default_factory=dict)


def _codes(result: Result, name: str) -> list[str]:
    """Every code in the answer, checking that it is a well-formed success or clear error."""
    assert result.status in (200, 429), result.body
    for error in result.errors:
        assert error["extensions"]["code"] in TRANSIENT, result.body
        assert "Unexpected" not in error["message"]
    if result.errors:
        return [e["extensions"]["code"] for e in result.errors]
    payload = result.data[name]
    for error in payload["userErrors"]:
        assert error["code"] in KNOWN_CODES, (name, error)
        assert error["message"]
    return [e["code"] for e in payload["userErrors"]]


async def apply_once(
    gateway: RunningGateway, token: str, tally: Tally, step: int, name: str, given: dict[str, Any]
) -> None:
    """Send one mutation, resending it with the same clientMutationId until it is done."""
    fields = {**given, "clientMutationId": f"series-{step}-{name}"}
    for _attempt in range(MAX_ATTEMPTS):
        tally.requests += 1
        result = await gateway.post(
            document(name, "clientMutationId"), {"input": fields}, token=token
        )
        codes = _codes(result, name)
        for code in codes:
            tally.codes[code] = tally.codes.get(code, 0) + 1
        if not codes or codes == [ALREADY_DONE.get(name)]:
            if codes == ["INVALID_INPUT"]:
                assert "already" in result.data[name]["userErrors"][0]["message"]
            assert result.data[name]["clientMutationId"] == fields["clientMutationId"]
            return
        assert set(codes) <= TRANSIENT, (name, codes)
        tally.transient += 1
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} did not go through in {MAX_ATTEMPTS} attempts")


def _event_ids(emulator: RunningEmulator) -> set[str]:
    return {k for k, o in emulator.emu.objects.items() if o.get("object") == "event"}


def _events(emulator: RunningEmulator, before: set[str], object_id: str) -> list[dict[str, Any]]:
    """Events about `object_id` since `before` (the ids that existed), oldest first."""
    return [
        o
        for k, o in emulator.emu.objects.items()
        if o.get("object") == "event"
        and k not in before
        and o["data"]["object"].get("id") == object_id
    ]


def _plan(items: dict[str, Any]) -> list[tuple[str, int]]:
    return [(i["price"]["id"], i["quantity"]) for i in items["data"]]


def _plan_changed(event: dict[str, Any]) -> bool:
    """Whether an event changed the subscription's prices or quantities."""
    before = (event["data"].get("previous_attributes") or {}).get("items")
    return before is not None and _plan(before) != _plan(event["data"]["object"]["items"])


def _changed(events: list[dict[str, Any]], attribute: str) -> int:
    return sum(attribute in (e["data"].get("previous_attributes") or {}) for e in events)


@pytest.mark.parametrize("seed", [11, 22, 33])
async def test_series_under_faults_ends_in_the_intended_state(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator, seed: int
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), stripe_max_retries=2, stripe_breaker_seconds=0.5
    )
    bob = world.bob
    token = await gateway.token_for(bob.id)
    before = _event_ids(emulator)
    emulator.runtime.faults.configure({"seed": seed, "rules": [{"path": "/v1/.*", **FAULTS}]})
    tally = Tally()
    sub = bob.subscription
    cycle: list[tuple[str, dict[str, Any]]] = [
        ("cancelSubscription", {"subscriptionId": sub}),
        ("renewSubscription", {"subscriptionId": sub}),
        (
            "pauseSubscription",
            {"subscriptionId": sub, "pauseFor": {"interval": "MONTH", "intervalCount": 1}},
        ),
        ("resumeSubscription", {"subscriptionId": sub}),
    ]
    series: list[tuple[str, dict[str, Any]]] = [
        ("updateCustomer", {"name": "Robert"}),
        ("addTaxId", {"type": "eu_vat", "value": "DE100200309"}),
        ("removeTaxId", {"taxIdId": bob.tax_id}),
        *cycle * CYCLES,
        ("updateCustomer", {"name": "Bobby"}),
        ("addTaxId", {"type": "eu_vat", "value": "DE400500600"}),
        (
            "updateSubscription",
            {"subscriptionId": sub, "priceId": world.basic_yearly, "quantity": 4},
        ),
        ("cancelSubscription", {"subscriptionId": sub}),
    ]
    async with asyncio.timeout(SERIES_SECONDS):
        for step, (name, fields) in enumerate(series):
            await apply_once(gateway, token, tally, step, name, fields)
    injected = sum(emulator.runtime.faults.injected.values())
    emulator.runtime.faults.configure({"rules": []})
    print(f"fault series seed={seed}: {tally.requests} requests, {injected} faults, {tally}")
    assert injected > 0

    # Stripe's state is exactly the intended one...
    customer = emulator.emu.objects[bob.id]
    assert customer["name"] == "Bobby"
    tax_ids = sorted(
        o["value"]
        for o in emulator.emu.objects.values()
        if o.get("object") == "tax_id" and o.get("customer") == bob.id and not o.get("deleted")
    )
    assert tax_ids == ["DE100200309", "DE400500600"]
    subscription = emulator.emu.objects[sub]
    assert subscription["cancel_at_period_end"] is True
    assert subscription["status"] == "active"
    (item,) = emulator.emu.render(subscription)["items"]["data"]
    assert (item["price"]["id"], item["quantity"]) == (world.basic_yearly, 4)
    # ...reached by applying each change once: no double cancel, switch or tax ID.
    events = _events(emulator, before, sub)
    assert _changed(events, "cancel_at_period_end") == 2 * CYCLES + 1
    kinds = [e["type"] for e in events]
    assert kinds.count("customer.subscription.paused") == CYCLES
    assert kinds.count("customer.subscription.resumed") == CYCLES
    # Pauses and resumes move the items' periods; the plan itself changed once.
    assert sum(_plan_changed(e) for e in events) == 1
    created = [
        o["data"]["object"]["value"]
        for o in emulator.emu.objects.values()
        if o.get("object") == "event"
        and o["type"] == "customer.tax_id.created"
        and o["id"] not in before
    ]
    assert sorted(created) == ["DE100200309", "DE400500600"]
    names = [
        e["data"]["object"]["name"]
        for e in _events(emulator, before, bob.id)
        if "name" in (e["data"].get("previous_attributes") or {})
    ]
    assert names == ["Robert", "Bobby"]
    # And the gateway now reads what Stripe holds.
    selection = "cancelAtPeriodEnd isPaused items { quantity price { id } }"
    answer = await gateway.post(f'{{ subscription(id: "{sub}") {{ {selection} }} }}', token=token)
    assert answer.ok()["subscription"] == {
        "cancelAtPeriodEnd": True,
        "isPaused": False,
        "items": [{"quantity": 4, "price": {"id": world.basic_yearly}}],
    }
