"""Cancel, renew, update, pause and resume over HTTP; every success checked in Stripe afterwards
through the SDK, every refusal with a configuration that triggers it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


async def clock_now(client: stripe.StripeClient, customer_id: str) -> int:
    """Stripe's time for a customer on a test clock."""
    customer = await client.v1.customers.retrieve_async(customer_id, {"expand": ["test_clock"]})
    clock: Any = customer.test_clock
    return int(clock.frozen_time)


# -- cancel and renew -------------------------------------------------------------------


async def test_cancel_at_period_end_with_a_reason(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(
        gateway,
        token,
        "cancelSubscription",
        subscriptionId=world.alice.subscription,
        reason="OTHER",
        comment="Moving to another tool",
        clientMutationId="c-1",
    )
    assert payload["userErrors"] == []
    assert payload["clientMutationId"] == "c-1"
    sub = payload["subscription"]
    assert (sub["status"], sub["cancelAtPeriodEnd"], sub["isCanceling"]) == ("ACTIVE", True, True)
    assert payload["afterCompletion"] is None
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored.status == "active"
    assert stored.cancel_at_period_end is True
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "other"
    assert stored.cancellation_details.comment == "Moving to another tool"
    again = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.alice.subscription
    )
    assert codes(again) == [("ALREADY_CANCELING", "subscriptionId")]
    assert again["subscription"] is None


