"""Decisions use Stripe's time for the customer: their test clock, as it is now.

A test clock moves without telling the customer's objects (Stripe raises events about the
clock only), so a subscription read before the clock moved must not date a change made
after it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tests.api.mutation_calls import mutate

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World

PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview { effectiveAt prorationAmount }
    userErrors { code message field }
  }
}"""
HOUR = 3600


async def test_a_change_after_the_clock_moved_is_dated_by_the_clock(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    # The portal shows the subscription (now cached with the clock's time then)...
    assert (await gateway.post("{ subscriptions { id } }", token=token)).ok()["subscriptions"]
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    clock_id = str(customer.test_clock)
    clock = await stripe_client.v1.test_helpers.test_clocks.retrieve_async(clock_id)
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    period_end = stored["items"].data[0].current_period_end
    # ...then the clock moves within the period: nothing comes due, no customer event.
    moved_to = min(clock.frozen_time + 5 * 24 * HOUR, period_end - HOUR)
    assert moved_to > clock.frozen_time + HOUR
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock_id, {"frozen_time": moved_to}
    )

    shown = (
        await gateway.post(PREVIEW, {"input": {"subscriptionId": sub, "quantity": 2}}, token=token)
    ).ok()
    preview = shown["previewSubscriptionUpdate"]["preview"]
    assert datetime.fromisoformat(preview["effectiveAt"]).timestamp() == moved_to

    payload = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=2)
    assert payload["userErrors"] == []
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": world.alice.id, "pending": True}
    )
    # The prorations cover the time left from the clock's new time, as the preview said.
    assert {item.period.start for item in pending.data} == {moved_to}
    assert sum(item.amount for item in pending.data) == preview["prorationAmount"]
