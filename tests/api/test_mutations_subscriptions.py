"""Cancel, renew, pause, resume and update over HTTP; every success checked in Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.api.mutation_calls import codes, mutate

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World


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
    assert stored.cancel_at_period_end is True
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "other"
    assert stored.cancellation_details.comment == "Moving to another tool"
    assert codes(
        await mutate(gateway, token, "cancelSubscription", subscriptionId=world.alice.subscription)
    ) == [("ALREADY_CANCELING", "subscriptionId")]
