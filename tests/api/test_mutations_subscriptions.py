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


def one_month_after(now: int) -> int:
    moment = datetime.fromtimestamp(now, UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return int(moment.replace(year=year, month=month).timestamp())


async def test_pause_for_the_configured_length_then_resume(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe's pause (status `paused`), timed by a pause schedule Stripe resumes by itself;
    resuming earlier releases that schedule, so its date cannot act a second time."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    paused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
        clientMutationId="p-1",
    )
    assert paused["userErrors"] == []
    shown = paused["subscription"]
    assert (shown["status"], shown["isPaused"], shown["pauseCollection"]) == (
        "PAUSED",
        True,
        None,
    )
    assert shown["resumesAt"] == iso(one_month_after(now))
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["schedule"]})
    assert (stored.status, stored.pause_collection) == ("paused", None)
    assert stored.status_details is not None
    assert stored.status_details.paused.subscription.type == "pause_requested"
    schedule: Any = stored.schedule
    (entry,) = schedule.pause_schedules
    assert (entry.resume.resume_at, entry.resume.status.type) == (one_month_after(now), "scheduled")
    assert schedule.metadata.to_dict() == {"portal_gateway": "pause"}
    # The same request again (a retry): the same answer, still one schedule.
    retried = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
        clientMutationId="p-1",
    )
    assert codes(retried) == []
    assert retried["subscription"]["status"] == "PAUSED"
    schedules = await stripe_client.v1.subscription_schedules.list_async(
        {"customer": world.alice.id}
    )
    assert [s.id for s in schedules.data if s.status == "active"] == [schedule.id]
    twice = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert codes(twice) == [("ALREADY_PAUSED", "subscriptionId")]
    resumed = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert resumed["userErrors"] == []
    assert (resumed["subscription"]["status"], resumed["subscription"]["resumesAt"]) == (
        "ACTIVE",
        None,
    )
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.status, stored.schedule) == ("active", None)
    released = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert released.status == "released"
    again = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert codes(again) == [("NOT_PAUSED", "subscriptionId")]
    events = await stripe_client.v1.events.list_async({"type": "customer.subscription.*"})
    kinds = {e.type for e in events.data if e.data.object.id == sub}
    assert {"customer.subscription.paused", "customer.subscription.resumed"} <= kinds


