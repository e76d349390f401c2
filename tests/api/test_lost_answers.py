"""When Stripe applies a write but its answer is lost (the connection drops, or a 500 comes
back after the change was made), the gateway reads Stripe again and answers with what is
true there. A mutation that answers with userErrors changed nothing, or says what it did.
Judged by Stripe's state read through the SDK afterwards, not by the answer alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_calls import codes, mutate

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

SCHEDULE_PHASES = "/v1/subscription_schedules/[^/]+"


def fail(emulator: RunningEmulator, method: str, path: str, outcome: str) -> None:
    """Every `method` request to `path` (a regex) meets `outcome` until `heal`."""
    emulator.runtime.faults.configure(
        {"rules": [{"method": method, "path": path, f"rate_{outcome}": 1.0}]}
    )


def heal(emulator: RunningEmulator) -> None:
    emulator.runtime.faults.configure({"rules": []})


def outcomes(emulator: RunningEmulator) -> list[str]:
    return [e["outcome"] for e in emulator.runtime.log.entries if e["outcome"] != "ok"]


async def schedule_of(client: stripe.StripeClient, subscription: str) -> Any:
    stored = await client.v1.subscriptions.retrieve_async(subscription, {"expand": ["schedule"]})
    return stored.schedule


async def downgrade_bob(
    gateway: RunningGateway, token: str, world: World, client_mutation_id: str
) -> dict[str, Any]:
    """Bob's Pro -> Basic downgrade, which queues a schedule for the period end."""
    return await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
        clientMutationId=client_mutation_id,
    )


async def assert_downgrade_queued(client: stripe.StripeClient, world: World) -> None:
    """Stripe holds one active schedule for Bob's subscription, ending on one Basic seat."""
    schedule = await schedule_of(client, world.bob.subscription)
    assert schedule is not None
    assert schedule.status == "active"
    assert [(i.price, i.quantity) for i in schedule.phases[-1].items] == [(world.basic_monthly, 1)]


async def test_a_queued_change_whose_answer_was_lost_is_confirmed_not_undone(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.bob.id)
    fail(emulator, "POST", SCHEDULE_PHASES, "drop_after")
    emulator.reset_log()
    first = await downgrade_bob(gateway, token, world, "downgrade-1")
    heal(emulator)
    assert outcomes(emulator) == ["drop_after"]
    assert first["userErrors"] == []
    change = [{"priceId": world.basic_monthly, "quantity": 1}]
    assert first["subscription"]["scheduledChange"]["items"] == change
    await assert_downgrade_queued(stripe_client, world)
    # A retry of the same call answers with what Stripe holds, and changes nothing more.
    retry = await downgrade_bob(gateway, token, world, "downgrade-1")
    assert retry["userErrors"] == []
    assert retry["subscription"]["scheduledChange"]["items"] == change
    schedules = await stripe_client.v1.subscription_schedules.list_async({"customer": world.bob.id})
    assert [s.status for s in schedules.data] == ["active"]


async def test_a_retry_after_a_change_that_was_not_made_makes_it_for_real(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """The phases never reached Stripe: the half-made schedule is released (confirmed to
    change nothing), and the retry with the same id queues the change on a new schedule
    rather than answering with a replay of the released one."""
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    fail(emulator, "POST", SCHEDULE_PHASES, "drop")
    first = await downgrade_bob(gateway, token, world, "downgrade-2")
    heal(emulator)
    [error] = first["userErrors"]
    assert error["code"] == "STRIPE_UNAVAILABLE"
    assert "has not made this change" in error["message"]
    assert await schedule_of(stripe_client, sub) is None
    retry = await downgrade_bob(gateway, token, world, "downgrade-2")
    assert retry["userErrors"] == []
    assert retry["subscription"]["scheduledChange"]["items"] == [
        {"priceId": world.basic_monthly, "quantity": 1}
    ]
    await assert_downgrade_queued(stripe_client, world)
    schedules = await stripe_client.v1.subscription_schedules.list_async({"customer": world.bob.id})
    assert sorted(s.status for s in schedules.data) == ["active", "released"]


@pytest.mark.parametrize("outcome", ["drop_after", "500_after"])
async def test_add_tax_id_after_a_lost_answer_never_duplicates(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    outcome: str,
) -> None:
    token = await gateway.token_for(world.bob.id)
    fail(emulator, "POST", f"/v1/customers/{world.bob.id}/tax_ids", outcome)
    first = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE246813573")
    heal(emulator)
    assert first["userErrors"] == []
    assert first["taxId"]["value"] == "DE246813573"
    # A confused customer retries anyway, without a clientMutationId: told it is there.
    again = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE 246813573")
    assert again["userErrors"] == [
        {
            "code": "INVALID_INPUT",
            "message": "This tax ID is already on the account.",
            "field": "value",
        }
    ]
    stored = await stripe_client.v1.customers.tax_ids.list_async(world.bob.id)
    assert sorted(t.value for t in stored.data) == ["DE246813573", "DE987654321"]


async def _pause(stripe_client: stripe.StripeClient, world: World) -> None:
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"pause_collection": {"behavior": "void"}}
    )


