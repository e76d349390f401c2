"""Custom feedback options (Stripe's `billing.feedback_option`): read from Stripe when the
configurations load, offered by id with their text beside the built-in reasons, and
recorded as Stripe records them (`cancellation_details.feedback_option`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.portal.problems import ConfigurationError
from tests.api.mutation_calls import codes

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

REASONS = """{ session { configuration { features { subscriptionCancel {
  cancellationReason { enabled options feedbackOptions { id description } } } } } } }"""
CANCEL = """mutation($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) {
  subscription { id cancelAtPeriodEnd } userErrors { code message field } } }"""


def with_feedback_options(world: World, option_ids: list[str]) -> list[dict[str, Any]]:
    configurations = world.configurations()
    reason = configurations[0]["features"]["subscription_cancel"]["cancellation_reason"]
    reason["feedback_options"] = option_ids
    return configurations


async def cancel(gateway: RunningGateway, token: str, **fields: Any) -> Any:
    return (await gateway.post(CANCEL, {"i": fields}, token=token)).ok()["cancelSubscription"]


async def test_a_feedback_option_is_offered_by_id_with_its_text_and_recorded_by_stripe(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    options = stripe_client.v1.billing.feedback_options
    moving = await options.create_async({"description": "We are moving to an in-house tool"})
    retired = await options.create_async({"description": "Retired reason"})
    await options.deactivate_async(retired.id)
    gateway = await gateway_factory.start(with_feedback_options(world, [moving.id, retired.id]))
    token = await gateway.token_for(world.alice.id)
    shown = (await gateway.post(REASONS, token=token)).ok()
    reason = shown["session"]["configuration"]["features"]["subscriptionCancel"][
        "cancellationReason"
    ]
    # Built-in reasons keep their enum; the custom one is offered by id, labelled; a
    # deactivated one is no longer offered.
    assert reason["options"] == ["TOO_EXPENSIVE", "UNUSED", "OTHER"]
    assert reason["feedbackOptions"] == [
        {"id": moving.id, "description": "We are moving to an in-house tool"}
    ]
    sub = world.alice.subscription
    for fields, expected in (
        ({"feedbackOption": retired.id}, [("REASON_NOT_ALLOWED", "feedbackOption")]),
        ({"feedbackOption": "bfo_someone_elses"}, [("REASON_NOT_ALLOWED", "feedbackOption")]),
        (
            {"feedbackOption": moving.id, "reason": "UNUSED"},
            [("INVALID_INPUT", "feedbackOption")],
        ),
    ):
        assert codes(await cancel(gateway, token, subscriptionId=sub, **fields)) == expected
    untouched = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert untouched.cancel_at_period_end is False
    done = await cancel(
        gateway, token, subscriptionId=sub, feedbackOption=moving.id, comment="Thanks"
    )
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.cancel_at_period_end is True
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback_option == moving.id
    assert stored.cancellation_details.feedback is None
    assert stored.cancellation_details.comment == "Thanks"


async def test_built_in_reasons_keep_working_beside_feedback_options(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    option = await stripe_client.v1.billing.feedback_options.create_async(
        {"description": "Seasonal"}
    )
    gateway = await gateway_factory.start(with_feedback_options(world, [option.id]))
    token = await gateway.token_for(world.bob.id)
    done = await cancel(gateway, token, subscriptionId=world.bob.subscription, reason="UNUSED")
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "unused"
    assert stored.cancellation_details.feedback_option is None


async def test_a_feedback_option_stripe_does_not_know_stops_the_start(
    gateway_factory: GatewayFactory, world: World
) -> None:
    with pytest.raises(ConfigurationError) as problems:
        await gateway_factory.start(with_feedback_options(world, ["bfo_typo"]))
    assert (
        "full: features.subscription_cancel.cancellation_reason.feedback_options[0]: "
        "Stripe has no feedback option 'bfo_typo'"
    ) in str(problems.value)
