"""Prorations, worked by hand: per second, credit for unused time, charge for remaining time.

Every subscription here lives on a test clock frozen at 1 April 2026, so the
first period is 1 April -> 1 May: exactly 30 days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing_support import (
    APRIL_1,
    DAY,
    MAY_1,
    TIMES,
    advance,
    make_catalog,
    make_clock,
    make_customer,
    ts,
)
from stripe_emulator.proration import money, period_description, prorate

if TYPE_CHECKING:
    import stripe


def test_prorate_is_per_second_and_rounds_half_up() -> None:
    period = 30 * DAY
    assert prorate(1000, 0, period, 15 * DAY) == 500
    assert prorate(1000, 0, period, 15 * DAY + 1) == 500  # 499.9996 -> 500
    assert prorate(1000, 0, 3, 1) == 667  # 666.67
    assert prorate(1000, 0, 3, 2) == 333  # 333.33
    assert prorate(1001, 0, 100, 50) == 501  # 500.5: half rounds up
    assert prorate(-1001, 0, 100, 50) == -501  # ... away from zero, for credits too
    assert prorate(1000, 0, 100, 0) == 1000
    assert prorate(1000, 0, 100, 100) == 0
    assert prorate(1000, 0, 100, 150) == 0  # after the period: nothing left


def test_descriptions_and_money() -> None:
    monthly = period_description("Pro", 1, 2000, "usd", "month", 1)
    assert monthly == f"1 {TIMES} Pro (at $20.00 / month)"
    yearly = period_description("Pro", 3, 20000, "usd", "year", 1)
    assert yearly == f"3 {TIMES} Pro (at $200.00 / year)"
    assert period_description("Pro", 1, 500, "eur", "month", 3) == (
        f"1 {TIMES} Pro (at €5.00 / every 3 months)"
    )
    assert money(123456, "usd") == "$1,234.56"
    assert money(2000, "jpy") == "¥2,000"
    assert money(-500, "usd") == "-$5.00"
    assert money(990, "sek") == "9.90 SEK"


async def _subscribed(
    client: stripe.StripeClient, price: str, quantity: int = 1, **extra: object
) -> tuple[str, stripe.Subscription]:
    clock = await make_clock(client, APRIL_1)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price, "quantity": quantity}], **extra}  # type: ignore[arg-type]
    )
    assert sub.items.data[0].current_period_start == APRIL_1
    return clock, sub


def _lines(invoice: stripe.Invoice) -> list[tuple[str | None, int]]:
    return [(line.description, line.amount) for line in invoice.lines.data]


async def test_upgrade_halfway_credits_half_the_old_price_and_charges_half_the_new(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.basic_monthly.id)
    assert sub.items.data[0].current_period_end == MAY_1
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)  # 16 Apr: half of 30 days left
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"items": [{"id": sub.items.data[0].id, "price": catalog.pro_monthly.id}]}
    )
    assert updated.items.data[0].price.id == catalog.pro_monthly.id
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": str(sub.customer), "pending": True}
    )
    # 1000 x 15/30 = 500 back; 2000 x 15/30 = 1000 due.
    amounts = sorted((ii.description, ii.amount, ii.proration) for ii in pending.data)
    assert amounts == [
        ("Remaining time on Pro after 16 Apr 2026", 1000, True),
        ("Unused time on Basic after 16 Apr 2026", -500, True),
    ]
    await advance(stripe_client, clock, MAY_1 + DAY)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    assert renewal.billing_reason == "subscription_cycle"
    assert sorted(_lines(renewal), key=lambda line: line[1]) == [
        ("Unused time on Basic after 16 Apr 2026", -500),
        ("Remaining time on Pro after 16 Apr 2026", 1000),
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000),
    ]
    assert renewal.total == 2500
    assert renewal.amount_paid == 2500
    assert renewal.status == "paid"


async def test_quantity_three_to_five_at_a_third_invoiced_at_once(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.seat_monthly.id, quantity=3)
    await advance(stripe_client, clock, APRIL_1 + 10 * DAY)  # 11 Apr: 20 of 30 days left
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub.items.data[0].id, "quantity": 5}],
            "proration_behavior": "always_invoice",
            "expand": ["latest_invoice"],
        },
    )
    invoice = updated.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    # 3 seats x 3000 x 20/30 = 6000 back; 5 seats x 3000 x 20/30 = 10000 due.
    assert _lines(invoice) == [
        (f"Unused time on 3 {TIMES} Pro after 11 Apr 2026", -6000),
        (f"Remaining time on 5 {TIMES} Pro after 11 Apr 2026", 10000),
    ]
    assert invoice.total == 4000
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_update"
    credit, charge = invoice.lines.data
    assert credit.period.start == APRIL_1 + 10 * DAY
    assert credit.period.end == MAY_1
    assert credit.parent is not None
    details = credit.parent.subscription_item_details
    assert details is not None
    assert details.proration is True
    assert details.subscription_item == sub.items.data[0].id
    # The credit points at the line that charged the 3 seats in the first place.
    first = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert details.proration_details is not None
    credited = details.proration_details.credited_items
    assert credited is not None
    assert credited.invoice == first.id
    assert credited.invoice_line_items == [first.lines.data[0].id]
    assert charge.quantity == 5
    assert updated.items.data[0].quantity == 5


async def test_yearly_to_monthly_resets_the_period_and_credits_the_unused_year(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.pro_yearly.id)
    assert sub.items.data[0].current_period_end == ts(2027, 4, 1)  # a 365-day year
    switch = APRIL_1 + 73 * DAY  # 13 Jun 2026: 292 of 365 days unused
    await advance(stripe_client, clock, switch)
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub.items.data[0].id, "price": catalog.pro_monthly.id}],
            "expand": ["latest_invoice"],
        },
    )
    item = updated.items.data[0]
    assert (item.current_period_start, item.current_period_end) == (switch, ts(2026, 7, 13))
    assert updated.billing_cycle_anchor == switch
    invoice = updated.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    # 20000 x 292/365 = 16000 back, and the new month billed in full, now.
    assert _lines(invoice) == [
        ("Unused time on Pro after 13 Jun 2026", -16000),
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000),
    ]
    assert invoice.total == -14000
    assert invoice.amount_due == 0
    assert invoice.ending_balance == -14000
    customer = await stripe_client.v1.customers.retrieve_async(str(sub.customer))
    assert customer.balance == -14000
    # The credit pays the next month.
    await advance(stripe_client, clock, ts(2026, 7, 13) + 3600)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    assert (renewal.total, renewal.starting_balance, renewal.amount_due) == (2000, -14000, 0)
    assert renewal.ending_balance == -12000
    assert renewal.status == "paid"


async def test_flexible_mode_credits_what_was_charged_not_the_current_price(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    results = {}
    for mode in ("flexible", "classic"):
        clock, sub = await _subscribed(
            stripe_client, catalog.basic_monthly.id, billing_mode={"type": mode}
        )
        assert sub.billing_mode.type == mode
        item = sub.items.data[0].id
        # 16 Apr: to Pro without prorations (Basic's $10 stays what was charged) ...
        await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {
                "items": [{"id": item, "price": catalog.pro_monthly.id}],
                "proration_behavior": "none",
            },
        )
        # ... 21 Apr: back to Basic, prorated, with 10 of 30 days left.
        await advance(stripe_client, clock, APRIL_1 + 20 * DAY)
        updated = await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {
                "items": [{"id": item, "price": catalog.basic_monthly.id}],
                "proration_behavior": "always_invoice",
                "expand": ["latest_invoice"],
            },
        )
        invoice = updated.latest_invoice
        assert not isinstance(invoice, str)
        assert invoice is not None
        results[mode] = _lines(invoice)
    # Flexible: 1000 charged x 10/30 = 333 back. Classic: current Pro 2000 x 10/30 = 667.
    assert results["flexible"] == [
        ("Unused time on Pro after 21 Apr 2026", -333),
        ("Remaining time on Basic after 21 Apr 2026", 333),
    ]
    assert results["classic"] == [
        ("Unused time on Pro after 21 Apr 2026", -667),
        ("Remaining time on Basic after 21 Apr 2026", 333),
    ]


async def test_none_changes_the_price_without_any_proration(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.basic_monthly.id)
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub.items.data[0].id, "price": catalog.pro_monthly.id}],
            "proration_behavior": "none",
        },
    )
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": str(sub.customer), "pending": True}
    )
    assert pending.data == []
    await advance(stripe_client, clock, MAY_1 + 60)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    assert _lines(renewal) == [(f"1 {TIMES} Pro (at $20.00 / month)", 2000)]


async def test_proration_date_must_fall_in_the_current_period(
    stripe_client: stripe.StripeClient,
) -> None:
    import pytest
    import stripe as sdk

    catalog = await make_catalog(stripe_client)
    _, sub = await _subscribed(stripe_client, catalog.basic_monthly.id)
    with pytest.raises(sdk.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {
                "items": [{"id": sub.items.data[0].id, "quantity": 2}],
                "proration_date": MAY_1 + DAY,
            },
        )
    assert exc.value.param == "proration_date"
    # Nothing changed.
    fetched = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert fetched.items.data[0].quantity == 1


async def test_proration_date_fixes_the_amounts(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.basic_monthly.id)
    await advance(stripe_client, clock, APRIL_1 + 25 * DAY)
    # Prorate as of 11 Apr (20 of 30 days left), although it is now 26 Apr.
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub.items.data[0].id, "quantity": 2}],
            "proration_date": APRIL_1 + 10 * DAY,
            "proration_behavior": "always_invoice",
            "expand": ["latest_invoice"],
        },
    )
    invoice = updated.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert _lines(invoice) == [
        ("Unused time on Basic after 11 Apr 2026", -667),
        (f"Remaining time on 2 {TIMES} Basic after 11 Apr 2026", 1333),
    ]
    assert invoice.parent is not None
    assert invoice.parent.subscription_details is not None
    assert invoice.parent.subscription_details.subscription_proration_date == APRIL_1 + 10 * DAY


async def test_monthly_to_yearly_bills_the_year_now_with_the_unused_month_credited(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.pro_monthly.id)
    switch = APRIL_1 + 15 * DAY  # 16 Apr: half of April unused
    await advance(stripe_client, clock, switch)
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub.items.data[0].id, "price": catalog.pro_yearly.id}],
            "expand": ["latest_invoice"],
        },
    )
    item = updated.items.data[0]
    assert (item.current_period_start, item.current_period_end) == (switch, ts(2027, 4, 16))
    invoice = updated.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert _lines(invoice) == [
        ("Unused time on Pro after 16 Apr 2026", -1000),
        (f"1 {TIMES} Pro (at $200.00 / year)", 20000),
    ]
    assert (invoice.total, invoice.amount_paid, invoice.status) == (19000, 19000, "paid")
    assert (await stripe_client.v1.invoice_items.list_async({"pending": True})).data == []


async def test_a_new_interval_during_a_continued_trial_keeps_the_trial(
    stripe_client: stripe.StripeClient,
) -> None:
    """Without `trial_end=now` the trial stays free up to its end; the year starts then."""
    catalog = await make_catalog(stripe_client)
    trial_end = APRIL_1 + 14 * DAY
    clock, sub = await _subscribed(stripe_client, catalog.pro_monthly.id, trial_end=trial_end)
    await advance(stripe_client, clock, APRIL_1 + 3 * DAY)
    updated = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"items": [{"id": sub.items.data[0].id, "price": catalog.pro_yearly.id}]}
    )
    item = updated.items.data[0]
    assert (updated.status, updated.trial_end) == ("trialing", trial_end)
    assert item.current_period_end == trial_end
    assert updated.latest_invoice == sub.latest_invoice  # nothing invoiced now
    upcoming = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert upcoming.amount_due == 20000
    await advance(stripe_client, clock, trial_end + DAY)
    renewed = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    item = renewed.items.data[0]
    assert renewed.status == "active"
    assert (item.current_period_start, item.current_period_end) == (trial_end, ts(2027, 4, 15))
