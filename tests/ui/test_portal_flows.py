"""Flow sessions (deep links): the page opens straight on the one action, then does what
the session's `afterCompletion` says."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import expect, subscription_card

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def test_cancel_flow_opens_on_the_form_and_redirects_when_done(
    demo: Demo, browsing: Browsing
) -> None:
    subscription = await demo.subscription("active")
    back = f"{demo.gateway_url}/healthz"
    link = await demo.portal_link(
        "active",
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {"subscription": subscription.id},
            "afterCompletion": {"type": "REDIRECT", "returnUrl": back},
        },
    )
    page = await browsing.open(link)

    await expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your subscription")
    await expect(subscription_card(page)).to_contain_text("Pro")
    # Nothing but the flow: no other actions, no other sections.
    await expect(page.get_by_role("button", name="Change plan")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Invoice history")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Payment methods")).to_have_count(0)

    await page.get_by_label("I don't use it enough").check()
    async with page.expect_navigation(url=back):
        await page.get_by_role("button", name="Cancel subscription").click()
    await expect(page.locator("body")).to_contain_text('"status": "ok"')

    canceled = await demo.subscription("active")
    assert canceled.cancel_at_period_end or canceled.cancel_at is not None
    assert canceled.cancellation_details is not None
    assert canceled.cancellation_details.feedback == "unused"


async def test_update_confirm_flow_shows_the_change_and_a_confirmation(
    demo: Demo, browsing: Browsing
) -> None:
    subscription = await demo.subscription("active")
    item = subscription["items"].data[0]
    enterprise = (
        await demo.stripe.v1.prices.list_async({"lookup_keys": ["enterprise_monthly"]})
    ).data[0]
    link = await demo.portal_link(
        "active",
        flowData={
            "type": "SUBSCRIPTION_UPDATE_CONFIRM",
            "subscriptionUpdateConfirm": {
                "subscription": subscription.id,
                "items": [{"id": item.id, "price": enterprise.id}],
            },
            "afterCompletion": {
                "type": "HOSTED_CONFIRMATION",
                "customMessage": "Welcome to Enterprise!",
            },
        },
    )
    page = await browsing.open(link)

    await expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your plan change")
    await expect(page.locator(".flow-panel")).to_contain_text(
        "Enterprise monthly: $297.00 / month (3 seats at $99.00 per seat)"
    )
    await expect(page.locator(".flow-panel table.lines tbody tr")).to_have_count(2)
    await page.get_by_role("button", name="Confirm change").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("All done")
    await expect(page.get_by_text("Welcome to Enterprise!")).to_be_visible()
    await expect(page.get_by_role("link", name="Return to the site")).to_be_visible()
    updated = await demo.subscription("active")
    assert updated["items"].data[0].price.id == enterprise.id


async def test_payment_method_flow_adds_a_default_card_then_shows_the_portal(
    demo: Demo, browsing: Browsing
) -> None:
    customer_id = demo.customer("past_due")
    before = {
        method.id
        for method in (
            await demo.stripe.v1.payment_methods.list_async({"customer": customer_id})
        ).data
    }
    page = await browsing.open(
        await demo.portal_link("past_due", flowData={"type": "PAYMENT_METHOD_UPDATE"})
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Add a payment method")
    await page.get_by_label("Visa •••• 4242").check()
    await page.get_by_role("button", name="Add card").click()

    # After completion: the portal's home page (the default), with the new default card.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    await expect(page.locator("#status")).to_contain_text("It is now your default payment method.")
    default = page.locator("li.payment-method").filter(has=page.locator(".badge"))
    await expect(default).to_contain_text("Visa •••• 4242")
    # In Stripe: the card just added (not one saved before) is the customer's default.
    customer = await demo.stripe_customer("past_due")
    assert customer.invoice_settings is not None
    default_id = str(customer.invoice_settings.default_payment_method)
    assert default_id not in before
    method = await demo.stripe.v1.payment_methods.retrieve_async(default_id)
    assert method.customer == customer_id
    assert method.card is not None
    assert method.card.last4 == "4242"
