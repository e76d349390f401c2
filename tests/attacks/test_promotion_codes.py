"""Promotion codes attacked from outside: other customers' codes, used-up and switched-off
codes, first-purchase codes on an old account, concurrent double submits, a code with a
queued downgrade, and whether the discount shown is the one Stripe then bills; judged by
Stripe's state read through the SDK (discounts, redemption counts, renewal invoices)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, cast

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe
    from stripe.params import PromotionCodeCreateParams

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
SELECT = """subscription { id discounts { couponId promotionCode percentOff }
            scheduledChange { effectiveAt items { priceId } } }"""


async def promos_gateway(gateway_factory: GatewayFactory, world: World) -> RunningGateway:
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"]}
    update["default_allowed_updates"] = ["price", "quantity", "promotion_code"]
    return await gateway_factory.start(
        [*world.configurations(), variant(base, "promos", subscription_update=update)]
    )


async def make_code(
    client: stripe.StripeClient,
    code: str,
    coupon: dict[str, Any],
    **promo: Any,
) -> tuple[str, str]:
    made = await client.v1.coupons.create_async(coupon)  # type: ignore[arg-type]
    created = await client.v1.promotion_codes.create_async(
        cast(
            "PromotionCodeCreateParams",
            {"promotion": {"type": "coupon", "coupon": made.id}, "code": code, **promo},
        )
    )
    return made.id, created.id


async def discounts_of(client: stripe.StripeClient, sub: str) -> list[str]:
    found: Any = (
        await client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    ).discounts
    return [d.promotion_code for d in found]


async def redeemed(client: stripe.StripeClient, promo: str) -> int:
    return (await client.v1.promotion_codes.retrieve_async(promo)).times_redeemed


async def apply(gateway: RunningGateway, token: str, sub: str, code: str) -> dict[str, Any]:
    return await mutate(
        gateway, token, "updateSubscription", select=SELECT, subscriptionId=sub, promotionCode=code
    )


async def test_codes_that_are_not_this_customers_to_use_change_nothing(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    half = {"percent_off": 50, "duration": "forever"}
    _, bobs = await make_code(stripe_client, "BOBONLY", half, customer=world.bob.id)
    _, once = await make_code(stripe_client, "ONEUSE", half, max_redemptions=1)
    _, off = await make_code(stripe_client, "SWITCHEDOFF", half)
    await stripe_client.v1.promotion_codes.update_async(off, {"active": False})
    # Bob has paid invoices: a first-purchase code is not his to use.
    _, first = await make_code(
        stripe_client, "NEWCUSTOMER", half, restrictions={"first_time_transaction": True}
    )
    alice = await gateway.token_for(world.alice.id, configuration="promos")
    bob = await gateway.token_for(world.bob.id, configuration="promos")
    used = await apply(gateway, bob, world.bob.subscription, "oneuse")
    assert used["userErrors"] == []
    for token, sub, code in (
        (alice, world.alice.subscription, "BOBONLY"),
        (alice, world.alice.subscription, bobs),  # its promo_ id is not a code
        (alice, world.alice.subscription, "ONEUSE"),
        (alice, world.alice.subscription, "SWITCHEDOFF"),
        (alice, world.alice.subscription, "x" * 5000),
        (alice, world.alice.subscription, "BOB ONLY"),
        (bob, world.bob.subscription, "NEWCUSTOMER"),
    ):
        refused = await apply(gateway, token, sub, code)
        assert [e["field"] for e in refused["userErrors"]] == ["promotionCode"], (code, refused)
        assert refused["userErrors"][0]["code"] in ("INVALID_INPUT", "TOO_LONG")
    assert await discounts_of(stripe_client, world.alice.subscription) == []
    assert await discounts_of(stripe_client, world.bob.subscription) == [once]
    assert (await redeemed(stripe_client, bobs), await redeemed(stripe_client, once)) == (0, 1)
    assert (await redeemed(stripe_client, off), await redeemed(stripe_client, first)) == (0, 0)


async def test_two_customers_race_for_the_last_redemption(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(
        stripe_client, "LASTONE", {"percent_off": 30, "duration": "forever"}, max_redemptions=1
    )
    alice = await gateway.token_for(world.alice.id, configuration="promos")
    bob = await gateway.token_for(world.bob.id, configuration="promos")
    answers = await asyncio.gather(
        apply(gateway, alice, world.alice.subscription, "LASTONE"),
        apply(gateway, bob, world.bob.subscription, "lastone"),
    )
    assert sorted(len(a["userErrors"]) for a in answers) == [0, 1]
    assert await redeemed(stripe_client, promo) == 1
    holders = [
        s
        for s in (world.alice.subscription, world.bob.subscription)
        if await discounts_of(stripe_client, s) == [promo]
    ]
    assert len(holders) == 1


async def test_a_double_submitted_code_is_redeemed_once(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(
        stripe_client,
        "TWICE",
        {"percent_off": 20, "duration": "repeating", "duration_in_months": 3},
    )
    bob = await gateway.token_for(world.bob.id, configuration="promos")
    answers = await asyncio.gather(
        *(apply(gateway, bob, world.bob.subscription, "TWICE") for _ in range(3))
    )
    applied = [a for a in answers if not a["userErrors"]]
    assert applied
    for answer in answers:
        if answer["userErrors"]:
            assert codes(answer) == [("PROMOTION_CODE_ALREADY_APPLIED", "promotionCode")]
    # One redemption of the code, one discount on the subscription.
    assert await discounts_of(stripe_client, world.bob.subscription) == [promo]
    assert await redeemed(stripe_client, promo) == 1


async def test_the_discount_shown_is_the_one_billed(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    # A coupon for another product: the subscription gets nothing off, and must not be told
    # otherwise.
    await make_code(
        stripe_client,
        "PROONLY",
        {"percent_off": 50, "duration": "forever", "applies_to": {"products": [world.pro_product]}},
    )
    alice = await gateway.token_for(world.alice.id, configuration="promos")
    sub = world.alice.subscription
    applied = await apply(gateway, alice, sub, "PROONLY")
    upcoming = (
        await gateway.post(
            "{ subscriptions { id upcomingInvoice { amountDue total } } }", token=alice
        )
    ).ok()["subscriptions"][0]["upcomingInvoice"]
    customer: Any = await stripe_client.v1.customers.retrieve_async(
        world.alice.id, {"expand": ["test_clock"]}
    )
    clock = customer.test_clock
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock.id, {"frozen_time": clock.frozen_time + 31 * DAY}
    )
    renewal = await stripe_client.v1.invoices.retrieve_async(
        str((await stripe_client.v1.subscriptions.retrieve_async(sub)).latest_invoice)
    )
    assert renewal.amount_due == upcoming["amountDue"]
    if applied["userErrors"] == []:
        # Accepted: then what it shows is what was billed (nothing off a Basic plan).
        assert renewal.amount_due == 1000
    else:
        assert [e["field"] for e in applied["userErrors"]] == ["promotionCode"], applied


async def test_a_code_with_a_queued_downgrade(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(stripe_client, "LATER", {"percent_off": 10, "duration": "forever"})
    bob = await gateway.token_for(world.bob.id, configuration="promos")
    sub = world.bob.subscription
    # A downgrade and a code together: either both are queued, or neither, said clearly.
    both = await mutate(
        gateway,
        bob,
        "updateSubscription",
        select=SELECT,
        subscriptionId=sub,
        priceId=world.basic_monthly,
        promotionCode="LATER",
    )
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    if both["userErrors"]:
        assert stored.schedule is None, both
        assert [e["field"] for e in both["userErrors"]] == ["promotionCode"], both
        assert both["userErrors"][0]["code"] != "STRIPE_ERROR", both
    else:
        assert both["subscription"]["scheduledChange"] is not None
    assert await redeemed(stripe_client, promo) in (0, 1)


async def clocked_pro_customer(client: stripe.StripeClient, world: World) -> tuple[str, str, str]:
    """A customer on Pro, on a test clock: (customer, subscription, clock)."""
    clock = await client.v1.test_helpers.test_clocks.create_async(
        {"frozen_time": int(time.time()) - 10 * DAY}
    )
    customer = await client.v1.customers.create_async(
        {
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": world.pro_monthly}]}
    )
    return customer.id, sub.id, clock.id


async def test_a_queued_downgrade_keeps_the_discount_it_was_previewed_with(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(stripe_client, "HALFOFF", {"percent_off": 50, "duration": "forever"})
    customer, sub, clock = await clocked_pro_customer(stripe_client, world)
    token = await gateway.token_for(customer, configuration="promos")
    assert (await apply(gateway, token, sub, "HALFOFF"))["userErrors"] == []
    # Pro -> Basic is a downgrade: queued to the period end, previewed at half price.
    change = {"subscriptionId": sub, "priceId": world.basic_monthly}
    preview = (
        await gateway.post(
            """query($input: UpdateSubscriptionInput!) {
                 previewSubscriptionUpdate(input: $input) {
                   preview { scheduled amountDue } userErrors { code } } }""",
            {"input": change},
            token=token,
        )
    ).ok()["previewSubscriptionUpdate"]
    assert preview["userErrors"] == []
    assert preview["preview"] == {"scheduled": True, "amountDue": 500}
    queued = await mutate(gateway, token, "updateSubscription", select=SELECT, **change)
    assert queued["userErrors"] == []
    assert queued["subscription"]["scheduledChange"] is not None
    # Still discounted now, and when the downgrade starts: billed what was previewed.
    assert await discounts_of(stripe_client, sub) == [promo]
    period_end = (await stripe_client.v1.subscriptions.retrieve_async(sub))["items"].data[0][
        "current_period_end"
    ]
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock, {"frozen_time": period_end + 3600}
    )
    moved = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert moved["items"].data[0].price.id == world.basic_monthly
    renewal = await stripe_client.v1.invoices.retrieve_async(str(moved.latest_invoice))
    assert renewal.amount_due == preview["preview"]["amountDue"] == 500
    assert await discounts_of(stripe_client, sub) == [promo]
    assert await redeemed(stripe_client, promo) == 1


async def test_a_code_applied_while_a_downgrade_is_queued_survives_the_downgrade(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(
        stripe_client, "AFTERWARDS", {"percent_off": 20, "duration": "forever"}
    )
    customer, sub, clock = await clocked_pro_customer(stripe_client, world)
    token = await gateway.token_for(customer, configuration="promos")
    queued = await mutate(
        gateway,
        token,
        "updateSubscription",
        select=SELECT,
        subscriptionId=sub,
        priceId=world.basic_monthly,
    )
    assert queued["subscription"]["scheduledChange"] is not None
    applied = await apply(gateway, token, sub, "AFTERWARDS")
    if applied["userErrors"]:
        # Refused outright is honest too: nothing changed, and it was not offered.
        assert codes(applied) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")], applied
        assert await redeemed(stripe_client, promo) == 0
        shown = (await gateway.post("{ subscriptions { availableActions } }", token=token)).ok()
        assert "APPLY_PROMOTION_CODE" not in shown["subscriptions"][0]["availableActions"]
        return
    assert await discounts_of(stripe_client, sub) == [promo]
    period_end = (await stripe_client.v1.subscriptions.retrieve_async(sub))["items"].data[0][
        "current_period_end"
    ]
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock, {"frozen_time": period_end + 3600}
    )
    moved = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert moved["items"].data[0].price.id == world.basic_monthly
    # The code the customer was shown as applied is still applied, and billed.
    assert await discounts_of(stripe_client, sub) == [promo]
    renewal = await stripe_client.v1.invoices.retrieve_async(str(moved.latest_invoice))
    assert renewal.amount_due == 800


async def test_a_code_whose_answer_was_lost_is_redeemed_once_on_retry(
    gateway_factory: GatewayFactory,
    world: World,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    _, promo = await make_code(
        stripe_client, "LOSTANSWER", {"percent_off": 15, "duration": "forever"}
    )
    bob = await gateway.token_for(world.bob.id, configuration="promos")
    sub = world.bob.subscription
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": f"/v1/subscriptions/{sub}", "rate_drop_after": 1.0}]}
    )
    try:
        first = await mutate(
            gateway,
            bob,
            "updateSubscription",
            select=SELECT,
            subscriptionId=sub,
            promotionCode="LOSTANSWER",
            clientMutationId="code-1",
        )
    finally:
        emulator.runtime.faults.configure({"rules": []})
    # Whatever the first answer said, it is the truth in Stripe, and a retry applies nothing.
    applied_now = await discounts_of(stripe_client, sub)
    if first["userErrors"]:
        assert applied_now in ([], [promo])
    else:
        assert applied_now == [promo]
    retried = await mutate(
        gateway,
        bob,
        "updateSubscription",
        select=SELECT,
        subscriptionId=sub,
        promotionCode="LOSTANSWER",
        clientMutationId="code-1",
    )
    # Applied once: the retry either answers like a success or says the code is applied.
    if retried["userErrors"]:
        assert codes(retried) == [("PROMOTION_CODE_ALREADY_APPLIED", "promotionCode")]
    else:
        shown = [d["promotionCode"] for d in retried["subscription"]["discounts"]]
        assert shown == ["LOSTANSWER"]
    again = await apply(gateway, bob, sub, "LOSTANSWER")
    assert codes(again) == [("PROMOTION_CODE_ALREADY_APPLIED", "promotionCode")]
    assert await discounts_of(stripe_client, sub) == [promo]
    assert await redeemed(stripe_client, promo) == 1