async def _cancel(stripe_client: stripe.StripeClient, world: World) -> None:
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"cancel_at_period_end": True}
    )


async def _spare_card(stripe_client: stripe.StripeClient, world: World) -> str:
    card = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.bob.id}
    )
    return str(card.id)


async def _subscription(stripe_client: stripe.StripeClient, world: World) -> Any:
    return await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)


async def _customer(stripe_client: stripe.StripeClient, world: World) -> Any:
    return await stripe_client.v1.customers.retrieve_async(world.bob.id)


@pytest.mark.parametrize("outcome", ["drop_after", "500_after"])
async def test_every_write_whose_answer_was_lost_answers_with_stripes_state(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    outcome: str,
) -> None:
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    bob = world.bob.id
    sub_path = f"/v1/subscriptions/{sub}"

    async def lost(method: str, path: str, mutation: str, **fields: Any) -> dict[str, Any]:
        fail(emulator, method, path, outcome)
        emulator.reset_log()
        payload = await mutate(gateway, token, mutation, **fields)
        heal(emulator)
        assert set(outcomes(emulator)) == {outcome}, mutation
        assert payload["userErrors"] == [], (mutation, payload["userErrors"])
        return payload

    await lost("POST", sub_path, "cancelSubscription", subscriptionId=sub)
    assert (await _subscription(stripe_client, world)).cancel_at_period_end is True
    await lost("POST", sub_path, "renewSubscription", subscriptionId=sub)
    assert (await _subscription(stripe_client, world)).cancel_at_period_end is False
    changed = await lost("POST", sub_path, "updateSubscription", subscriptionId=sub, quantity=2)
    assert changed["subscription"]["items"][0]["quantity"] == 2
    assert (await _subscription(stripe_client, world))["items"].data[0].quantity == 2
    paused = await lost(
        "POST",
        "/v1/subscription_schedules",
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert paused["subscription"]["status"] == "PAUSED"
    assert paused["subscription"]["resumesAt"] is not None
    assert (await _subscription(stripe_client, world)).status == "paused"
    await lost("POST", f"{sub_path}/resume", "resumeSubscription", subscriptionId=sub)
    assert (await _subscription(stripe_client, world)).status == "active"
    queued = await lost(
        "POST",
        SCHEDULE_PHASES,
        "updateSubscription",
        subscriptionId=sub,
        priceId=world.basic_monthly,
    )
    assert queued["subscription"]["scheduledChange"] is not None
    await lost("POST", f"{SCHEDULE_PHASES}/release", "undoScheduledChange", subscriptionId=sub)
    assert (await _subscription(stripe_client, world)).schedule is None
    customer = await lost("POST", f"/v1/customers/{bob}", "updateCustomer", name="Roberta")
    assert customer["customer"]["name"] == "Roberta"
    assert (await _customer(stripe_client, world)).name == "Roberta"
    await lost("DELETE", f"/v1/customers/{bob}/tax_ids/.*", "removeTaxId", taxIdId=world.bob.tax_id)
    assert (await stripe_client.v1.customers.tax_ids.list_async(bob)).data == []
    spare = await _spare_card(stripe_client, world)
    made = await lost(
        "POST", f"/v1/customers/{bob}", "setDefaultPaymentMethod", paymentMethodId=spare
    )
    assert made["paymentMethod"]["isDefault"] is True
    stored = await _customer(stripe_client, world)
    assert stored.invoice_settings.default_payment_method == spare
    await lost(
        "POST",
        "/v1/payment_methods/.*/detach",
        "detachPaymentMethod",
        paymentMethodId=world.bob.card,
    )
    assert (await stripe_client.v1.payment_methods.retrieve_async(world.bob.card)).customer is None
    intent = await lost("POST", "/v1/setup_intents", "createSetupIntent")
    intents = await stripe_client.v1.setup_intents.list_async({"customer": bob})
    assert [i.id for i in intents.data] == [intent["setupIntent"]["id"]]


async def test_a_write_that_never_reached_stripe_says_nothing_changed(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.bob.id)
    fail(emulator, "POST", f"/v1/subscriptions/{world.bob.subscription}", "drop")
    payload = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    heal(emulator)
    [error] = payload["userErrors"]
    assert error["code"] == "STRIPE_UNAVAILABLE"
    assert "has not made this change" in error["message"]
    assert (await _subscription(stripe_client, world)).cancel_at_period_end is False


async def test_when_stripe_cannot_be_asked_the_outcome_is_unknown(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.bob.id)
    emulator.runtime.faults.configure(
        {
            "rules": [
                {"method": "POST", "path": "/v1/subscriptions/.*", "rate_drop_after": 1.0},
                {"method": "GET", "path": "/v1/subscriptions/.*", "rate_drop": 1.0},
            ]
        }
    )
    payload = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    heal(emulator)
    assert codes(payload) == [("OUTCOME_UNKNOWN", None)]
    assert "could not be asked" in payload["userErrors"][0]["message"]
    # It was applied; the next read tells the customer so.
    assert (await _subscription(stripe_client, world)).cancel_at_period_end is True
    data = (await gateway.post("{ subscriptions { isCanceling } }", token=token)).ok()
    assert data["subscriptions"] == [{"isCanceling": True}]
