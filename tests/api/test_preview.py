"""`previewSubscriptionUpdate`: Stripe's invoice preview for a change the policy allows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import full_configuration, mutate, variant
from tests.api.previewed_billing import (
    DAY,
    PREVIEW,
    advance,
    assert_billed_as_previewed,
    clocked_customer,
    invoice_ids,
    unix,
)

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World


async def _preview(gateway: RunningGateway, token: str, **fields: Any) -> dict[str, Any]:
    result = await gateway.post(PREVIEW, {"input": fields}, token=token)
    payload: dict[str, Any] = result.ok()["previewSubscriptionUpdate"]
    return payload


async def test_upgrade_shows_prorations(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await _preview(
        gateway, token, subscriptionId=world.alice.subscription, priceId=world.pro_monthly
    )
    assert payload["userErrors"] == []
    preview = payload["preview"]
    assert preview["subscriptionId"] == world.alice.subscription
    assert (preview["priceId"], preview["quantity"]) == (world.pro_monthly, 1)
    assert preview["scheduled"] is False
    assert preview["invoicedNow"] is False
    assert preview["prorationDate"] is not None
    lines = preview["prorationLines"]
    assert len(lines) == 2
    credit = next(line for line in lines if line["amount"] < 0)
    charge = next(line for line in lines if line["amount"] > 0)
    assert credit["price"]["id"] == world.basic_monthly
    assert charge["price"]["id"] == world.pro_monthly
    # Unused Basic time is worth less than the same time on Pro.
    assert 0 < -credit["amount"] < charge["amount"]
    assert preview["prorationAmount"] == credit["amount"] + charge["amount"]
    assert preview["amountDue"] == preview["invoice"]["amountDue"]
    # Next invoice: the prorations plus a full period of Pro.
    assert preview["amountDue"] == preview["prorationAmount"] + 3000


async def test_a_quote_holds_the_previewed_figures(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    first = await _preview(gateway, token, subscriptionId=world.alice.subscription, quantity=3)
    assert first["userErrors"] == []
    assert first["preview"]["quantity"] == 3
    assert first["preview"]["priceId"] == world.basic_monthly
    assert first["preview"]["prorationAmount"] > 0
    quote = first["preview"]["quote"]
    again = await _preview(
        gateway, token, subscriptionId=world.alice.subscription, quantity=3, quote=quote
    )
    assert again["userErrors"] == []
    assert again["preview"]["prorationDate"] == first["preview"]["prorationDate"]
    assert again["preview"]["prorationAmount"] == first["preview"]["prorationAmount"]
    # Previewing again never extends how long the moment is held.
    assert (again["preview"]["quote"], again["preview"]["quoteExpiresAt"]) == (
        quote,
        first["preview"]["quoteExpiresAt"],
    )


async def test_downgrade_waits_for_the_period_end(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.bob.id)
    payload = await _preview(
        gateway, token, subscriptionId=world.bob.subscription, priceId=world.basic_monthly
    )
    assert payload["userErrors"] == []
    preview = payload["preview"]
    assert preview["scheduled"] is True
    assert preview["prorationLines"] == []
    assert preview["prorationDate"] is None
    subscription = (await gateway.post("{ subscriptions { currentPeriodEnd } }", token=token)).ok()[
        "subscriptions"
    ][0]
    assert datetime.fromisoformat(preview["effectiveAt"]) == datetime.fromisoformat(
        subscription["currentPeriodEnd"]
    )
    # The invoice after the change: a period of Basic.
    assert preview["amountDue"] == 1000


async def test_refusals_name_the_field(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"priceId": world.legacy_monthly}, "PRICE_NOT_ALLOWED", "priceId"),
        ({"quantity": 11}, "QUANTITY_NOT_ALLOWED", "quantity"),
        ({"quantity": 0}, "INVALID_INPUT", "quantity"),
        ({}, "INVALID_INPUT", None),
        ({"priceId": "price_doesnotexist"}, "PRICE_NOT_ALLOWED", "priceId"),
    ]
    for fields, code, field in cases:
        payload = await _preview(gateway, token, subscriptionId=sub, **fields)
        assert payload["preview"] is None, fields
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == (code, field), (fields, error)
        assert error["message"]


async def test_feature_off_is_refused(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id, configuration="minimal")
    payload = await _preview(
        gateway, token, subscriptionId=world.alice.subscription, priceId=world.pro_monthly
    )
    assert [e["code"] for e in payload["userErrors"]] == ["FEATURE_DISABLED"]


# -- previews tell what is charged now and what goes on the next invoice ----------------


async def _gateway_with_update(
    gateway_factory: GatewayFactory, world: World, config_id: str, **settings: Any
) -> RunningGateway:
    """A gateway with the world's configurations and `config_id`, the full one whose
    subscription_update feature has `settings`."""
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"], **settings}
    config = variant(base, config_id, subscription_update=update)
    return await gateway_factory.start([*world.configurations(), config])


async def _preview_then_apply(
    gateway: RunningGateway,
    stripe_client: stripe.StripeClient,
    token: str,
    customer: str,
    **change: Any,
) -> dict[str, Any]:
    """Preview `change`, apply it with the preview's quote, check Stripe against the preview."""
    payload = await _preview(gateway, token, **change)
    assert payload["userErrors"] == [], payload
    shown: dict[str, Any] = payload["preview"]
    before = await invoice_ids(stripe_client, customer)
    done = await mutate(gateway, token, "updateSubscription", **change, quote=shown["quote"])
    assert done["userErrors"] == [], done
    await assert_billed_as_previewed(
        stripe_client, customer, str(change["subscriptionId"]), shown, before
    )
    return shown


