"""The configuration's own feedback options appear in the cancel survey beside the built-in
reasons, labelled with their text; the one chosen is what Stripe records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import expect, open_action, status

if TYPE_CHECKING:
    import stripe

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def test_a_custom_feedback_option_is_offered_and_recorded(
    demo_factory: Any, browsing: Browsing
) -> None:
    created: dict[str, str] = {}

    async def add_configuration(client: stripe.StripeClient) -> None:
        option = await client.v1.billing.feedback_options.create_async(
            {"description": "Our project ended"}
        )
        configuration = await client.v1.billing_portal.configurations.create_async(
            {
                "features": {
                    "subscription_cancel": {
                        "enabled": True,
                        "mode": "at_period_end",
                        "cancellation_reason": {
                            "enabled": True,
                            "options": ["too_expensive", "other"],
                            "feedback_options": [option.id],
                        },
                    }
                }
            }
        )
        created.update(option=option.id, configuration=configuration.id)

    demo: Demo = await demo_factory(prepare=add_configuration)
    page = await browsing.open(
        await demo.portal_link("active", configuration=created["configuration"])
    )
    cancel = await open_action(page, "Cancel subscription")
    await expect(cancel.get_by_label("It's too expensive")).to_be_visible()
    await cancel.get_by_label("Our project ended").check()
    await cancel.get_by_role("button", name="Cancel subscription").click()
    await status(page, "Your subscription will end on")

    canceled = await demo.subscription("active")
    assert canceled.cancel_at_period_end or canceled.cancel_at is not None
    assert canceled.cancellation_details is not None
    assert canceled.cancellation_details.to_dict().get("feedback_option") == created["option"]
    assert canceled.cancellation_details.feedback is None
