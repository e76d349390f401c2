"""A cancel flow with a retention offer: once the customer asks to cancel, the page offers
the coupon; accepting keeps the subscription with the coupon on it, declining cancels as
asked. Judged by Stripe's state afterwards, read through the SDK."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import expect, subscription_card

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def _offer(demo: Demo, browsing: Browsing, **flow: Any) -> tuple[Page, str, str]:
    """Open a cancel flow offering a new coupon, and ask to cancel; returns the page, the
    subscription and the coupon."""
    subscription = await demo.subscription("active")
    coupon = await demo.stripe.v1.coupons.create_async(
        {"percent_off": 30, "duration": "repeating", "duration_in_months": 3, "name": "Stay"}
    )
    link = await demo.portal_link(
        "active",
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {
                "subscription": subscription.id,
                "retention": {"type": "COUPON_OFFER", "coupon": coupon.id},
            },
            **flow,
        },
    )
    page = await browsing.open(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your subscription")
    await page.get_by_label("It's too expensive").check()
    await page.get_by_role("button", name="Cancel subscription").click()
    offer = page.locator("form.retention-offer")
    await expect(offer.get_by_role("heading", name="Before you go")).to_be_visible()
    # Asking to cancel only brought the offer: nothing changed in Stripe yet.
    untouched = await demo.subscription("active")
    assert not untouched.cancel_at_period_end
    assert untouched.cancel_at is None
    return page, subscription.id, coupon.id


async def test_accepting_the_offer_keeps_the_subscription_with_the_coupon(
    demo: Demo, browsing: Browsing
) -> None:
    page, subscription_id, coupon_id = await _offer(demo, browsing)
    await page.get_by_role("button", name="Accept the offer").click()

    # Stripe's default after completion: the whole portal, with the discount on the card.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    await expect(page.locator("#status")).to_contain_text("The offer was applied.")
    card = subscription_card(page)
    await expect(card).to_contain_text("Stay: 30% off until")
    # The next invoice is 30% less: $60.00 - $18.00.
    await expect(card).to_contain_text("$42.00")
    await expect(card).not_to_contain_text("Canceling")

    kept = await demo.stripe.v1.subscriptions.retrieve_async(
        subscription_id, {"expand": ["discounts"]}
    )
    assert kept.status == "active"
    assert kept.cancel_at_period_end is False
    assert kept.cancel_at is None
    coupons = [
        d.source.coupon if isinstance(d.source.coupon, str) else d.source.coupon.id
        for d in kept.discounts
        if not isinstance(d, str) and d.source.coupon is not None
    ]
    assert coupon_id in coupons


async def test_declining_the_offer_cancels_as_asked(demo: Demo, browsing: Browsing) -> None:
    page, subscription_id, coupon_id = await _offer(demo, browsing)
    await page.get_by_role("button", name="No thanks, cancel").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    await expect(page.locator("#status")).to_contain_text("Your subscription will end on")
    canceled = await demo.stripe.v1.subscriptions.retrieve_async(
        subscription_id, {"expand": ["discounts"]}
    )
    assert canceled.cancel_at_period_end or canceled.cancel_at is not None
    assert canceled.cancellation_details is not None
    assert canceled.cancellation_details.feedback == "too_expensive"
    applied = [
        d.source.coupon if isinstance(d.source.coupon, str) else d.source.coupon.id
        for d in canceled.discounts
        if not isinstance(d, str) and d.source.coupon is not None
    ]
    assert coupon_id not in applied


async def _offer_text(
    demo: Demo, browsing: Browsing, coupon: dict[str, Any], *, locale: str = "en"
) -> str:
    """Ask to cancel in a flow offering a coupon made with `coupon`; the offer's words."""
    subscription = await demo.subscription("active")
    created = await demo.stripe.v1.coupons.create_async(coupon)  # type: ignore[arg-type]
    link = await demo.portal_link(
        "active",
        locale=locale,
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {
                "subscription": subscription.id,
                "retention": {"type": "COUPON_OFFER", "coupon": created.id},
            },
        },
    )
    page = await browsing.open(link)
    cancel = page.locator("form").filter(has=page.locator("input[name=reason]")).first
    await expect(cancel).to_be_visible()
    await cancel.locator("button[type=submit]").click()
    offer = page.locator("form.retention-offer p").first
    await expect(offer).to_be_visible()
    return await offer.inner_text()


@pytest.mark.parametrize(
    ("coupon", "words"),
    [
        (
            {"percent_off": 20, "duration": "repeating", "duration_in_months": 3},
            "Stay with us and get 20% off for 3 months.",
        ),
        (
            {"amount_off": 500, "currency": "usd", "duration": "once"},
            "Stay with us and get $5.00 off once.",
        ),
        ({"percent_off": 10, "duration": "forever"}, "Stay with us and get 10% off forever."),
    ],
)
async def test_the_offer_says_the_coupons_terms(
    demo: Demo, browsing: Browsing, coupon: dict[str, Any], words: str
) -> None:
    assert await _offer_text(demo, browsing, coupon) == words


async def test_the_offer_in_japanese_and_french_with_their_money(
    demo: Demo, browsing: Browsing
) -> None:
    months = {"percent_off": 20, "duration": "repeating", "duration_in_months": 3}
    japanese = await _offer_text(demo, browsing, months, locale="ja")
    assert re.fullmatch(r"継続いただくと、3\s?か月間20%割引が適用されます。", japanese), japanese
    once = {"amount_off": 500, "currency": "eur", "duration": "once"}
    french = await _offer_text(demo, browsing, once, locale="fr")
    # French money: decimal comma, the symbol after the amount (a narrow no-break space).
    assert re.fullmatch(
        r"Restez avec nous et profitez de 5,00\s€ de réduction une fois\.", french
    ), french
