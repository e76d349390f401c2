"""Discounts shown on subscriptions and invoices, and a promotion code applied only once;
judged by Stripe's state read through the SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
DISCOUNT = """id couponId couponName percentOff amountOff currency duration durationInMonths
start end promotionCode promotionCodeId amount"""
SUBSCRIPTION_DISCOUNTS = f"subscription {{ id discounts {{ {DISCOUNT} }} }}"


async def _promos_gateway(gateway_factory: GatewayFactory, world: World) -> RunningGateway:
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"]}
    update["default_allowed_updates"] = ["price", "quantity", "promotion_code"]
    return await gateway_factory.start(
        [*world.configurations(), variant(base, "promos", subscription_update=update)]
    )


async def _code(client: stripe.StripeClient, code: str, **coupon: Any) -> tuple[str, str]:
    made = await client.v1.coupons.create_async(coupon)  # type: ignore[arg-type]
    promo = await client.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": made.id}, "code": code}
    )
    return made.id, promo.id


async def test_an_applied_code_is_shown_and_cannot_be_applied_again(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await _promos_gateway(gateway_factory, world)
    coupon, promo = await _code(
        stripe_client,
        "WELCOME3",
        percent_off=25,
        duration="repeating",
        duration_in_months=3,
        name="Welcome offer",
    )
    _, same_coupon_promo = await _code(stripe_client, "AGAIN", percent_off=10, duration="once")
    token = await gateway.token_for(world.bob.id, configuration="promos")
    sub = world.bob.subscription

    applied = await mutate(
        gateway,
        token,
        "updateSubscription",
        select=SUBSCRIPTION_DISCOUNTS,
        subscriptionId=sub,
        promotionCode="welcome3",
    )
    assert applied["userErrors"] == []
    [shown] = applied["subscription"]["discounts"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    listed_discounts: Any = stored.discounts
    [discount] = listed_discounts
    assert shown["id"] == discount.id
    assert {k: v for k, v in shown.items() if k not in ("id", "start", "end")} == {
        "couponId": coupon,
        "couponName": "Welcome offer",
        "percentOff": 25.0,
        "amountOff": None,
        "currency": None,
        "duration": "REPEATING",
        "durationInMonths": 3,
        "promotionCode": "WELCOME3",
        "promotionCodeId": promo,
        "amount": None,
    }
    assert shown["end"] is not None
    assert shown["start"] is not None
    # Read back through the query too (the list read expands the same way).
    listed = (
        await gateway.post(f"{{ subscriptions {{ id discounts {{ {DISCOUNT} }} }} }}", token=token)
    ).ok()
    assert listed["subscriptions"][0]["discounts"] == [shown]

    # The same code again (any spelling), or its id: refused, Stripe untouched.
    for again in ("WELCOME3", " welcome3 "):
        refused = await mutate(
            gateway, token, "updateSubscription", subscriptionId=sub, promotionCode=again
        )
        assert codes(refused) == [("PROMOTION_CODE_ALREADY_APPLIED", "promotionCode")]
        assert "WELCOME3" in refused["userErrors"][0]["message"]
    after: Any = (
        await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    ).discounts
    assert [d.id for d in after] == [discount.id]
    assert (await stripe_client.v1.promotion_codes.retrieve_async(promo)).times_redeemed == 1
    # Another code is not refused as "already applied" (it replaces the discount, as Stripe does).
    other = await mutate(
        gateway,
        token,
        "updateSubscription",
        select=SUBSCRIPTION_DISCOUNTS,
        subscriptionId=sub,
        promotionCode="AGAIN",
    )
    assert other["userErrors"] == []
    assert [d["promotionCodeId"] for d in other["subscription"]["discounts"]] == [same_coupon_promo]


async def test_a_second_code_for_an_applied_coupon_is_refused(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await _promos_gateway(gateway_factory, world)
    made = await stripe_client.v1.coupons.create_async(
        {"amount_off": 500, "currency": "usd", "duration": "forever", "name": "$5 off"}
    )
    for code in ("FIVEOFF", "FIVEAGAIN"):
        await stripe_client.v1.promotion_codes.create_async(
            {"promotion": {"type": "coupon", "coupon": made.id}, "code": code}
        )
    token = await gateway.token_for(world.bob.id, configuration="promos")
    sub = world.bob.subscription
    first = await mutate(
        gateway,
        token,
        "updateSubscription",
        select=SUBSCRIPTION_DISCOUNTS,
        subscriptionId=sub,
        promotionCode="FIVEOFF",
    )
    [shown] = first["subscription"]["discounts"]
    assert (shown["amountOff"], shown["currency"], shown["duration"], shown["end"]) == (
        500,
        "usd",
        "FOREVER",
        None,
    )
    second = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, promotionCode="FIVEAGAIN"
    )
    assert codes(second) == [("PROMOTION_CODE_ALREADY_APPLIED", "promotionCode")]
    stored: Any = (
        await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    ).discounts
    assert [d.id for d in stored] == [shown["id"]]


async def test_invoices_show_what_each_discount_took_off(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon, promo = await _code(
        stripe_client, "HALF", percent_off=50, duration="forever", name="Half price"
    )
    sub = world.alice.subscription
    await stripe_client.v1.subscriptions.update_async(
        sub, {"discounts": [{"promotion_code": promo}]}
    )
    customer: Any = await stripe_client.v1.customers.retrieve_async(
        world.alice.id, {"expand": ["test_clock"]}
    )
    clock = customer.test_clock
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock.id, {"frozen_time": clock.frozen_time + 31 * DAY}
    )
    renewal: Any = (await stripe_client.v1.subscriptions.retrieve_async(sub)).latest_invoice
    stored = await stripe_client.v1.invoices.retrieve_async(str(renewal))
    assert stored.total_discount_amounts is not None
    [taken] = stored.total_discount_amounts
    token = await gateway.token_for(world.alice.id)
    data = (
        await gateway.post(
            f"""query($id: ID!) {{
                  invoice(id: $id) {{ id total discounts {{ {DISCOUNT} }} }}
                  invoices(first: 1) {{ nodes {{ id discounts {{ couponName amount }} }} }}
                }}""",
            {"id": stored.id},
            token=token,
        )
    ).ok()
    [shown] = data["invoice"]["discounts"]
    assert (shown["couponId"], shown["couponName"], shown["percentOff"]) == (
        coupon,
        "Half price",
        50.0,
    )
    assert (shown["promotionCode"], shown["amount"]) == ("HALF", taken.amount)
    assert taken.amount == 500
    assert data["invoice"]["total"] == stored.total == 500
    assert data["invoices"]["nodes"][0] == {
        "id": stored.id,
        "discounts": [{"couponName": "Half price", "amount": 500}],
    }
