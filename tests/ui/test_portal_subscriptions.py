"""Subscription actions clicked through in the browser, checked in Stripe afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import dialog, expect, field_error, open_action, status, subscription_card

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def _price_id(demo: Demo, lookup_key: str) -> str:
    prices = await demo.stripe.v1.prices.list_async({"lookup_keys": [lookup_key]})
    return prices.data[0].id


async def test_cancel_with_a_reason_then_undo_it(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))

    cancel = await open_action(page, "Cancel subscription")
    comment = cancel.get_by_label("Tell us more (optional)")
    # A comment goes with any reason (Stripe's `cancellation_details.comment`).
    await cancel.get_by_label("It's too expensive").check()
    await expect(comment).to_be_visible()
    await comment.fill("Moving to an in-house tool")
    await cancel.get_by_role("button", name="Cancel subscription").click()
    await status(page, "Your subscription will end on")

    card = subscription_card(page)
    await expect(card).to_contain_text("Canceling")
    await expect(card).to_contain_text("Ends on")
    await expect(card.get_by_role("button", name="Cancel subscription")).to_have_count(0)
    subscription = await demo.subscription("active")
    assert subscription.cancel_at_period_end or subscription.cancel_at is not None
    assert subscription.status == "active"
    details = subscription.cancellation_details
    assert details is not None
    assert details.feedback == "too_expensive"
    assert details.comment == "Moving to an in-house tool"

    renew = await open_action(page, "Don't cancel", "Keep your subscription")
    await renew.get_by_role("button", name="Keep subscription").click()
    await status(page, "Your subscription will renew as usual.")
    await expect(card).to_contain_text("Renews on")
    await expect(card.get_by_role("button", name="Cancel subscription")).to_be_visible()
    subscription = await demo.subscription("active")
    assert not subscription.cancel_at_period_end
    assert subscription.cancel_at is None


async def test_undo_a_scheduled_cancel(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("canceling"))
    card = subscription_card(page)
    await expect(card).to_contain_text("Canceling")

    renew = await open_action(page, "Don't cancel", "Keep your subscription")
    await renew.get_by_role("button", name="Keep subscription").click()
    await status(page, "Your subscription will renew as usual.")
    subscription = await demo.subscription("canceling")
    assert not subscription.cancel_at_period_end
    assert subscription.cancel_at is None


async def test_switch_plan_shows_the_proration_then_confirms(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))

    change = await open_action(page, "Change plan")
    await change.get_by_label("Enterprise monthly").check()
    await change.get_by_role("button", name="Review change").click()

    # The review: from, to, and the prorations Stripe would invoice.
    await expect(change).to_contain_text("Pro monthly: $60.00 / month (3 seats at $20.00 per seat)")
    await expect(change).to_contain_text(
        "Enterprise monthly: $297.00 / month (3 seats at $99.00 per seat)"
    )
    await expect(change).to_contain_text("The change takes effect now.")
    lines = change.locator("table.lines tbody tr")
    await expect(lines).to_have_count(2)
    await expect(lines.first).to_contain_text("-$60.00")
    await expect(lines.nth(1)).to_contain_text("$297.00")
    await expect(change.locator("table.lines caption")).to_have_text("On your next invoice")
    await expect(change).to_contain_text("Nothing is charged now.")
    await expect(change).to_contain_text("Next invoice: $534.00 on")

    # Back keeps the choice; then confirm.
    await change.get_by_role("button", name="Back").click()
    await expect(change.get_by_label("Enterprise monthly")).to_be_checked()
    await change.get_by_role("button", name="Review change").click()
    await change.get_by_role("button", name="Confirm change").click()
    await status(page, "Your plan is now Enterprise monthly.")
    await expect(subscription_card(page)).to_contain_text(
        "$297.00 / month (3 seats at $99.00 per seat)"
    )

    subscription = await demo.subscription("active")
    item = subscription["items"].data[0]
    assert item.price.id == await _price_id(demo, "enterprise_monthly")
    assert item.quantity == 3


async def test_a_longer_interval_is_due_now_and_charged_as_shown(
    demo: Demo, browsing: Browsing
) -> None:
    """Monthly to yearly starts a new period today: the review says "Due now", and the
    invoice Stripe then issues asks for exactly that."""
    page = await browsing.open(await demo.portal_link("active"))
    change = await open_action(page, "Change plan")
    await change.get_by_label("Enterprise yearly").check()
    await change.get_by_role("button", name="Review change").click()
    await expect(change.locator("table.lines caption")).to_have_text("Due now")
    total = change.locator("p.total")
    await expect(total).to_contain_text("Due now: $")
    shown = (await total.inner_text()).removeprefix("Due now: $").replace(",", "")
    await expect(change).to_contain_text("Next invoice: $2,970.00 on")
    await change.get_by_role("button", name="Confirm change").click()
    await status(page, "Your plan is now Enterprise yearly.")
    subscription = await demo.subscription("active")
    invoices = await demo.stripe.v1.invoices.list_async(
        {"subscription": subscription.id, "limit": 1}
    )
    latest = invoices.data[0]
    assert latest.billing_reason == "subscription_update"
    assert latest.amount_due == round(float(shown) * 100)


async def test_a_downgrade_waits_for_the_period_end(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    change = await open_action(page, "Change plan")
    await change.get_by_label("Basic monthly").check()
    await change.get_by_role("button", name="Review change").click()
    await expect(change).to_contain_text("The change takes effect on")
    await expect(change).to_contain_text("Nothing is charged now.")
    await expect(change).not_to_contain_text("Due now")
    await change.get_by_role("button", name="Confirm change").click()
    await status(page, "Your plan changes to Basic monthly on")
    await expect(subscription_card(page)).to_contain_text("Scheduled change")

    subscription = await demo.subscription("active")
    assert subscription["items"].data[0].price.id == await _price_id(demo, "pro_monthly")
    assert subscription.schedule is not None


async def test_change_seats_and_out_of_bounds_message(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))

    seats = await open_action(page, "Change seats")
    await expect(seats.get_by_text("Between 1 and 50.")).to_be_visible()
    quantity = seats.get_by_label("Seats")
    await quantity.fill("51")
    await seats.get_by_role("button", name="Review change").click()
    error = await field_error(seats, "Seats")
    await expect(error).to_contain_text("50")
    await expect(quantity).to_have_attribute("aria-invalid", "true")
    await expect(quantity).to_be_focused()
    assert (await demo.subscription("active"))["items"].data[0].quantity == 3

    await quantity.fill("5")
    await seats.get_by_role("button", name="Review change").click()
    await expect(seats).to_contain_text("Pro monthly: $100.00 / month (5 seats at $20.00 per seat)")
    await seats.get_by_role("button", name="Confirm change").click()
    await status(page, "Your plan is now Pro monthly.")
    await expect(subscription_card(page)).to_contain_text(
        "$100.00 / month (5 seats at $20.00 per seat)"
    )
    assert (await demo.subscription("active"))["items"].data[0].quantity == 5


async def test_pause_for_a_configured_length_then_resume(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("trialing"))

    pause = await open_action(page, "Pause subscription")
    # The configuration's lengths, the first chosen; no open-ended pause is offered.
    await expect(pause.get_by_label("For 1 month")).to_be_checked()
    await expect(pause.get_by_label("Until I resume it")).to_have_count(0)
    await pause.get_by_role("button", name="Pause subscription").click()
    await status(page, "Your subscription is paused until")
    card = subscription_card(page)
    await expect(card).to_contain_text("Paused until")
    # What resuming at that date will charge is shown as the next invoice.
    await expect(card).to_contain_text("Next invoice")
    subscription = await demo.subscription("trialing")
    assert subscription.status == "paused"
    assert subscription.pause_collection is None
    schedule = await demo.stripe.v1.subscription_schedules.retrieve_async(
        str(subscription.schedule)
    )
    (entry,) = schedule.pause_schedules
    assert entry.resume is not None
    assert entry.resume.status.type == "scheduled"

    resume = await open_action(page, "Resume subscription")
    await resume.get_by_role("button", name="Resume subscription").click()
    await status(page, "Your subscription has resumed.")
    await expect(card.get_by_role("button", name="Pause subscription")).to_be_visible()
    await expect(card).to_contain_text("Next invoice")
    resumed = await demo.subscription("trialing")
    assert (resumed.status, resumed.schedule) == ("active", None)


async def test_pause_a_customer_on_a_test_clock(demo: Demo, browsing: Browsing) -> None:
    """The demo's main customer lives on a test clock behind the browser's clock."""
    page = await browsing.open(await demo.portal_link("active"))
    pause = await open_action(page, "Pause subscription")
    await pause.get_by_role("button", name="Pause subscription").click()
    await status(page, "Your subscription is paused until")
    # A paused subscription does not renew: the card says until when it is paused instead.
    card = subscription_card(page)
    await expect(card).to_contain_text("Paused until")
    await expect(card).not_to_contain_text("Renews on")
    subscription = await demo.subscription("active")
    assert subscription.status == "paused"
    assert subscription.schedule is not None


async def test_dismissing_a_dialog_changes_nothing(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    cancel = await open_action(page, "Cancel subscription")
    await cancel.get_by_role("button", name="Keep subscription").click()
    await expect(dialog(page)).to_have_count(0)
    subscription = await demo.subscription("active")
    assert not subscription.cancel_at_period_end
    assert subscription.cancel_at is None


async def test_apply_a_promotion_code(demo: Demo, browsing: Browsing) -> None:
    coupon = await demo.stripe.v1.coupons.create_async({"percent_off": 20, "duration": "forever"})
    await demo.stripe.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SAVE20"}
    )
    page = await browsing.open(await demo.portal_link("trialing"))

    applying = await open_action(page, "Apply promotion code", "Apply a promotion code")
    code = applying.get_by_label("Promotion code")
    await code.fill("NOPE")
    await applying.get_by_role("button", name="Review change").click()
    error = await field_error(applying, "Promotion code")
    await expect(error).not_to_be_empty()

    await code.fill("save20")
    await applying.get_by_role("button", name="Review change").click()
    await expect(applying).to_contain_text("SAVE20")
    await expect(applying).to_contain_text("Next invoice: $7.20")
    await applying.get_by_role("button", name="Confirm change").click()
    await status(page, "The promotion code SAVE20 was applied.")
    await expect(subscription_card(page)).to_contain_text("$7.20")

    subscription = await demo.subscription("trialing")
    assert len(subscription.discounts) == 1


async def test_a_scheduled_downgrade_can_be_undone(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    change = await open_action(page, "Change plan")
    await change.get_by_label("Basic monthly").check()
    await change.get_by_role("button", name="Review change").click()
    await change.get_by_role("button", name="Confirm change").click()
    await status(page, "Your plan changes to Basic monthly on")
    card = subscription_card(page)
    await expect(card).to_contain_text("Scheduled change")
    # Cancel stays offered while the change waits (it would drop the change).
    await expect(card.get_by_role("button", name="Cancel subscription")).to_be_visible()

    undo = await open_action(page, "Undo scheduled change", "Keep your current plan")
    await expect(undo).to_contain_text("Basic monthly")
    await undo.get_by_role("button", name="Keep current plan").click()
    await status(page, "The scheduled change was undone.")
    await expect(card).not_to_contain_text("Scheduled change")
    await expect(card.get_by_role("button", name="Undo scheduled change")).to_have_count(0)
    subscription = await demo.subscription("active")
    assert subscription.schedule is None
    assert subscription["items"].data[0].price.id == await _price_id(demo, "pro_monthly")


async def test_a_subscription_with_no_action_says_why(demo: Demo, browsing: Browsing) -> None:
    subscription = await demo.subscription("active")
    await demo.stripe.v1.subscription_schedules.create_async({"from_subscription": subscription.id})
    page = await browsing.open(await demo.portal_link("active"))
    card = subscription_card(page)
    await expect(card.get_by_role("button")).to_have_count(0)
    await expect(card).to_contain_text("Nothing can be changed here:")
    await expect(card).to_contain_text("set up by the business")


async def test_a_seeded_promotion_code_shows_its_discount_and_applies_once(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("trialing"))
    card = subscription_card(page)
    await expect(card).not_to_contain_text("Discount")

    applying = await open_action(page, "Apply promotion code", "Apply a promotion code")
    await applying.get_by_label("Promotion code").fill("welcome20")
    await applying.get_by_role("button", name="Review change").click()
    await applying.get_by_role("button", name="Confirm change").click()
    await status(page, "The promotion code WELCOME20 was applied.")
    await expect(card).to_contain_text("Welcome offer: 20% off until")
    await expect(card).to_contain_text("(code WELCOME20)")
    subscription = await demo.subscription("trialing")
    assert len(subscription.discounts) == 1

    # The same code again: refused next to the field, and Stripe keeps the one discount.
    again = await open_action(page, "Apply promotion code", "Apply a promotion code")
    await again.get_by_label("Promotion code").fill("WELCOME20")
    await again.get_by_role("button", name="Review change").click()
    error = await field_error(again, "Promotion code")
    await expect(error).to_contain_text("already applied")
    assert (await demo.subscription("trialing")).discounts == subscription.discounts


async def test_an_invoice_shows_what_a_discount_took_off(demo: Demo, browsing: Browsing) -> None:
    subscription = await demo.subscription("active")
    codes = await demo.stripe.v1.promotion_codes.list_async({"code": "WELCOME20"})
    await demo.stripe.v1.subscriptions.update_async(
        subscription.id, {"discounts": [{"promotion_code": codes.data[0].id}]}
    )
    customer: Any = await demo.stripe.v1.customers.retrieve_async(
        demo.customer("active"), {"expand": ["test_clock"]}
    )
    clock = customer.test_clock
    await demo.stripe.v1.test_helpers.test_clocks.advance_async(
        clock.id, {"frozen_time": clock.frozen_time + 32 * 86_400}
    )
    renewal = await demo.stripe.v1.invoices.retrieve_async(
        str((await demo.subscription("active")).latest_invoice)
    )
    assert renewal.total_discount_amounts is not None
    [taken] = renewal.total_discount_amounts
    assert taken.amount > 0

    page = await browsing.open(await demo.portal_link("active"))
    row = page.locator(f'tr[data-invoice="{renewal.id}"]')
    minus = "\N{MINUS SIGN}"
    await expect(row).to_contain_text(f"Welcome offer {minus}${taken.amount / 100:,.2f}")


async def test_an_error_in_a_dialog_clears_the_previous_success(
    demo: Demo, browsing: Browsing
) -> None:
    """The status line never says "done" next to a dialog that says something went wrong."""
    page = await browsing.open(await demo.portal_link("active"))
    pause = await open_action(page, "Pause subscription")
    await pause.get_by_role("button", name="Pause subscription").click()
    await status(page, "Your subscription is paused until")

    resume = await open_action(page, "Resume subscription")
    await resume.get_by_role("button", name="Resume subscription").click()
    await status(page, "Your subscription has resumed.")
    seats = await open_action(page, "Change seats")
    await seats.get_by_label("Seats").fill("")
    await seats.get_by_role("button", name="Review change").click()
    await expect(seats.locator(".field-error")).to_have_text("Enter a whole number of seats.")
    await expect(page.locator("#status")).to_have_text("")


async def test_the_resume_dialog_shows_the_charge_and_is_held_to_it(
    demo: Demo, browsing: Browsing
) -> None:
    """Resuming charges at once: the dialog shows what and the next renewal (from the
    preview), and sends the preview's quote. The business moving the subscription to a
    dearer plan while the dialog is open changes the charge, so that resume is refused and
    nothing happens; reopened, the dialog shows the new figure and resuming charges it."""
    page = await browsing.open(await demo.portal_link("active"))
    pause = await open_action(page, "Pause subscription")
    await pause.get_by_role("button", name="Pause subscription").click()
    await status(page, "Your subscription is paused until")
    sub = await demo.subscription("active")

    resume = await open_action(page, "Resume subscription")
    await expect(resume.locator(".total")).to_contain_text("Due now: $")
    await expect(resume.locator(".next")).to_contain_text("Then it renews on")
    await expect(resume.locator(".credit")).to_contain_text("Credit for the unused time")
    first_total = await resume.locator(".total").inner_text()
    await demo.stripe.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [
                {
                    "id": sub["items"].data[0].id,
                    "price": await _price_id(demo, "enterprise_monthly"),
                }
            ],
            "proration_behavior": "none",
        },
    )
    await resume.get_by_role("button", name="Resume subscription").click()
    await expect(resume.locator(".form-alert")).not_to_be_empty()
    assert (await demo.subscription("active")).status == "paused"
    await resume.get_by_role("button", name="Not now").click()

    resume = await open_action(page, "Resume subscription")
    await expect(resume.locator(".total")).to_contain_text("Due now: $")
    shown = await resume.locator(".total").inner_text()
    assert shown != first_total
    await resume.get_by_role("button", name="Resume subscription").click()
    await status(page, "Your subscription has resumed.")
    resumed = await demo.stripe.v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["latest_invoice"]}
    )
    invoice: Any = resumed.latest_invoice
    assert resumed.status == "active"
    assert invoice.status == "paid"
    assert shown == f"Due now: ${invoice.amount_paid / 100:,.2f}"
