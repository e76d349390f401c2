"""Invoices: numbering, shape, list filters, lines, pay / void / finalize, and previews.

The preview tests are the contract the gateway's "preview this change" relies
on: the preview's lines are exactly what the same update creates afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
import stripe
from billing_support import (
    APRIL_1,
    DAY,
    MAY_1,
    TIMES,
    advance,
    make_catalog,
    make_clock,
    make_customer,
)

if TYPE_CHECKING:
    from stripe.params import InvoiceCreatePreviewParams, SubscriptionUpdateParams
    from stripe_emulator.testing import RunningEmulator


def _shape(lines: Any) -> list[tuple[Any, ...]]:
    """What must match between a preview and the real thing (ids differ by nature)."""
    out = []
    for line in lines:
        details = line.parent.subscription_item_details
        out.append(
            (
                line.description,
                line.amount,
                line.quantity,
                line.period.start,
                line.period.end,
                details.proration,
                details.subscription_item,
                line.pricing.price_details.price,
            )
        )
    return sorted(out)


async def _on_clock(client: stripe.StripeClient, price: str, quantity: int = 1) -> tuple[str, Any]:
    clock = await make_clock(client, APRIL_1)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price, "quantity": quantity}]}
    )
    return clock, sub


async def test_first_invoice_is_numbered_paid_and_linked(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    catalog = await make_catalog(stripe_client)
    _, sub = await _on_clock(stripe_client, catalog.pro_monthly.id, quantity=2)
    customer = await stripe_client.v1.customers.retrieve_async(str(sub.customer))
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert invoice.number == f"{customer.invoice_prefix}-0001"
    assert customer.next_invoice_sequence == 2
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_create"
    assert (invoice.subtotal, invoice.total, invoice.amount_due, invoice.amount_paid) == (
        4000,
        4000,
        4000,
        4000,
    )
    assert invoice.amount_remaining == 0
    assert invoice.attempted is True
    assert invoice.attempt_count == 1
    assert invoice.period_start == invoice.period_end == APRIL_1
    assert invoice.status_transitions.finalized_at == APRIL_1
    assert invoice.status_transitions.paid_at == APRIL_1
    assert invoice.customer_email == "payer@example.com"
    assert invoice.parent is not None
    assert invoice.parent.type == "subscription_details"
    assert invoice.parent.subscription_details is not None
    assert invoice.parent.subscription_details.subscription == sub.id
    assert invoice.hosted_invoice_url == f"{emulator.url}/invoices/{_token(invoice)}"
    assert invoice.invoice_pdf == f"{emulator.url}/invoices/{_token(invoice)}/pdf"
    (line,) = invoice.lines.data
    assert line.description == f"2 {TIMES} Pro (at $20.00 / month)"
    assert (line.amount, line.quantity, line.period.start, line.period.end) == (
        4000,
        2,
        APRIL_1,
        MAY_1,
    )
    assert line.parent is not None
    assert line.parent.type == "subscription_item_details"
    details = line.parent.subscription_item_details
    assert details is not None
    assert details.proration is False
    assert details.subscription_item == sub.items.data[0].id
    assert line.pricing is not None
    assert line.pricing.price_details is not None
    assert line.pricing.price_details.price == catalog.pro_monthly.id
    assert line.pricing.price_details.product == catalog.pro.id
    assert line.pricing.unit_amount_decimal is not None
    assert str(line.pricing.unit_amount_decimal) == "2000"


def _token(invoice: stripe.Invoice) -> str:
    assert invoice.hosted_invoice_url is not None
    return invoice.hosted_invoice_url.rsplit("/", 1)[1]


async def test_list_filters_and_pagination(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _on_clock(stripe_client, catalog.basic_monthly.id)
    await advance(stripe_client, clock, APRIL_1 + 95 * DAY)  # three renewals
    other = await make_customer(stripe_client)
    await stripe_client.v1.subscriptions.create_async(
        {"customer": other.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    mine = await stripe_client.v1.invoices.list_async({"customer": str(sub.customer)})
    assert len(mine.data) == 4
    assert [i.billing_reason for i in mine.data] == ["subscription_cycle"] * 3 + [
        "subscription_create"
    ]
    assert [i.created for i in mine.data] == sorted((i.created for i in mine.data), reverse=True)
    by_sub = await stripe_client.v1.invoices.list_async({"subscription": sub.id, "limit": 2})
    assert [i.id for i in by_sub.data] == [i.id for i in mine.data[:2]]
    assert by_sub.has_more is True
    rest = await stripe_client.v1.invoices.list_async(
        {"subscription": sub.id, "starting_after": by_sub.data[-1].id}
    )
    assert [i.id for i in rest.data] == [i.id for i in mine.data[2:]]
    paid = await stripe_client.v1.invoices.list_async({"status": "paid", "limit": 100})
    assert len(paid.data) == 5
    assert (await stripe_client.v1.invoices.list_async({"status": "open"})).data == []
    recent = await stripe_client.v1.invoices.list_async(
        {"customer": str(sub.customer), "created": {"gte": MAY_1}}
    )
    assert len(recent.data) == 3


async def test_lines_endpoint_pages_through_lines(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _on_clock(stripe_client, catalog.basic_monthly.id)
    item = sub.items.data[0].id
    await advance(stripe_client, clock, APRIL_1 + 10 * DAY)
    for quantity in (2, 3, 4):
        await stripe_client.v1.subscriptions.update_async(
            sub.id, {"items": [{"id": item, "quantity": quantity}]}
        )
    await advance(stripe_client, clock, MAY_1 + 60)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    assert len(renewal.lines.data) == 7  # the new period + three (credit, charge) pairs
    first = await stripe_client.v1.invoices.line_items.list_async(renewal.id, {"limit": 3})
    assert first.has_more is True
    second = await stripe_client.v1.invoices.line_items.list_async(
        renewal.id, {"limit": 10, "starting_after": first.data[-1].id}
    )
    assert second.has_more is False
    assert [line.id for line in first.data + second.data] == [
        line.id for line in renewal.lines.data
    ]
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.line_items.list_async(
            renewal.id, {"starting_after": "il_x"}
        )
    assert exc.value.param == "starting_after"


async def test_declined_first_payment_leaves_an_open_invoice_then_paying_activates(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client, card="pm_card_chargeDeclined")
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    assert sub.status == "incomplete"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert (invoice.status, invoice.attempt_count, invoice.amount_remaining) == ("open", 1, 1000)
    with pytest.raises(stripe.CardError) as exc:
        await stripe_client.v1.invoices.pay_async(invoice.id)
    assert exc.value.code == "card_declined"
    assert exc.value.http_status == 402
    assert exc.value.error is not None
    assert exc.value.error.decline_code == "generic_decline"
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer.id}
    )
    paid = await stripe_client.v1.invoices.pay_async(invoice.id, {"payment_method": visa.id})
    assert (paid.status, paid.amount_paid, paid.attempt_count) == ("paid", 1000, 3)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"
    with pytest.raises(stripe.InvalidRequestError, match="already paid"):
        await stripe_client.v1.invoices.pay_async(invoice.id)


async def test_void_finalize_and_mark_uncollectible(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client, card=None)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "collection_method": "send_invoice",
            "days_until_due": 14,
        }
    )
    assert sub.status == "active"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert invoice.status == "open"
    assert invoice.attempted is False
    assert invoice.due_date == invoice.created + 14 * DAY
    with pytest.raises(stripe.InvalidRequestError, match="re-finalize"):
        await stripe_client.v1.invoices.finalize_invoice_async(invoice.id)
    marked = await stripe_client.v1.invoices.mark_uncollectible_async(invoice.id)
    assert marked.status == "uncollectible"
    assert marked.status_transitions.marked_uncollectible_at is not None
    voided = await stripe_client.v1.invoices.void_invoice_async(invoice.id)
    assert (voided.status, voided.amount_remaining) == ("void", 0)
    events = await stripe_client.v1.events.list_async({"type": "invoice.voided"})
    assert [e.data.object["id"] for e in events.data] == [invoice.id]
    with pytest.raises(stripe.InvalidRequestError, match="void"):
        await stripe_client.v1.invoices.void_invoice_async(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.retrieve_async("in_missing")
    assert exc.value.http_status == 404


async def test_preview_with_always_invoice_equals_the_invoice_the_update_creates(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _on_clock(stripe_client, catalog.seat_monthly.id, quantity=3)
    item = sub.items.data[0].id
    await advance(stripe_client, clock, APRIL_1 + 7 * DAY + 3 * 3600 + 17)
    change: dict[str, Any] = {
        "items": [{"id": item, "price": catalog.pro_monthly.id, "quantity": 4}],
        "proration_behavior": "always_invoice",
        "proration_date": APRIL_1 + 7 * DAY + 1234,
    }
    preview = await stripe_client.v1.invoices.create_preview_async(
        cast("InvoiceCreatePreviewParams", {"subscription": sub.id, "subscription_details": change})
    )
    assert preview.id is not None
    assert preview.id.startswith("upcoming_in_")
    assert preview.status == "draft"
    assert preview.number is None
    assert preview.hosted_invoice_url is None
    # Previewing changed nothing.
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).items.data[
        0
    ].price.id == catalog.seat_monthly.id
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id, cast("SubscriptionUpdateParams", {**change, "expand": ["latest_invoice"]})
    )
    invoice = updated.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert _shape(preview.lines.data) == _shape(invoice.lines.data)
    assert (preview.total, preview.amount_due) == (invoice.total, invoice.amount_due)
    # 1,985,966 of 2,592,000 seconds left: 9000 x that = 6895.7 back, 8000 x that = 6129.5 due.
    assert [line.amount for line in invoice.lines.data] == [-6896, 6130]
    assert (invoice.total, invoice.amount_due, invoice.ending_balance) == (-766, 0, -766)


async def test_preview_with_create_prorations_shows_the_pending_items_on_the_next_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _on_clock(stripe_client, catalog.basic_monthly.id)
    item = sub.items.data[0].id
    await advance(stripe_client, clock, APRIL_1 + 12 * DAY)
    change: dict[str, Any] = {
        "items": [{"id": item, "price": catalog.pro_monthly.id}],
        "proration_date": APRIL_1 + 12 * DAY,
    }
    preview = await stripe_client.v1.invoices.create_preview_async(
        cast("InvoiceCreatePreviewParams", {"subscription": sub.id, "subscription_details": change})
    )
    # The next renewal: Pro for May, plus the two prorations.
    assert preview.period_start == APRIL_1
    assert preview.period_end == MAY_1
    assert preview.created == MAY_1
    regular = [ln for ln in preview.lines.data if not ln.parent.subscription_item_details.proration]  # type: ignore[union-attr]
    assert [(ln.description, ln.amount) for ln in regular] == [
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000)
    ]
    prorations = [ln for ln in preview.lines.data if ln not in regular]
    assert sorted((ln.description, ln.amount) for ln in prorations) == [
        ("Remaining time on Pro after 13 Apr 2026", 1200),
        ("Unused time on Basic after 13 Apr 2026", -600),
    ]
    await stripe_client.v1.subscriptions.update_async(
        sub.id, cast("SubscriptionUpdateParams", change)
    )
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": str(sub.customer), "pending": True}
    )
    assert sorted(
        (ii.description, ii.amount, ii.period.start, ii.period.end) for ii in pending.data
    ) == sorted((ln.description, ln.amount, ln.period.start, ln.period.end) for ln in prorations)
    fetched = await stripe_client.v1.invoice_items.retrieve_async(pending.data[0].id)
    assert (fetched.id, fetched.amount) == (pending.data[0].id, pending.data[0].amount)
    created = await stripe_client.v1.events.list_async({"type": "invoiceitem.created"})
    assert {e.data.object["id"] for e in created.data} == {ii.id for ii in pending.data}
    for ii in pending.data:
        assert ii.proration is True
        assert ii.invoice is None
        assert ii.parent is not None
        assert ii.parent.subscription_details is not None
        assert ii.parent.subscription_details.subscription == sub.id
    # And the renewal is exactly the preview.
    await advance(stripe_client, clock, MAY_1 + 60)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    assert _shape(renewal.lines.data) == _shape(preview.lines.data)
    swept = await stripe_client.v1.invoice_items.list_async({"invoice": renewal.id})
    assert len(swept.data) == 2
    assert (
        await stripe_client.v1.invoice_items.list_async(
            {"customer": str(sub.customer), "pending": True}
        )
    ).data == []


async def test_preview_of_the_next_renewal_and_of_cancel_and_recurring_mode(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _on_clock(stripe_client, catalog.pro_monthly.id)
    upcoming = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert [(ln.description, ln.amount, ln.period.start) for ln in upcoming.lines.data] == [
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000, MAY_1)
    ]
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    canceled = await stripe_client.v1.invoices.create_preview_async(
        {"subscription": sub.id, "subscription_details": {"cancel_now": True}}
    )
    assert [(ln.description, ln.amount) for ln in canceled.lines.data] == [
        ("Unused time on Pro after 16 Apr 2026", -1000)
    ]
    assert canceled.amount_due == 0
    recurring = await stripe_client.v1.invoices.create_preview_async(
        {
            "subscription": sub.id,
            "preview_mode": "recurring",
            "subscription_details": {"items": [{"id": sub.items.data[0].id, "quantity": 2}]},
        }
    )
    assert [(ln.description, ln.amount) for ln in recurring.lines.data] == [
        (f"2 {TIMES} Pro (at $20.00 / month)", 4000)
    ]
    await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at_period_end": True})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert exc.value.code == "invoice_upcoming_none"
    assert exc.value.http_status == 404


async def test_preview_of_a_new_subscription_and_bad_input(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    preview = await stripe_client.v1.invoices.create_preview_async(
        {
            "customer": customer.id,
            "subscription_details": {"items": [{"price": catalog.pro_yearly.id}]},
        }
    )
    assert [(ln.description, ln.amount) for ln in preview.lines.data] == [
        (f"1 {TIMES} Pro (at $200.00 / year)", 20000)
    ]
    assert (await stripe_client.v1.subscriptions.list_async({"customer": customer.id})).data == []
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.create_preview_async(
            {"customer": customer.id, "subscription_details": {"items": [{"price": "price_nope"}]}}
        )
    assert exc.value.param == "subscription_details[items][0][price]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.create_preview_async({})
    assert exc.value.param == "customer"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.invoices.create_preview_async(
            {"customer": customer.id, "schedule": "sub_sched_x"}
        )
    assert exc.value.param == "schedule"


async def test_a_paid_charge_is_an_invoice_payment(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    _, sub = await _on_clock(stripe_client, catalog.pro_monthly.id)
    invoice_id = str(sub.latest_invoice)
    payments = await stripe_client.v1.invoice_payments.list_async({"invoice": invoice_id})
    (payment,) = payments.data
    assert payment.id.startswith("inpay_")
    assert (payment.invoice, payment.status, payment.amount_paid) == (invoice_id, "paid", 2000)
    assert (payment.amount_requested, payment.currency, payment.is_default) == (2000, "usd", True)
    assert payment.payment.type == "payment_intent"
    assert payment.status_transitions.paid_at == APRIL_1
    fetched = await stripe_client.v1.invoice_payments.retrieve_async(payment.id)
    assert fetched.id == payment.id
    events = await stripe_client.v1.events.list_async({"type": "invoice_payment.paid"})
    assert [e.data.object["id"] for e in events.data] == [payment.id]
    assert (await stripe_client.v1.invoice_payments.list_async({"status": "open"})).data == []


async def _past_due(client: stripe.StripeClient) -> tuple[str, str, str]:
    """A subscription whose May renewal was declined: (customer, subscription, clock).

    Its card is 4000 0000 0000 0341 (`pm_card_chargeCustomerFail`): it attaches and
    becomes the default fine, then every charge of it is declined.
    """
    catalog = await make_catalog(client)
    clock = await make_clock(client)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    failing = await client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer.id}
    )
    assert failing.card is not None
    assert failing.card.last4 == "0341"
    await client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": failing.id}}
    )
    await advance(client, clock, MAY_1 + 3600)
    assert (await client.v1.subscriptions.retrieve_async(sub.id)).status == "past_due"
    return customer.id, sub.id, clock


async def test_paying_a_past_due_invoice_declines_then_activates_with_stripes_events(
    stripe_client: stripe.StripeClient,
) -> None:
    customer, sub_id, _ = await _past_due(stripe_client)
    sub = await stripe_client.v1.subscriptions.retrieve_async(sub_id)
    invoice_id = str(sub.latest_invoice)
    before = {e.id for e in (await stripe_client.v1.events.list_async({"limit": 100})).data}
    # The default card is still the failing one: Stripe's 402 card_error, nothing else changes.
    with pytest.raises(stripe.CardError) as declined:
        await stripe_client.v1.invoices.pay_async(invoice_id)
    assert declined.value.http_status == 402
    assert declined.value.code == "card_declined"
    assert declined.value.error is not None
    assert declined.value.error.decline_code == "generic_decline"
    assert declined.value.user_message == "Your card was declined."
    still = await stripe_client.v1.invoices.retrieve_async(invoice_id)
    assert (still.status, still.attempt_count, still.amount_remaining) == ("open", 2, 1000)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "past_due"
    # A working card, attached and made the default, changes nothing by itself...
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": visa.id}}
    )
    assert (await stripe_client.v1.invoices.retrieve_async(invoice_id)).status == "open"
    # ...paying does: the invoice is paid and the subscription active again.
    paid = await stripe_client.v1.invoices.pay_async(
        invoice_id, {"expand": ["parent.subscription_details.subscription"]}
    )
    assert (paid.status, paid.amount_paid, paid.amount_remaining) == ("paid", 1000, 0)
    parent: Any = paid.parent
    assert parent.subscription_details.subscription.status == "active"
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "active"
    events = [
        e
        for e in reversed((await stripe_client.v1.events.list_async({"limit": 100})).data)
        if e.id not in before
    ]
    assert [e.type for e in events if e.type.startswith(("invoice.", "customer.subscription"))] == [
        "invoice.payment_failed",
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
    ]
    updated = next(e for e in events if e.type == "customer.subscription.updated")
    assert updated.data.object["status"] == "active"
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["status"] == "past_due"


async def test_paying_the_latest_invoice_activates_even_with_an_older_one_open(
    stripe_client: stripe.StripeClient,
) -> None:
    customer, sub_id, clock = await _past_due(stripe_client)
    may = str((await stripe_client.v1.subscriptions.retrieve_async(sub_id)).latest_invoice)
    await advance(stripe_client, clock, MAY_1 + 31 * DAY + 3600)
    sub = await stripe_client.v1.subscriptions.retrieve_async(sub_id)
    june = str(sub.latest_invoice)
    assert june != may
    assert sub.status == "past_due"
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )
    # Stripe's past_due is about the latest invoice: paying it makes the subscription active,
    # though May's stays open (Stripe keeps retrying it on its own schedule).
    await stripe_client.v1.invoices.pay_async(june, {"payment_method": visa.id})
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "active"
    assert (await stripe_client.v1.invoices.retrieve_async(may)).status == "open"
    await stripe_client.v1.invoices.pay_async(may, {"payment_method": visa.id})
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "active"


async def test_paying_an_older_invoice_leaves_a_failed_latest_one_past_due(
    stripe_client: stripe.StripeClient,
) -> None:
    customer, sub_id, clock = await _past_due(stripe_client)
    may = str((await stripe_client.v1.subscriptions.retrieve_async(sub_id)).latest_invoice)
    await advance(stripe_client, clock, MAY_1 + 31 * DAY + 3600)
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )
    await stripe_client.v1.invoices.pay_async(may, {"payment_method": visa.id})
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "past_due"


async def test_paying_refuses_another_customers_payment_method_and_a_void_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    _, sub_id, _ = await _past_due(stripe_client)
    invoice_id = str((await stripe_client.v1.subscriptions.retrieve_async(sub_id)).latest_invoice)
    stranger = await make_customer(stripe_client, card="pm_card_visa")
    theirs = await stripe_client.v1.payment_methods.list_async(
        {"customer": stranger.id, "type": "card"}
    )
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await stripe_client.v1.invoices.pay_async(invoice_id, {"payment_method": theirs.data[0].id})
    assert foreign.value.param == "payment_method"
    assert (await stripe_client.v1.invoices.retrieve_async(invoice_id)).status == "open"
    await stripe_client.v1.invoices.void_invoice_async(invoice_id)
    with pytest.raises(stripe.InvalidRequestError, match="voided"):
        await stripe_client.v1.invoices.pay_async(invoice_id)


@pytest.mark.parametrize(
    ("token", "code", "decline_code", "message"),
    [
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "expired"),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "card_declined",
            "insufficient_funds",
            "insufficient funds",
        ),
    ],
)
async def test_paying_with_a_declining_card_is_stripes_card_error(
    stripe_client: stripe.StripeClient, token: str, code: str, decline_code: str, message: str
) -> None:
    customer, sub_id, _ = await _past_due(stripe_client)
    invoice_id = str((await stripe_client.v1.subscriptions.retrieve_async(sub_id)).latest_invoice)
    # Attaching needs no charge; paying with them is declined with the card's own code.
    declining = await stripe_client.v1.payment_methods.attach_async(token, {"customer": customer})
    with pytest.raises(stripe.CardError) as declined:
        await stripe_client.v1.invoices.pay_async(invoice_id, {"payment_method": declining.id})
    assert declined.value.http_status == 402
    assert declined.value.code == code
    assert declined.value.error is not None
    assert declined.value.error.decline_code == decline_code
    assert message in str(declined.value.user_message)
    still = await stripe_client.v1.invoices.retrieve_async(invoice_id)
    assert (still.status, still.attempt_count) == ("open", 2)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub_id)).status == "past_due"
