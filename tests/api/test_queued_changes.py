"""A change queued for the period end never traps a subscription: while it waits the customer
can undo it, replace it or cancel; once it has started the subscription is an ordinary one
again. Judged by what Stripe holds afterwards (schedules, subscription), read through the SDK,
across the period end with a test clock."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, NamedTuple

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
ACTIONS = """query($id: ID!) { subscription(id: $id) {
  items { quantity price { id } }
  scheduledChange { effectiveAt items { priceId quantity } }
  availableActions
  unavailableActions { action code message }
} }"""


async def clocked_pro_customer(
    client: stripe.StripeClient, world: World
) -> tuple[str, str, str, int]:
    """A customer on a test clock with one Pro subscription: (customer, clock, sub, period end)."""
    clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": int(time.time())})
    customer = await client.v1.customers.create_async(
        {
            "email": "dana@example.com",
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": world.pro_monthly}]}
    )
    return customer.id, clock.id, sub.id, sub["items"].data[0].current_period_end


async def downgrade(gateway: RunningGateway, token: str, sub: str, world: World) -> dict[str, Any]:
    payload = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, priceId=world.basic_monthly
    )
    assert payload["userErrors"] == []
    assert payload["subscription"]["scheduledChange"]["items"] == [
        {"priceId": world.basic_monthly, "quantity": 1}
    ]
    return payload


async def actions(gateway: RunningGateway, token: str, sub: str) -> dict[str, Any]:
    data: dict[str, Any] = (await gateway.post(ACTIONS, {"id": sub}, token=token)).ok()
    subscription: dict[str, Any] = data["subscription"]
    return subscription


async def schedules_of(client: stripe.StripeClient, customer: str) -> list[Any]:
    found = await client.v1.subscription_schedules.list_async({"customer": customer})
    return list(found.data)


class Queued(NamedTuple):
    """A running gateway and a clocked customer's Pro subscription with a downgrade queued."""

    gateway: RunningGateway
    token: str
    customer: str
    clock: str
    sub: str
    period_end: int


async def queued_downgrade(
    gateway_factory: GatewayFactory,
    client: stripe.StripeClient,
    world: World,
    configurations: list[dict[str, Any]] | None = None,
) -> Queued:
    """Start a gateway (no customer cache), then queue a Pro -> Basic downgrade through it."""
    gateway = await gateway_factory.start(
        configurations or world.configurations(), customer_cache_ttl_seconds=0
    )
    customer, clock, sub, period_end = await clocked_pro_customer(client, world)
    token = await gateway.token_for(customer)
    await downgrade(gateway, token, sub, world)
    return Queued(gateway, token, customer, clock, sub, period_end)


async def test_a_queued_change_offers_undo_cancel_and_replace(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway, token, customer, _clock, sub, _end = await queued_downgrade(
        gateway_factory, stripe_client, world
    )
    seen = await actions(gateway, token, sub)
    assert {"CANCEL", "UNDO_SCHEDULED_CHANGE", "SWITCH_PRICE", "CHANGE_QUANTITY"} <= set(
        seen["availableActions"]
    )
    pause = [a for a in seen["unavailableActions"] if a["action"] == "PAUSE"]
    assert len(pause) == 1
    assert "undo it" in pause[0]["message"]

    undone = await mutate(gateway, token, "undoScheduledChange", subscriptionId=sub)
    assert undone["userErrors"] == []
    assert undone["subscription"]["scheduledChange"] is None
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.schedule is None
    assert stored["items"].data[0].price.id == world.pro_monthly
    assert [s.status for s in await schedules_of(stripe_client, customer)] == ["released"]
    again = await mutate(gateway, token, "undoScheduledChange", subscriptionId=sub)
    assert codes(again) == [("NO_SCHEDULED_CHANGE", "subscriptionId")]
    after = await actions(gateway, token, sub)
    assert "UNDO_SCHEDULED_CHANGE" not in after["availableActions"]
    assert "PAUSE" in after["availableActions"]


async def test_cancel_drops_the_queued_change_and_the_period_end_cancels(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway, token, customer, clock, sub, period_end = await queued_downgrade(
        gateway_factory, stripe_client, world
    )
    canceled = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    assert canceled["userErrors"] == []
    assert canceled["subscription"]["cancelAtPeriodEnd"] is True
    assert canceled["subscription"]["scheduledChange"] is None
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.schedule, stored.cancel_at_period_end) == (None, True)
    assert [s.status for s in await schedules_of(stripe_client, customer)] == ["released"]
    # Renewing keeps the current plan: the dropped change does not come back.
    renewed = await mutate(gateway, token, "renewSubscription", subscriptionId=sub)
    assert renewed["userErrors"] == []
    await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock, {"frozen_time": period_end + DAY}
    )
    ended = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert ended.status == "canceled"
    assert ended["items"].data[0].price.id == world.pro_monthly


