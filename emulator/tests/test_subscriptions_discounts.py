"""Subscription discounts from coupons and promotion codes, and what they take off invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
import stripe

if TYPE_CHECKING:
    from stripe.params import SubscriptionCreateParams
from billing_support import (
    APRIL_1,
    DAY,
    MAY_1,
    advance,
    make_catalog,
    make_clock,
    make_customer,
    ts,
)


async def _coupon(client: stripe.StripeClient, **params: Any) -> stripe.Coupon:
    return await client.v1.coupons.create_async(params)  # type: ignore[arg-type]


async def test_a_promotion_code_takes_a_percentage_off_every_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    coupon = await _coupon(stripe_client, percent_off=20, duration="forever")
    code = await stripe_client.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SAVE20"}
    )
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.seat_monthly.id, "quantity": 3}],
            "discounts": [{"promotion_code": code.id}],
            "expand": ["latest_invoice", "discounts"],
        }
    )
    (discount,) = sub.discounts
    assert not isinstance(discount, str)
    assert discount.id.startswith("di_")
    assert (discount.source.coupon, discount.promotion_code) == (coupon.id, code.id)
    assert (discount.subscription, discount.customer, discount.start) == (
        sub.id,
        customer.id,
        APRIL_1,
    )
    assert discount.end is None
    invoice = sub.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert invoice.discounts == [discount.id]
    # 3 x 3000 = 9000; 20% off = 1800.
    (line,) = invoice.lines.data
    assert line.amount == 9000
    assert [(d.amount, d.discount) for d in line.discount_amounts or []] == [(1800, discount.id)]
    assert invoice.total_discount_amounts is not None
    assert [(d.amount, d.discount) for d in invoice.total_discount_amounts] == [(1800, discount.id)]
    assert (invoice.subtotal, invoice.total, invoice.amount_paid) == (9000, 7200, 7200)
    assert (await stripe_client.v1.coupons.retrieve_async(coupon.id)).times_redeemed == 1
    assert (await stripe_client.v1.promotion_codes.retrieve_async(code.id)).times_redeemed == 1
    created = await stripe_client.v1.events.list_async({"type": "customer.discount.created"})
    assert [e.data.object["id"] for e in created.data] == [discount.id]
    # Prorations are not discounted; the renewal is.
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    await stripe_client.v1.subscriptions.update_async(
        sub.id, {"items": [{"id": sub.items.data[0].id, "quantity": 4}]}
    )
    await advance(stripe_client, clock, MAY_1 + 60)
    renewal = (await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data[0]
    amounts = sorted(
        (line.amount, [d.amount for d in line.discount_amounts or []])
        for line in renewal.lines.data
    )
    assert amounts == [(-4500, []), (6000, []), (12000, [2400])]
    assert renewal.total == -4500 + 6000 + 12000 - 2400


async def test_repeating_and_once_coupons_end(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    repeating = await _coupon(
        stripe_client, amount_off=500, currency="usd", duration="repeating", duration_in_months=2
    )
    once = await _coupon(stripe_client, percent_off=50, duration="once")
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    with_repeating = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.pro_monthly.id}],
            "discounts": [{"coupon": repeating.id}],
        }
    )
    with_once = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "discounts": [{"coupon": once.id}],
        }
    )
    assert with_once.discounts == []  # spent on the first invoice
    await advance(stripe_client, clock, ts(2026, 7, 1) + 60)
    totals = {}
    for sub in (with_repeating, with_once):
        invoices = await stripe_client.v1.invoices.list_async({"subscription": sub.id})
        totals[sub.id] = [i.total for i in reversed(invoices.data)]
    # $5 off for two months (April, May), then full price.
    assert totals[with_repeating.id] == [1500, 1500, 2000, 2000]
    assert totals[with_once.id] == [500, 1000, 1000, 1000]
    fetched = await stripe_client.v1.subscriptions.retrieve_async(
        with_repeating.id, {"expand": ["discounts"]}
    )
    (discount,) = fetched.discounts
    assert not isinstance(discount, str)
    assert discount.end == ts(2026, 6, 1)


async def test_update_replaces_clears_and_previews_discounts(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    tenth = await _coupon(stripe_client, percent_off=10, duration="forever")
    half = await _coupon(stripe_client, percent_off=50, duration="forever")
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    preview = await stripe_client.v1.invoices.create_preview_async(
        {"subscription": sub.id, "discounts": [{"coupon": half.id}]}
    )
    assert (preview.subtotal, preview.total) == (2000, 1000)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).discounts == []
    assert (await stripe_client.v1.coupons.retrieve_async(half.id)).times_redeemed == 0
    first = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"discounts": [{"coupon": tenth.id}]}
    )
    second = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"discounts": [{"coupon": half.id}]}
    )
    assert len(second.discounts) == 1
    assert second.discounts != first.discounts
    upcoming = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert upcoming.total == 1000
    cleared = await stripe_client.v1.subscriptions.update_async(sub.id, {"discounts": ""})
    assert cleared.discounts == []
    again = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"discounts": [{"coupon": tenth.id}]}
    )
    removed = await stripe_client.v1.subscriptions.delete_discount_async(sub.id)
    assert removed.deleted is True
    assert removed.id == again.discounts[0]
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).discounts == []
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.delete_discount_async(sub.id)


async def test_a_coupon_for_some_products_only_reduces_their_lines(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    coupon = await _coupon(
        stripe_client,
        amount_off=700,
        currency="usd",
        duration="forever",
        applies_to={"products": [catalog.basic.id]},
    )
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}, {"price": catalog.pro_monthly.id}],
            "discounts": [{"coupon": coupon.id}],
            "expand": ["latest_invoice"],
        }
    )
    invoice = sub.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    reductions = [
        (line.amount, [d.amount for d in line.discount_amounts or []])
        for line in invoice.lines.data
    ]
    assert reductions == [(1000, [700]), (2000, [])]
    assert invoice.total == 2300


async def test_bad_discounts_are_refused_before_anything_changes(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    euros = await _coupon(stripe_client, amount_off=500, currency="eur", duration="forever")
    fine = await _coupon(stripe_client, percent_off=5, duration="forever")
    customer = await make_customer(stripe_client)
    other = await make_customer(stripe_client)
    theirs = await stripe_client.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": fine.id}, "customer": other.id}
    )
    cases: list[tuple[list[dict[str, str]], str]] = [
        ([{"coupon": "nope"}], "discounts[0][coupon]"),
        ([{"coupon": fine.id, "promotion_code": theirs.id}], "discounts[0]"),
        ([{"coupon": euros.id}], "discounts[0][coupon]"),
        ([{"promotion_code": theirs.id}], "discounts[0][promotion_code]"),
        ([{"coupon": fine.id}, {"coupon": fine.id}], "discounts[1]"),
    ]
    for discounts, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.subscriptions.create_async(
                cast(
                    "SubscriptionCreateParams",
                    {
                        "customer": customer.id,
                        "items": [{"price": catalog.basic_monthly.id}],
                        "discounts": discounts,
                    },
                )
            )
        assert exc.value.param == param, discounts
    assert (await stripe_client.v1.subscriptions.list_async({"status": "all"})).data == []
    assert (await stripe_client.v1.coupons.retrieve_async(fine.id)).times_redeemed == 0
