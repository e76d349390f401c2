"""With webhooks, the gateway's own writes put Stripe's answer in the cached customer data in
place: after each kind of write (and its webhooks), the next overview asks Stripe only for
the previews the write can change, and shows what Stripe holds (read through the SDK).
Events ordered while a write ran, or an older event arriving after it, never leave an older
state; a write that failed or lost its answer empties the cache instead of guessing; and
one customer's write never touches another's cache.

Each test runs on one instance (`memory`) and on two sharing a real Redis (`redis`): the
emulator delivers webhooks to A, the customer reads and writes through B. Stripe requests
are counted in the emulator's request log.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from gateway.billing import writes
from gateway.billing.written_answers import apply_written
from tests.api.mutation_calls import mutate
from tests.live.instances import settled
from tests.live.test_cache_by_webhooks import PREVIEW, deliver, overview, stripe_requests, warm

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Instance, Pair
    from tests.support.world import World

CUSTOMER_READ = "GET /v1/customers/{customer}"
NOTHING: Counter[str] = Counter()
ONE_PREVIEW = Counter({PREVIEW: 1})


async def truth(client: stripe.StripeClient, customer_id: str) -> dict[str, Any]:
    """What Stripe holds, in the overview's terms."""
    customer: Any = await client.v1.customers.retrieve_async(customer_id, {"expand": ["tax_ids"]})
    methods = await client.v1.customers.payment_methods.list_async(customer_id, {"limit": 100})
    subs = await client.v1.subscriptions.list_async(
        {"customer": customer_id, "expand": ["data.schedule"]}
    )
    invoices = await client.v1.invoices.list_async({"customer": customer_id, "limit": 10})
    return {
        "name": customer.name,
        "email": customer.email,
        "line1": customer.address.line1 if customer.address else None,
        "taxIds": sorted(t.id for t in customer.tax_ids.data),
        "default": customer.invoice_settings.default_payment_method,
        "paymentMethods": sorted(str(pm.id) for pm in methods.data),
        "subscriptions": sorted(
            (
                s.id,
                s.status.upper(),
                s.cancel_at_period_end,
                queues_a_change(s.schedule),
                tuple(i.quantity for i in s["items"].data),
            )
            for s in subs.data
        ),
        "invoices": [(i.id, str(i.status).upper()) for i in invoices.data],
    }


def queues_a_change(schedule: Any) -> bool:
    """A schedule still to change the subscription: a phase after the current one (in its
    last phase a schedule is still attached, but nothing is queued)."""
    if schedule is None or schedule.status not in ("not_started", "active"):
        return False
    current = schedule.current_phase.start_date if schedule.current_phase else 0
    return any(phase.start_date > current for phase in schedule.phases)


def shown(data: dict[str, Any]) -> dict[str, Any]:
    """The overview, in the same terms."""
    customer = data["customer"]
    default = customer["defaultPaymentMethod"]
    return {
        "name": customer["name"],
        "email": customer["email"],
        "line1": (customer["address"] or {}).get("line1"),
        "taxIds": sorted(t["id"] for t in customer["taxIds"]),
        "default": default["id"] if default else None,
        "paymentMethods": sorted(pm["id"] for pm in data["paymentMethods"]),
        "subscriptions": sorted(
            (
                s["id"],
                s["status"],
                s["cancelAtPeriodEnd"],
                s["scheduledChange"] is not None,
                tuple(i["quantity"] for i in s["items"]),
            )
            for s in data["subscriptions"]
        ),
        "invoices": [(i["id"], i["status"]) for i in data["invoices"]["nodes"]],
    }


@dataclass(frozen=True)
class Setting:
    pair: Pair
    world: World
    emulator: RunningEmulator
    client: stripe.StripeClient

    async def gateway_call(self, customer_id: str, mutation: str, **fields: Any) -> Any:
        token = await self.pair.b.gateway.token_for(customer_id)
        payload = await mutate(self.pair.b.gateway, token, mutation, **fields)
        assert payload["userErrors"] == [], payload
        return payload


