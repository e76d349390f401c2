"""Idempotency keys on every Stripe write, client retries applied once, the cache forgotten
after every write, and what each mutation costs in Stripe requests."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

OVERVIEW = """{ customer { id name taxIds { id } }
                subscriptions { id isCanceling items { quantity } }
                paymentMethods { id isDefault } }"""


def event_ids(emulator: RunningEmulator) -> set[str]:
    return {event["id"] for event in emulator.emu.find("event")}


def events_since(emulator: RunningEmulator, seen: set[str]) -> list[dict[str, Any]]:
    """Events recorded since `seen` was taken."""
    return [event for event in emulator.emu.find("event") if event["id"] not in seen]


async def test_every_write_carries_an_idempotency_key(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.bob.id)
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    before = event_ids(emulator)
    sub = world.bob.subscription
    await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    await mutate(gateway, token, "renewSubscription", subscriptionId=sub)
    await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=2)
    await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    await mutate(gateway, token, "updateCustomer", name="Robert")
    await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE111111111")
    await mutate(gateway, token, "removeTaxId", taxIdId=world.bob.tax_id)
    intent = (await mutate(gateway, token, "createSetupIntent"))["setupIntent"]["id"]
    card = (await mutate(gateway, token, "confirmSetupIntentForTesting", setupIntentId=intent))[
        "paymentMethod"
    ]["id"]
    await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=card)
    await mutate(gateway, token, "detachPaymentMethod", paymentMethodId=world.bob.card)
    await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, priceId=world.basic_monthly
    )
    events = events_since(emulator, before)
    types = {event["type"] for event in events}
    assert {
        "customer.subscription.updated",
        "customer.updated",
        "customer.tax_id.created",
        "customer.tax_id.deleted",
        "setup_intent.created",
        "setup_intent.succeeded",
        "payment_method.detached",
        "subscription_schedule.created",
    } <= types
    # Events Stripe raises by itself (a tax ID verified later) come from no request.
    keys = {e["request"]["idempotency_key"] for e in events if e["request"]["id"] is not None}
    assert all(key and key.startswith("gw_") for key in keys), keys
    # One call's writes share a prefix; separate calls never share keys.
    assert len({key.split("-", 1)[0] for key in keys}) == 13


async def test_a_retried_call_is_applied_once_and_answers_the_same(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    before = event_ids(emulator)
    first = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=4, clientMutationId="q4"
    )
    retry = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=4, clientMutationId="q4"
    )
    assert first["userErrors"] == retry["userErrors"] == []
    assert retry == first
    updates = [e for e in events_since(emulator, before) if e["type"].startswith("customer.sub")]
    assert len(updates) == 1
    # Without the id the same request is a new call, which the new state refuses.
    fresh = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=4)
    assert codes(fresh) == [("INVALID_INPUT", "quantity")]
    # The id with another input is refused before anything happens.
    other = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=5, clientMutationId="q4"
    )
    assert codes(other) == [("INVALID_INPUT", "clientMutationId")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored["items"].data[0].quantity == 4
    # The same id in another session is another call.
    other_session = await gateway.token_for(world.alice.id)
    again = await mutate(
        gateway,
        other_session,
        "updateSubscription",
        subscriptionId=sub,
        quantity=5,
        clientMutationId="q4",
    )
    assert again["userErrors"] == []


async def test_retries_of_one_shot_changes(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("cancelSubscription", {"subscriptionId": world.bob.subscription}),
        ("renewSubscription", {"subscriptionId": world.bob.subscription}),
        ("addTaxId", {"type": "eu_vat", "value": "DE333333339"}),
        ("removeTaxId", {"taxIdId": world.bob.tax_id}),
        ("updateCustomer", {"email": "bob@example.org"}),
        ("createSetupIntent", {}),
    ]
    for index, (mutation, fields) in enumerate(calls):
        first = await mutate(gateway, token, mutation, clientMutationId=f"r{index}", **fields)
        retry = await mutate(gateway, token, mutation, clientMutationId=f"r{index}", **fields)
        assert first["userErrors"] == [], mutation
        assert retry == first, mutation
    tax_ids = await stripe_client.v1.customers.tax_ids.list_async(world.bob.id)
    assert [t.value for t in tax_ids.data] == ["DE333333339"]
    intents = await stripe_client.v1.setup_intents.list_async({"customer": world.bob.id})
    assert len(intents.data) == 1


async def test_concurrent_duplicates_reach_stripe_once(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    first, second = await asyncio.gather(
        *(
            mutate(
                gateway,
                token,
                "addTaxId",
                type="eu_vat",
                value="DE444444443",
                clientMutationId="double-click",
            )
            for _ in range(2)
        )
    )
    assert first["userErrors"] == second["userErrors"] == []
    assert first["taxId"]["id"] == second["taxId"]["id"]
    tax_ids = await stripe_client.v1.customers.tax_ids.list_async(world.bob.id)
    assert sorted(t.value for t in tax_ids.data) == ["DE444444443", "DE987654321"]


async def test_a_reused_id_after_a_failure_is_reported_on_the_id(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    # A type the gateway has no checksum for: Stripe checks the format, and refuses it.
    bad = await mutate(
        gateway, token, "addTaxId", type="ca_qst", value="not a qst", clientMutationId="t"
    )
    assert codes(bad) == [("INVALID_INPUT", "value")]
    corrected = await mutate(
        gateway, token, "addTaxId", type="ca_qst", value="1234567890TQ1234", clientMutationId="t"
    )
    assert codes(corrected) == [("INVALID_INPUT", "clientMutationId")]
    fixed = await mutate(
        gateway, token, "addTaxId", type="ca_qst", value="1234567890TQ1234", clientMutationId="t2"
    )
    assert fixed["userErrors"] == []
    blank = await mutate(gateway, token, "createSetupIntent", clientMutationId=" ")
    assert codes(blank) == [("INVALID_INPUT", "clientMutationId")]


async def test_the_next_read_shows_the_change(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    seen = (await gateway.post(OVERVIEW, token=token)).ok()
    # The cache is on: a change made behind the gateway's back is not seen yet...
    await stripe_client.v1.customers.update_async(world.bob.id, {"name": "Changed elsewhere"})
    assert (await gateway.post(OVERVIEW, token=token)).ok() == seen
    # ...but every change made through it is, at once.
    await mutate(gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription)
    after_cancel = (await gateway.post(OVERVIEW, token=token)).ok()
    assert after_cancel["subscriptions"][0]["isCanceling"] is True
    assert after_cancel["customer"]["name"] == "Changed elsewhere"
    await mutate(gateway, token, "updateCustomer", name="Bob again")
    await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE666666660")
    await mutate(gateway, token, "renewSubscription", subscriptionId=world.bob.subscription)
    final = (await gateway.post(OVERVIEW, token=token)).ok()
    assert final["customer"]["name"] == "Bob again"
    assert len(final["customer"]["taxIds"]) == 2
    assert final["subscriptions"][0]["isCanceling"] is False


async def test_stripe_requests_per_mutation(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """With the portal's overview just read (the usual case), a mutation costs its writes
    and nothing else; right after another write it reads what it decides on first."""
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    await stripe_client.v1.subscriptions.update_async(
        sub, {"default_payment_method": world.bob.card}
    )

    async def requests(mutation: str, *, warm: bool = True, **fields: Any) -> list[str]:
        if warm:
            (await gateway.post(OVERVIEW, token=token)).ok()
        emulator.reset_log()
        payload = await mutate(gateway, token, mutation, **fields)
        assert payload["userErrors"] == [], (mutation, payload)
        calls.append(payload)
        return [f"{e['method']} {e['route']}" for e in emulator.runtime.log.entries]

    calls: list[dict[str, Any]] = []
    update = "POST /v1/subscriptions/{subscription}"
    assert await requests("cancelSubscription", subscriptionId=sub) == [update]
    # The subscription carries its customer's test clock: no customer read for "now".
    assert sorted(await requests("renewSubscription", warm=False, subscriptionId=sub)) == [
        "GET /v1/subscriptions",
        update,
    ]
    assert await requests("updateSubscription", subscriptionId=sub, quantity=2) == [update]
    # A timed pause is one schedule made with its pause schedule; resuming releases it first.
    assert await requests(
        "pauseSubscription", subscriptionId=sub, pauseFor={"interval": "MONTH", "intervalCount": 1}
    ) == ["POST /v1/subscription_schedules"]
    assert await requests("resumeSubscription", subscriptionId=sub) == [
        "POST /v1/subscription_schedules/{schedule}/release",
        "POST /v1/subscriptions/{subscription}/resume",
    ]
    assert await requests("updateCustomer", name="B") == ["POST /v1/customers/{customer}"]
    assert await requests("addTaxId", type="eu_vat", value="DE777777773") == [
        "POST /v1/customers/{customer}/tax_ids"
    ]
    assert await requests("removeTaxId", taxIdId=world.bob.tax_id) == [
        "DELETE /v1/customers/{customer}/tax_ids/{id}"
    ]
    assert await requests("createSetupIntent") == ["POST /v1/setup_intents"]
    intent = calls[-1]["setupIntent"]["id"]
    assert await requests("confirmSetupIntentForTesting", setupIntentId=intent) == [
        "GET /v1/setup_intents/{intent}",
        "POST /v1/setup_intents/{intent}/confirm",
    ]
    card = calls[-1]["paymentMethod"]["id"]
    assert await requests("setDefaultPaymentMethod", paymentMethodId=card) == [
        "POST /v1/customers/{customer}",
        update,
    ]
    assert await requests("detachPaymentMethod", paymentMethodId=world.bob.card) == [
        "POST /v1/payment_methods/{payment_method}/detach"
    ]
    assert await requests(
        "updateSubscription", subscriptionId=sub, priceId=world.basic_monthly
    ) == [
        "POST /v1/subscription_schedules",
        "POST /v1/subscription_schedules/{schedule}",
    ]
    # Undoing it: the release, then the subscription as it now is.
    assert await requests("undoScheduledChange", subscriptionId=sub) == [
        "POST /v1/subscription_schedules/{schedule}/release",
        "GET /v1/subscriptions/{subscription}",
    ]

    # Cold (nothing cached: right after a write elsewhere), each reads once, then writes.
    pm_list = "GET /v1/customers/{customer}/payment_methods"
    spare = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.bob.id}
    )
    assert await requests("setDefaultPaymentMethod", warm=False, paymentMethodId=spare.id) == [
        pm_list,
        "POST /v1/customers/{customer}",
        update,  # the subscription charged the old default card itself
    ]
    assert calls[-1]["paymentMethod"] == {
        "id": spare.id,
        "isDefault": True,
        "card": {"brand": "mastercard", "last4": "4444"},
    }
    assert calls[-1]["updatedSubscriptionIds"] == [sub]
    assert await requests("detachPaymentMethod", warm=False, paymentMethodId=card) == [
        pm_list,
        "POST /v1/payment_methods/{payment_method}/detach",
    ]
    tax_id = (await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE888888885"))[
        "taxId"
    ]["id"]
    # The tax IDs come with the customer (expand[]=tax_ids).
    assert await requests("removeTaxId", warm=False, taxIdId=tax_id) == [
        "GET /v1/customers/{customer}",
        "DELETE /v1/customers/{customer}/tax_ids/{id}",
    ]


async def test_a_retry_after_an_undone_queued_change_queues_it_again(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """A downgrade's second write (the schedule's phases) fails: when the gateway undoes the
    half-made schedule and says so, the client's retry with the same id must queue the
    change for real, not take Stripe's replay of the first attempt's spent schedule."""
    gateway = await gateway_factory.start(world.configurations(), stripe_max_retries=0)
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    fields = {"subscriptionId": sub, "priceId": world.basic_monthly, "clientMutationId": "down"}
    emulator.runtime.faults.configure(
        {
            "rules": [
                {
                    "method": "POST",
                    "path": r"/v1/subscription_schedules/[^/]+",
                    "rate_500": 1.0,
                }
            ]
        }
    )
    first = await mutate(gateway, token, "updateSubscription", **fields)
    emulator.runtime.faults.configure({"rules": []})
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    if first["userErrors"]:
        assert stored.schedule is None  # undone: the subscription is as it was

    retried = await mutate(gateway, token, "updateSubscription", **fields)
    assert retried["userErrors"] == []
    assert retried["subscription"]["scheduledChange"]["items"] == [
        {"priceId": world.basic_monthly, "quantity": 1}
    ]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["schedule"]})
    schedule: Any = stored.schedule
    assert schedule is not None, "the answer shows a queued change that Stripe does not hold"
    assert schedule.status == "active"
    assert [item.price for item in schedule.phases[-1]["items"]] == [world.basic_monthly]