async def _alice_changes_under(
    gateway_factory: GatewayFactory,
    world: World,
    stripe_client: stripe.StripeClient,
    update: dict[str, Any],
    **change: Any,
) -> dict[str, Any]:
    """Alice, under the full configuration with `update`, previews and applies `change`."""
    gateway = await _gateway_with_update(gateway_factory, world, "varied", **update)
    token = await gateway.token_for(world.alice.id, configuration="varied")
    return await _preview_then_apply(
        gateway,
        stripe_client,
        token,
        world.alice.id,
        subscriptionId=world.alice.subscription,
        **change,
    )


async def test_monthly_to_yearly_is_shown_as_charged_now(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe starts a new (yearly) period at once and invoices it: the preview says so."""
    shown = await _alice_changes_under(
        gateway_factory,
        world,
        stripe_client,
        {"schedule_at_period_end": {"conditions": []}},
        priceId=world.basic_yearly,
    )
    assert shown["invoicedNow"] is True
    assert shown["endsTrial"] is False
    # A year of Basic, less the unused part of the month.
    assert 0 < shown["amountDueNow"] < 10000
    assert shown["amountDueNow"] == shown["amountDue"] == shown["prorationAmount"] + 10000
    assert shown["nextInvoice"]["amountDue"] == 10000
    assert unix(shown["nextInvoice"]["date"]) - unix(shown["effectiveAt"]) == 365 * DAY


async def test_billing_cycle_anchor_now_is_shown_as_charged_now(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    shown = await _alice_changes_under(
        gateway_factory, world, stripe_client, {"billing_cycle_anchor": "now"}, quantity=2
    )
    assert shown["invoicedNow"] is True
    assert shown["amountDueNow"] == shown["prorationAmount"] + 2000
    assert shown["nextInvoice"]["amountDue"] == 2000


async def test_always_invoice_charges_the_prorations_now(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    shown = await _alice_changes_under(
        gateway_factory,
        world,
        stripe_client,
        {"proration_behavior": "always_invoice"},
        priceId=world.pro_monthly,
    )
    assert shown["invoicedNow"] is True
    assert shown["amountDueNow"] == shown["prorationAmount"] > 0
    assert shown["nextInvoice"]["amountDue"] == 3000


async def test_ending_a_trial_is_shown_as_charged_now(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """`trial_update_behavior=end_trial` (the default): the change ends the trial and bills."""
    trial = await clocked_customer(stripe_client, world.basic_monthly, trial_days=14)
    await advance(stripe_client, trial, 3 * DAY)
    token = await gateway.token_for(trial.customer)
    shown = await _preview_then_apply(
        gateway,
        stripe_client,
        token,
        trial.customer,
        subscriptionId=trial.subscription,
        priceId=world.pro_monthly,
    )
    assert (shown["invoicedNow"], shown["endsTrial"]) == (True, True)
    assert shown["amountDueNow"] == 3000
    assert shown["nextInvoice"]["amountDue"] == 3000


async def test_continuing_a_trial_charges_nothing_now(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await _gateway_with_update(
        gateway_factory,
        world,
        "continue",
        trial_update_behavior="continue_trial",
        schedule_at_period_end={"conditions": []},
    )
    trial = await clocked_customer(stripe_client, world.basic_monthly, trial_days=14)
    await advance(stripe_client, trial, 3 * DAY)
    token = await gateway.token_for(trial.customer, configuration="continue")
    shown = await _preview_then_apply(
        gateway,
        stripe_client,
        token,
        trial.customer,
        subscriptionId=trial.subscription,
        priceId=world.basic_yearly,
    )
    assert (shown["invoicedNow"], shown["endsTrial"], shown["amountDueNow"]) == (False, False, 0)
    assert shown["nextInvoice"]["amountDue"] == 10000
    assert unix(shown["nextInvoice"]["date"]) == trial.start + 14 * DAY


async def test_a_scheduled_change_charges_nothing_now(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    shown = await _preview_then_apply(
        gateway,
        stripe_client,
        token,
        world.bob.id,
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
    )
    assert (shown["scheduled"], shown["invoicedNow"], shown["amountDueNow"]) == (True, False, 0)
    assert shown["nextInvoice"]["date"] == shown["effectiveAt"]
    assert shown["nextInvoice"]["amountDue"] == 1000
