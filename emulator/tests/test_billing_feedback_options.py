"""Billing feedback options: create, list (by status), retrieve, update, deactivate; named by
portal configurations (checked, expandable) and recorded by a cancel, as Stripe documents."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


async def test_feedback_option_lifecycle(stripe_client: stripe.StripeClient) -> None:
    options = stripe_client.v1.billing.feedback_options
    first = await options.create_async({"description": "Moving to another team plan"})
    assert first.object == "billing.feedback_option"
    assert first.id.startswith("bfo_")
    assert first.status == "active"
    assert first.status_transitions.deactivated_at is None
    assert sorted(first.to_dict()) == [
        "description",
        "id",
        "livemode",
        "object",
        "status",
        "status_transitions",
    ]
    second = await options.create_async({"description": "Seasonal business"})
    renamed = await options.update_async(second.id, {"description": "Seasonal, back in spring"})
    assert renamed.description == "Seasonal, back in spring"
    gone = await options.deactivate_async(first.id)
    assert gone.status == "inactive"
    assert gone.status_transitions.deactivated_at is not None
    again = await options.deactivate_async(first.id)
    assert again.status_transitions.deactivated_at == gone.status_transitions.deactivated_at
    listed = await options.list_async()
    assert [o.id for o in listed.data] == [second.id, first.id]
    active = await options.list_async({"status": "active"})
    assert [o.id for o in active.data] == [second.id]
    fetched = await options.retrieve_async(first.id)
    assert fetched.status == "inactive"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await options.retrieve_async("bfo_missing")
    assert missing.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as empty:
        await options.create_async({"description": "  "})
    assert empty.value.param == "description"


async def test_configurations_name_existing_feedback_options_and_expand_them(
    stripe_client: stripe.StripeClient,
) -> None:
    option = await stripe_client.v1.billing.feedback_options.create_async(
        {"description": "Project ended"}
    )
    reason: Any = {"enabled": True, "options": ["other"], "feedback_options": [option.id]}
    config = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": reason}}}
    )
    stored = config.features.subscription_cancel.cancellation_reason
    assert stored.feedback_options == [option.id]
    path = "features.subscription_cancel.cancellation_reason.feedback_options"
    expanded = await stripe_client.v1.billing_portal.configurations.retrieve_async(
        config.id, {"expand": [path]}
    )
    shown = expanded.features.subscription_cancel.cancellation_reason.feedback_options
    assert shown is not None
    assert [(o.id, o.description) for o in shown] == [(option.id, "Project ended")]  # type: ignore[union-attr]
    with pytest.raises(stripe.InvalidRequestError) as bogus:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {
                "features": {
                    "subscription_cancel": {
                        "enabled": True,
                        "cancellation_reason": {
                            "enabled": True,
                            "options": ["other"],
                            "feedback_options": ["bfo_nope"],
                        },
                    }
                }
            }
        )
    assert bogus.value.param == (
        "features[subscription_cancel][cancellation_reason][feedback_options][0]"
    )