async def test_a_queued_change_is_replaced_by_another(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway, token, customer, _clock, sub, period_end = await queued_downgrade(
        gateway_factory, stripe_client, world
    )
    [first] = await schedules_of(stripe_client, customer)
    # Another downgrade rewrites the same schedule's next phase.
    other = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        priceId=world.basic_monthly,
        quantity=2,
    )
    assert other["userErrors"] == []
    assert other["subscription"]["scheduledChange"]["items"] == [
        {"priceId": world.basic_monthly, "quantity": 2}
    ]
    schedule: Any = await stripe_client.v1.subscription_schedules.retrieve_async(first.id)
    assert schedule.status == "active"
    current, later = schedule.phases
    assert current.end_date == period_end == later.start_date
    assert [(i.price, i.quantity) for i in current.items] == [(world.pro_monthly, 1)]
    assert [(i.price, i.quantity) for i in later.items] == [(world.basic_monthly, 2)]
    # Asking for the plan it has now points at undo.
    same = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, priceId=world.pro_monthly
    )
    assert codes(same) == [("INVALID_INPUT", "priceId")]
    assert "undoScheduledChange" in same["userErrors"][0]["message"]
    # A change made now (an upgrade in seats) replaces the queued one.
    now = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=3)
    assert now["userErrors"] == []
    assert now["subscription"]["scheduledChange"] is None
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.schedule is None
    item = stored["items"].data[0]
    assert (item.price.id, item.quantity) == (world.pro_monthly, 3)
    assert [s.status for s in await schedules_of(stripe_client, customer)] == ["released"]


async def test_once_the_queued_change_starts_the_subscription_is_ordinary(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway, token, customer, clock, sub, period_end = await queued_downgrade(
        gateway_factory, stripe_client, world
    )
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock, {"frozen_time": period_end + DAY}
    )
    switched = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert switched["items"].data[0].price.id == world.basic_monthly
    assert switched.schedule is not None, "Stripe keeps the schedule until its last phase ends"
    seen = await actions(gateway, token, sub)
    assert seen["scheduledChange"] is None
    assert {"CANCEL", "PAUSE", "SWITCH_PRICE", "CHANGE_QUANTITY"} <= set(seen["availableActions"])
    # The next write releases the spent schedule first, then does what was asked.
    paused = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert paused["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["schedule"]})
    # The spent schedule was released; the pause made its own (which resumes it).
    pausing: Any = stored.schedule
    assert stored.status == "paused"
    assert pausing.metadata.to_dict() == {"portal_gateway": "pause"}
    assert stored["items"].data[0].price.id == world.basic_monthly
    assert sorted(s.status for s in await schedules_of(stripe_client, customer)) == [
        "active",
        "released",
    ]


async def test_a_schedule_the_business_made_is_left_alone_and_says_why(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    customer, _clock, sub, _end = await clocked_pro_customer(stripe_client, world)
    await stripe_client.v1.subscription_schedules.create_async({"from_subscription": sub})
    token = await gateway.token_for(customer)
    seen = await actions(gateway, token, sub)
    assert seen["availableActions"] == []
    reasons = {a["action"]: a["message"] for a in seen["unavailableActions"]}
    assert "set up by the business" in reasons["CANCEL"]
    assert reasons["UNDO_SCHEDULED_CHANGE"] == "No plan change is queued for this subscription."
    refused = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    assert codes(refused) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")]
    [schedule] = await schedules_of(stripe_client, customer)
    assert schedule.status == "active"


async def test_cancel_now_with_a_queued_change_ends_both(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    full = full_configuration(world)
    now_config = variant(
        full,
        "cancel-now",
        subscription_cancel={
            "enabled": True,
            "mode": "immediately",
            "cancellation_reason": {"enabled": True, "options": ["too_expensive"]},
        },
    )
    now_config["is_default"] = True
    full["is_default"] = False
    gateway, token, customer, _clock, sub, _end = await queued_downgrade(
        gateway_factory, stripe_client, world, [full, now_config]
    )
    canceled = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=sub, reason="TOO_EXPENSIVE"
    )
    assert canceled["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.status == "canceled"
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "too_expensive"
    assert [s.status for s in await schedules_of(stripe_client, customer)] == ["canceled"]


PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview { scheduled quantity prorationAmount }
    userErrors { code message field }
  }
}"""


async def test_a_change_made_now_previews_like_it_applies_while_one_waits(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway, token, _customer, _clock, sub, _end = await queued_downgrade(
        gateway_factory, stripe_client, world
    )
    result = await gateway.post(
        PREVIEW, {"input": {"subscriptionId": sub, "quantity": 2}}, token=token
    )
    payload = result.ok()["previewSubscriptionUpdate"]
    assert payload["userErrors"] == []
    assert payload["preview"]["scheduled"] is False
    assert payload["preview"]["quantity"] == 2
    applied = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=2)
    assert applied["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (stored.schedule, stored["items"].data[0].quantity) == (None, 2)