async def test_a_comment_goes_with_any_reason(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(
        gateway,
        token,
        "cancelSubscription",
        subscriptionId=world.alice.subscription,
        reason="UNUSED",
        comment="We stopped using it after the merger",
    )
    assert payload["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored.cancel_at_period_end is True
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "unused"
    assert stored.cancellation_details.comment == "We stopped using it after the merger"


async def test_cancel_immediately_with_prorations(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    now = variant(
        full_configuration(world),
        "cancel-now",
        subscription_cancel={
            "enabled": True,
            "mode": "immediately",
            "proration_behavior": "create_prorations",
        },
    )
    gateway = await gateway_factory.start([*world.configurations(), now])
    token = await gateway.token_for(world.bob.id, configuration="cancel-now")
    payload = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    assert payload["userErrors"] == []
    assert payload["subscription"]["status"] == "CANCELED"
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.status == "canceled"
    credits = await stripe_client.v1.invoice_items.list_async({"customer": world.bob.id})
    assert any(item.amount < 0 for item in credits.data), "unused time was credited"
    ended = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    assert codes(ended) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")]


async def test_cancel_refusals(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    cases: list[tuple[dict[str, Any], list[tuple[str, str | None]]]] = [
        ({"subscriptionId": sub, "reason": "CUSTOMER_SERVICE"}, [("REASON_NOT_ALLOWED", "reason")]),
        (
            {"subscriptionId": sub, "reason": "UNUSED", "comment": "x" * 5001},
            [("TOO_LONG", "comment")],
        ),
        ({"subscriptionId": "sub_doesnotexist"}, [("NOT_FOUND", "subscriptionId")]),
        ({"subscriptionId": " "}, [("INVALID_INPUT", "subscriptionId")]),
    ]
    for fields, expected in cases:
        payload = await mutate(gateway, token, "cancelSubscription", **fields)
        assert codes(payload) == expected, fields
        assert payload["subscription"] is None
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    off = await mutate(gateway, minimal, "cancelSubscription", subscriptionId=sub)
    assert codes(off) == [("FEATURE_DISABLED", None)]


async def test_renew_undoes_a_scheduled_cancel(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    not_canceling = await mutate(gateway, token, "renewSubscription", subscriptionId=sub)
    assert codes(not_canceling) == [("NOT_CANCELING", "subscriptionId")]
    canceled = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    assert canceled["subscription"]["isCanceling"] is True
    renewed = await mutate(gateway, token, "renewSubscription", subscriptionId=sub)
    assert renewed["userErrors"] == []
    assert renewed["subscription"]["isCanceling"] is False
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.cancel_at_period_end, stored.cancel_at, stored.canceled_at) == (
        False,
        None,
        None,
    )
    # A portal without the cancel feature still lets a customer keep a subscription that is
    # about to end (canceled earlier, or by the merchant): nobody is stuck.
    canceled = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    assert canceled["subscription"]["isCanceling"] is True
    minimal = await gateway.token_for(world.bob.id, configuration="minimal")
    kept = await mutate(gateway, minimal, "renewSubscription", subscriptionId=sub)
    assert kept["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.cancel_at_period_end, stored.cancel_at) == (False, None)


# -- update -----------------------------------------------------------------------------


async def test_quantity_change_applies_now_with_prorations(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(
        gateway, token, "updateSubscription", subscriptionId=world.alice.subscription, quantity=3
    )
    assert payload["userErrors"] == []
    [item] = payload["subscription"]["items"]
    assert (item["price"]["id"], item["quantity"]) == (world.basic_monthly, 3)
    assert payload["subscription"]["scheduledChange"] is None
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored["items"].data[0].quantity == 3
    pending = await stripe_client.v1.invoice_items.list_async({"customer": world.alice.id})
    assert sum(item.amount for item in pending.data) > 0, "two more seats, prorated"


async def test_upgrade_switches_the_price_now(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.alice.subscription,
        priceId=world.pro_monthly,
    )
    assert payload["userErrors"] == []
    [item] = payload["subscription"]["items"]
    assert item["price"]["id"] == world.pro_monthly
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored["items"].data[0].price.id == world.pro_monthly
    assert stored["items"].data[0].id == world.alice.item, "the item is changed, not replaced"


async def test_downgrade_is_scheduled_at_period_end(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    payload = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
        quantity=2,
    )
    assert payload["userErrors"] == []
    sub = payload["subscription"]
    [item] = sub["items"]
    assert item["price"]["id"] == world.pro_monthly, "nothing changes before the period ends"
    change = sub["scheduledChange"]
    assert change["items"] == [{"priceId": world.basic_monthly, "quantity": 2}]
    stored = await stripe_client.v1.subscriptions.retrieve_async(
        world.bob.subscription, {"expand": ["schedule"]}
    )
    schedule: Any = stored.schedule
    period_end = stored["items"].data[0].current_period_end
    assert datetime.fromisoformat(change["effectiveAt"]).timestamp() == period_end
    assert schedule.end_behavior == "release"
    current, later = schedule.phases
    assert [(i.price, i.quantity) for i in current.items] == [(world.pro_monthly, 1)]
    assert current.end_date == period_end
    assert [(i.price, i.quantity) for i in later.items] == [(world.basic_monthly, 2)]
    assert later.start_date == period_end
    assert later.proration_behavior == "none"
    # The gateway marks the schedule as its own, so the customer can undo or replace it.
    assert schedule.metadata.to_dict() == {"portal_gateway": "queued_change"}


async def test_update_refusals_name_the_field(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    cases: list[tuple[dict[str, Any], tuple[str, str | None]]] = [
        ({"priceId": world.legacy_monthly}, ("PRICE_NOT_ALLOWED", "priceId")),
        ({"priceId": "price_doesnotexist"}, ("PRICE_NOT_ALLOWED", "priceId")),
        ({"priceId": ""}, ("INVALID_INPUT", "priceId")),
        ({"quantity": 11}, ("QUANTITY_NOT_ALLOWED", "quantity")),
        ({"quantity": 0}, ("INVALID_INPUT", "quantity")),
        ({"quantity": -2}, ("INVALID_INPUT", "quantity")),
        ({}, ("INVALID_INPUT", None)),
        (
            {"quantity": 2, "prorationDate": iso(0)},
            ("PRORATION_DATE_NOT_ACCEPTED", "prorationDate"),
        ),
        ({"quantity": 2, "quote": "not-a-quote"}, ("QUOTE_INVALID", "quote")),
        ({"promotionCode": "SAVE10"}, ("FEATURE_DISABLED", "promotionCode")),
    ]
    for fields, expected in cases:
        payload = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, **fields)
        assert codes(payload) == [expected], fields
        assert payload["subscription"] is None
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    off = await mutate(gateway, minimal, "updateSubscription", subscriptionId=sub, quantity=2)
    assert codes(off) == [("FEATURE_DISABLED", None)]
    await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    ending = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=2)
    assert codes(ending) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")]


async def test_promotion_codes_are_looked_up_and_applied(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 20, "duration": "forever"})
    promo = await stripe_client.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SPRING20"}
    )
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"]}
    update["default_allowed_updates"] = ["price", "quantity", "promotion_code"]
    promos = variant(base, "promos", subscription_update=update)
    gateway = await gateway_factory.start([*world.configurations(), promos])
    token = await gateway.token_for(world.bob.id, configuration="promos")
    sub = world.bob.subscription
    unknown = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, promotionCode="NOPE"
    )
    assert codes(unknown) == [("INVALID_INPUT", "promotionCode")]
    blank = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, promotionCode=" "
    )
    assert codes(blank) == [("INVALID_INPUT", "promotionCode")]
    applied = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, promotionCode="spring20"
    )
    assert applied["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    discounts: Any = stored.discounts
    assert [d.promotion_code for d in discounts] == [promo.id]


# -- pause and resume -------------------------------------------------------------------


async def test_pause_until_a_date_then_resume(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    resumes_at = now + 20 * DAY
    paused = await mutate(
        gateway, token, "pauseSubscription", subscriptionId=sub, resumesAt=iso(resumes_at)
    )
    assert paused["userErrors"] == []
    assert paused["subscription"]["isPaused"] is True
    assert paused["subscription"]["pauseCollection"] == {
        "behavior": "VOID",
        "resumesAt": datetime.fromtimestamp(resumes_at, UTC).isoformat(),
    }
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.status == "active"
    assert stored.pause_collection is not None
    assert (stored.pause_collection.behavior, stored.pause_collection.resumes_at) == (
        "void",
        resumes_at,
    )
    twice = await mutate(
        gateway, token, "pauseSubscription", subscriptionId=sub, resumesAt=iso(resumes_at)
    )
    assert codes(twice) == [("ALREADY_PAUSED", "subscriptionId")]
    resumed = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert resumed["userErrors"] == []
    assert resumed["subscription"]["isPaused"] is False
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.pause_collection is None
    again = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert codes(again) == [("NOT_PAUSED", "subscriptionId")]


async def test_pause_dates_are_checked_against_stripes_clock(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    cases = [
        {"resumesAt": iso(now - DAY)},
        {"resumesAt": iso(now + 60 * DAY)},
        {},
    ]
    for fields in cases:
        payload = await mutate(gateway, token, "pauseSubscription", subscriptionId=sub, **fields)
        assert codes(payload) == [("INVALID_INPUT", "resumesAt")], fields
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.pause_collection is None
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    off = await mutate(
        gateway, minimal, "pauseSubscription", subscriptionId=sub, resumesAt=iso(now + DAY)
    )
    assert codes(off) == [("FEATURE_DISABLED", None)]
    # Resuming needs no feature; this subscription is simply not paused.
    assert codes(await mutate(gateway, minimal, "resumeSubscription", subscriptionId=sub)) == [
        ("NOT_PAUSED", "subscriptionId")
    ]


async def test_pause_for_a_length_counts_from_stripes_clock(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A browser only knows its own clock; a chosen length is dated on the customer's clock."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    wrong = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "YEAR", "intervalCount": 5},
    )
    assert codes(wrong) == [("INVALID_INPUT", "pauseFor")]
    paused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert paused["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.pause_collection is not None
    expected = datetime.fromtimestamp(now, UTC)
    month = expected.month % 12 + 1
    year = expected.year + (1 if expected.month == 12 else 0)
    resumes = datetime.fromtimestamp(stored.pause_collection.resumes_at or 0, UTC)
    assert (resumes.year, resumes.month) == (year, month)
    assert resumes.time() == expected.time()


@pytest.mark.parametrize("mutation", ["renewSubscription", "resumeSubscription"])
async def test_missing_subscription_is_not_found(
    gateway: RunningGateway, world: World, mutation: str
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(gateway, token, mutation, subscriptionId="sub_missing")
    assert codes(payload) == [("NOT_FOUND", "subscriptionId")]


async def test_resume_a_subscription_stripe_paused(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe's own `paused` status (not paused collection) resumes through its endpoint."""
    await stripe_client.v1.subscriptions.pause_async(world.bob.subscription)
    token = await gateway.token_for(world.bob.id)
    resumed = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=world.bob.subscription
    )
    assert resumed["userErrors"] == []
    assert (resumed["subscription"]["status"], resumed["subscription"]["isPaused"]) == (
        "ACTIVE",
        False,
    )
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.status == "active"


# -- failures ---------------------------------------------------------------------------


async def test_a_queued_change_that_fails_half_way_is_undone(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """The schedule is created, its phases are refused: the schedule is released again, so
    the subscription is exactly as it was, and the error says the change did not happen."""
    token = await gateway.token_for(world.bob.id)
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": "/v1/subscription_schedules/[^/]+", "rate_500": 1}]}
    )
    payload = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
    )
    emulator.runtime.faults.configure({"rules": []})
    [error] = payload["userErrors"]
    assert error["code"] == "STRIPE_UNAVAILABLE"
    assert "left attached" not in error["message"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.schedule is None
    assert stored["items"].data[0].price.id == world.pro_monthly
    schedules = await stripe_client.v1.subscription_schedules.list_async({"customer": world.bob.id})
    assert [s.status for s in schedules.data] == ["released"]
    # Nothing is stuck: the same change goes through once Stripe answers again.
    again = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
    )
    assert again["userErrors"] == []
    assert again["subscription"]["scheduledChange"] is not None


async def test_a_rate_limited_write_changes_nothing(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    token = await gateway.token_for(world.bob.id)
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": "/v1/subscriptions/.*", "rate_429": 1}]}
    )
    payload = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    emulator.runtime.faults.configure({"rules": []})
    [error] = payload["userErrors"]
    assert error["code"] == "RATE_LIMITED"
    assert "try again" in error["message"].lower()
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.cancel_at_period_end is False
    data = (await gateway.post("{ subscriptions { isCanceling } }", token=token)).ok()
    assert data["subscriptions"] == [{"isCanceling": False}]


async def test_a_paused_customer_resumes_from_a_portal_without_pausing(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Paused earlier (or by the merchant), then sent a portal that does not offer pausing:
    the customer can still take the subscription back."""
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    await stripe_client.v1.subscriptions.update_async(
        sub, {"pause_collection": {"behavior": "void", "resumes_at": now + 20 * DAY}}
    )
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    resumed = await mutate(gateway, minimal, "resumeSubscription", subscriptionId=sub)
    assert resumed["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.status, stored.pause_collection) == ("active", None)