Prepare = "Callable[[Setting], Awaitable[dict[str, Any]]]"


@dataclass(frozen=True)
class Case:
    mutation: str
    expected: Counter[str]
    # The mutation's input, after any preparation made in Stripe or through the gateway.
    prepare: Callable[[Setting], Awaitable[dict[str, Any]]]
    customer: str = "alice"


def fields(**given: Any) -> Callable[[Setting], Awaitable[dict[str, Any]]]:
    async def prepare(setting: Setting) -> dict[str, Any]:
        return {
            key: value(setting.world) if callable(value) else value for key, value in given.items()
        }

    return prepare


async def second_card(setting: Setting) -> dict[str, Any]:
    card = await setting.client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": setting.world.alice.id}
    )
    return {"paymentMethodId": card.id}


async def setup_intent(setting: Setting) -> dict[str, Any]:
    created = await setting.gateway_call(setting.world.alice.id, "createSetupIntent")
    return {"setupIntentId": created["setupIntent"]["id"], "paymentMethod": "pm_card_mastercard"}


async def a_later_second() -> None:
    """The write comes in a later second than the change it follows: two states of one
    object in one second cannot be ordered from webhooks (the documents holding it would
    be read again, whoever made the second change)."""
    await asyncio.sleep(1.1)


async def canceling(setting: Setting) -> dict[str, Any]:
    await setting.client.v1.subscriptions.update_async(
        setting.world.alice.subscription, {"cancel_at_period_end": True}
    )
    await a_later_second()
    return {"subscriptionId": setting.world.alice.subscription}


async def queued(setting: Setting) -> dict[str, Any]:
    world = setting.world
    await setting.gateway_call(
        world.bob.id,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
    )
    await a_later_second()
    return {"subscriptionId": world.bob.subscription}


async def open_invoice(setting: Setting) -> dict[str, Any]:
    sub = await setting.client.v1.subscriptions.create_async(
        {
            "customer": setting.world.alice.id,
            "items": [{"price": setting.world.basic_monthly}],
            "payment_behavior": "default_incomplete",
        }
    )
    await a_later_second()
    return {"invoiceId": str(sub.latest_invoice)}