async def test_pause_lengths_must_be_the_configured_ones(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"resumesAt": iso(now - DAY)}, ("INVALID_INPUT", "resumesAt")),
        ({"resumesAt": iso(now + 20 * DAY)}, ("PAUSE_DURATION_NOT_OFFERED", "resumesAt")),
        ({"resumesAt": iso(now + 60 * DAY)}, ("PAUSE_DURATION_NOT_OFFERED", "resumesAt")),
        ({}, ("PAUSE_DURATION_NOT_OFFERED", "pauseFor")),
        (
            {"pauseFor": {"interval": "YEAR", "intervalCount": 5}},
            ("PAUSE_DURATION_NOT_OFFERED", "pauseFor"),
        ),
        (
            {"pauseFor": {"interval": "MONTH", "intervalCount": 2**31 - 1}},
            ("PAUSE_DURATION_NOT_OFFERED", "pauseFor"),
        ),
        (
            {"pauseFor": {"interval": "WEEK", "intervalCount": 4}},
            ("PAUSE_DURATION_NOT_OFFERED", "pauseFor"),
        ),
    ]
    for fields, expected in cases:
        payload = await mutate(gateway, token, "pauseSubscription", subscriptionId=sub, **fields)
        assert codes(payload) == [expected], fields
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.status, stored.schedule, stored.pause_collection) == ("active", None, None)
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    off = await mutate(
        gateway,
        minimal,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert codes(off) == [("FEATURE_DISABLED", None)]
    # Resuming needs no feature; this subscription is simply not paused.
    assert codes(await mutate(gateway, minimal, "resumeSubscription", subscriptionId=sub)) == [
        ("NOT_PAUSED", "subscriptionId")
    ]


async def test_a_deprecated_date_is_taken_as_the_length_it_ends(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A client still sending `resumesAt` (its own clock, a few hours off) gets the
    configured month, counted on Stripe's clock."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    paused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        resumesAt=iso(one_month_after(now) - 3600),
    )
    assert paused["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["schedule"]})
    schedule: Any = stored.schedule
    assert stored.status == "paused"
    assert schedule.pause_schedules[0].resume.resume_at == one_month_after(now)


async def test_an_open_ended_pause_where_the_configuration_allows_it(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    indefinite = variant(
        full_configuration(world),
        "open",
        subscription_pause={"enabled": True, "duration": {"type": "indefinite"}},
    )
    running = await gateway_factory.start([*world.configurations(), indefinite])
    token = await running.token_for(world.bob.id, configuration="open")
    sub = world.bob.subscription
    too_long = await mutate(
        running,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "YEAR", "intervalCount": 6},
    )
    assert codes(too_long) == [("PAUSE_DURATION_NOT_OFFERED", "pauseFor.intervalCount")]
    paused = await mutate(running, token, "pauseSubscription", subscriptionId=sub)
    assert paused["userErrors"] == []
    assert (paused["subscription"]["status"], paused["subscription"]["resumesAt"]) == (
        "PAUSED",
        None,
    )
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.status, stored.schedule) == ("paused", None)
    resumed = await mutate(running, token, "resumeSubscription", subscriptionId=sub)
    assert resumed["subscription"]["status"] == "ACTIVE"


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


async def test_the_clock_resumes_a_paused_subscription_and_charges_what_was_shown(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Past the resume date Stripe resumes it (status ACTIVE again) and charges exactly the
    next invoice the portal showed while it was paused."""
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    paused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert paused["userErrors"] == []
    query = (
        f'{{ subscription(id: "{sub}") {{ status resumesAt upcomingInvoice {{ amountDue }} }} }}'
    )
    shown = (await gateway.post(query, token=token)).ok()["subscription"]
    assert (shown["status"], shown["resumesAt"]) == ("PAUSED", iso(one_month_after(now)))
    amount = shown["upcomingInvoice"]["amountDue"]
    assert amount > 0
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        str(customer.test_clock), {"frozen_time": one_month_after(now) + DAY}
    )
    stored = await stripe_client.v1.subscriptions.retrieve_async(
        sub, {"expand": ["latest_invoice"]}
    )
    assert (stored.status, stored.schedule) == ("active", None)
    invoice: Any = stored.latest_invoice
    assert (invoice.status, invoice.amount_paid) == ("paid", amount)
    assert invoice.created == one_month_after(now)
    after = (await gateway.post(query, token=token)).ok()["subscription"]
    assert (after["status"], after["resumesAt"]) == ("ACTIVE", None)


async def test_a_resume_racing_the_scheduled_one_charges_once(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe resumes at the date while the portal still shows the pause (its cache): the
    customer's resume reads Stripe first, finds it resumed and says so; nothing is resumed or
    charged twice. (Two resumes landing together at Stripe: the one refused is a success,
    since Stripe holds what it asked; see the concurrency test.)"""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    now = await clock_now(stripe_client, world.alice.id)
    month = {"interval": "MONTH", "intervalCount": 1}
    paused = await mutate(gateway, token, "pauseSubscription", subscriptionId=sub, pauseFor=month)
    assert paused["userErrors"] == []
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        str(customer.test_clock), {"frozen_time": one_month_after(now) + DAY}
    )
    resumed = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert codes(resumed) == [("NOT_PAUSED", "subscriptionId")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.status, stored.schedule) == ("active", None)
    invoices = await stripe_client.v1.invoices.list_async({"subscription": sub, "limit": 100})
    resumptions = [i for i in invoices.data if i.created >= one_month_after(now)]
    assert len(resumptions) == 1, [(i.id, i.created, i.amount_due) for i in resumptions]


async def test_classic_billing_mode_is_not_offered_a_pause(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe pauses only subscriptions in flexible billing mode; migrating one is the
    business's decision, so the portal says why it cannot pause instead."""
    classic = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": world.bob.id,
            "items": [{"price": world.basic_monthly}],
            "billing_mode": {"type": "classic"},
        }
    )
    token = await gateway.token_for(world.bob.id)
    query = (
        f'{{ subscription(id: "{classic.id}") '
        "{ availableActions unavailableActions { action code message } } }"
    )
    shown = (await gateway.post(query, token=token)).ok()["subscription"]
    assert "PAUSE" not in shown["availableActions"]
    (why,) = [a for a in shown["unavailableActions"] if a["action"] == "PAUSE"]
    assert why["code"] == "SUBSCRIPTION_NOT_ELIGIBLE"
    assert "flexible billing mode" in why["message"]
    refused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=classic.id,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert codes(refused) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(classic.id)
    assert (stored.status, stored.schedule, stored.billing_mode.type) == ("active", None, "classic")