CASES = {
    "updateCustomer (name)": Case("updateCustomer", NOTHING, fields(name="Written")),
    # An address decides taxes: every preview may change.
    "updateCustomer (address)": Case(
        "updateCustomer",
        ONE_PREVIEW,
        fields(
            address={"line1": "2 Side St", "city": "Berlin", "postalCode": "10115", "country": "DE"}
        ),
    ),
    # Its verification follows in a second event of the same second, which cannot be
    # ordered after the first: the customer (holding the tax IDs) is read again.
    "addTaxId": Case(
        "addTaxId",
        Counter({PREVIEW: 1, CUSTOMER_READ: 1}),
        fields(type="eu_vat", value="DE111111111"),
    ),
    "removeTaxId": Case("removeTaxId", ONE_PREVIEW, fields(taxIdId=lambda w: w.alice.tax_id)),
    "setDefaultPaymentMethod": Case("setDefaultPaymentMethod", NOTHING, second_card),
    "detachPaymentMethod": Case("detachPaymentMethod", NOTHING, second_card),
    "createSetupIntent": Case("createSetupIntent", NOTHING, fields()),
    "confirmSetupIntentForTesting": Case("confirmSetupIntentForTesting", NOTHING, setup_intent),
    "cancelSubscription": Case(
        "cancelSubscription", ONE_PREVIEW, fields(subscriptionId=lambda w: w.alice.subscription)
    ),
    "renewSubscription": Case("renewSubscription", ONE_PREVIEW, canceling),
    "updateSubscription (now)": Case(
        "updateSubscription",
        ONE_PREVIEW,
        fields(subscriptionId=lambda w: w.alice.subscription, quantity=2),
    ),
    "updateSubscription (queued)": Case(
        "updateSubscription",
        ONE_PREVIEW,
        fields(subscriptionId=lambda w: w.bob.subscription, priceId=lambda w: w.basic_monthly),
        customer="bob",
    ),
    "undoScheduledChange": Case("undoScheduledChange", ONE_PREVIEW, queued, customer="bob"),
    "payInvoice": Case("payInvoice", ONE_PREVIEW, open_invoice),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_after_a_write_the_next_overview_asks_only_for_the_previews_it_can_change(
    case: Case,
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    setting = Setting(stripe_webhooks, world, emulator, stripe_client)
    customer_id = getattr(world, case.customer).id
    b = stripe_webhooks.b
    token = await b.gateway.token_for(customer_id)
    given = await case.prepare(setting)
    await settled(emulator.runtime)
    await warm(b, token)

    await setting.gateway_call(customer_id, case.mutation, **given)
    await settled(emulator.runtime)
    emulator.reset_log()
    after = await overview(b, token)

    assert stripe_requests(emulator) == case.expected
    # And then nothing, a subscription that will not invoice again included.
    emulator.reset_log()
    assert await overview(b, token) == after
    assert stripe_requests(emulator) == NOTHING
    assert shown(after) == await truth(stripe_client, customer_id)


async def test_a_write_answered_after_a_newer_event_does_not_overwrite_it(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the gateway's write is on its way back, the merchant's backend changes the
    customer in Stripe (a second later) and that event is applied first: the write's
    answer (without that change) must not land over it."""
    b = stripe_webhooks.b
    bob = world.bob.id  # no test clock: his events carry the time they happened
    token = await b.gateway.token_for(bob)
    await warm(b, token)
    apply = apply_written

    async def after_a_newer_event(*args: Any) -> bool:
        await a_later_second()
        await stripe_client.v1.customers.update_async(bob, {"email": "newer@example.com"})
        await settled(emulator.runtime)
        return await apply(*args)

    monkeypatch.setattr(writes, "apply_written", after_a_newer_event)
    setting = Setting(stripe_webhooks, world, emulator, stripe_client)
    await setting.gateway_call(bob, "updateCustomer", name="Written")
    monkeypatch.undo()
    await settled(emulator.runtime)
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == Counter({CUSTOMER_READ: 1})  # read again
    assert (after["customer"]["name"], after["customer"]["email"]) == (
        "Written",
        "newer@example.com",
    )
    assert shown(after) == await truth(stripe_client, bob)


def _new_events(emulator: RunningEmulator, seen: set[str]) -> list[dict[str, Any]]:
    emu = emulator.runtime.emu
    fresh = [e for e in emu.find("event") if e["id"] not in seen]
    seen.update(e["id"] for e in fresh)
    return [emu.render(e) for e in sorted(fresh, key=lambda e: (e["created"], e["id"]))]


async def _deliver_all(instance: Instance, events: list[dict[str, Any]]) -> None:
    for event in events:
        await deliver(instance, event)


async def test_an_older_event_arriving_after_the_write_does_not_undo_it(
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """Stripe delivers late: a change made before the gateway's write arrives after the
    write's answer was put in place (and before the write's own event). It must not put
    the customer back to the state before the write."""
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)  # the world's history: not delivered
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    await stripe_client.v1.customers.update_async(world.alice.id, {"email": "earlier@example.com"})
    earlier = _new_events(emulator, seen)
    payload = await mutate(b.gateway, token, "updateCustomer", name="Written")
    assert payload["userErrors"] == []
    own = _new_events(emulator, seen)

    await _deliver_all(a, earlier)  # late, after the write's answer
    emulator.reset_log()
    after = await overview(b, token)
    assert after["customer"]["name"] == "Written"
    assert after["customer"]["email"] == "earlier@example.com"
    # The late event could not be placed against the write: the customer was read again.
    assert stripe_requests(emulator) == Counter({CUSTOMER_READ: 1})

    await _deliver_all(a, own)  # the write's own event: agrees with what is cached
    emulator.reset_log()
    again = await overview(b, token)
    assert stripe_requests(emulator) == NOTHING
    assert shown(again) == await truth(stripe_client, world.alice.id)


async def test_the_writes_own_event_first_then_its_answer_costs_nothing(
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    apply = apply_written

    async def after_its_own_event(*args: Any) -> bool:
        await _deliver_all(a, _new_events(emulator, seen))
        return await apply(*args)

    monkeypatch.setattr(writes, "apply_written", after_its_own_event)
    payload = await mutate(b.gateway, token, "updateCustomer", name="Written")
    assert payload["userErrors"] == []
    monkeypatch.undo()
    emulator.reset_log()
    after = await overview(b, token)
    assert after["customer"]["name"] == "Written"
    assert stripe_requests(emulator) == NOTHING


async def test_a_failed_write_empties_the_cache(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    b = stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    path = f"/v1/customers/{world.alice.id}"
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": path, "rate_500": 1.0}]}
    )
    try:
        payload = await mutate(b.gateway, token, "updateCustomer", name="Never")
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert [e["code"] for e in payload["userErrors"]] == ["STRIPE_UNAVAILABLE"]
    await settled(emulator.runtime)
    emulator.reset_log()
    after = await overview(b, token)
    assert stripe_requests(emulator)[CUSTOMER_READ] == 1
    assert shown(after) == await truth(stripe_client, world.alice.id)
    assert after["customer"]["name"] == "Alice"


async def test_a_write_whose_answer_was_lost_reads_stripe_again(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """The write was applied, the answer lost on the way back: the gateway found out by
    reading Stripe, and the cache does not guess either (it is read again)."""
    b = stripe_webhooks.b
    token = await b.gateway.token_for(world.alice.id)
    await warm(b, token)
    path = f"/v1/customers/{world.alice.id}"
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": path, "rate_drop_after": 1.0}]}
    )
    try:
        payload = await mutate(b.gateway, token, "updateCustomer", name="Applied unanswered")
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert payload["userErrors"] == []
    emulator.reset_log()
    after = await overview(b, token)
    assert stripe_requests(emulator)[CUSTOMER_READ] == 1
    assert after["customer"]["name"] == "Applied unanswered"
    assert shown(after) == await truth(stripe_client, world.alice.id)


async def test_one_customers_write_never_touches_anothers_cache(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    b = stripe_webhooks.b
    alice = await b.gateway.token_for(world.alice.id)
    bob = await b.gateway.token_for(world.bob.id)
    bobs = await warm(b, bob)
    await warm(b, alice)
    await mutate(b.gateway, alice, "updateCustomer", name="Alice Written")
    card = await second_card(Setting(stripe_webhooks, world, emulator, stripe_client))
    await settled(emulator.runtime)
    await mutate(b.gateway, alice, "setDefaultPaymentMethod", **card)
    await settled(emulator.runtime)
    emulator.reset_log()

    assert await overview(b, bob) == bobs
    assert stripe_requests(emulator) == NOTHING
    assert shown(bobs) == await truth(stripe_client, world.bob.id)
    alices = await overview(b, alice)
    assert shown(alices) == await truth(stripe_client, world.alice.id)
    assert world.bob.card not in {pm["id"] for pm in alices["paymentMethods"]}
    assert alices["customer"]["defaultPaymentMethod"]["id"] == card["paymentMethodId"]


async def test_an_answer_the_cache_fails_to_place_empties_the_cache(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store fails after the answer's marks are set (they tell the call's own events to
    leave the documents to the answer): the customer's cache is emptied, never left as it was
    before the write."""
    b = stripe_webhooks.b
    bob = world.bob.id
    token = await b.gateway.token_for(bob)
    await warm(b, token)
    apply = apply_written

    async def fails_half_way(*args: Any) -> bool:
        await apply(*args)
        raise ConnectionError("the store went away")

    monkeypatch.setattr(writes, "apply_written", fails_half_way)
    payload = await mutate(b.gateway, token, "updateCustomer", name="Placed half way")
    monkeypatch.undo()
    assert payload["userErrors"] == []
    await settled(emulator.runtime)
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator)[CUSTOMER_READ] == 1  # read again
    assert after["customer"]["name"] == "Placed half way"
    assert shown(after) == await truth(stripe_client, bob)
