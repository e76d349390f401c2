"""`create_preview` with `subscription_details[resume_at]=now`: the invoice resuming a paused
subscription now would issue, and nothing resumed by asking."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from billing_support import APRIL_1, DAY, advance, make_catalog, make_clock, make_customer


async def _paused_mid_period(client: stripe.StripeClient) -> tuple[str, stripe.Subscription]:
    """Pro monthly from 1 Apr, paused on 16 Apr (half the period credited), now 26 Apr."""
    catalog = await make_catalog(client)
    clock = await make_clock(client)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await advance(client, clock, APRIL_1 + 15 * DAY)
    await client.v1.subscriptions.pause_async(
        sub.id,
        {
            "type": "subscription",
            "invoicing_behavior": "pending_invoice_item",
            "bill_for": {"unused_time_from": {"type": "now"}},
        },
    )
    await advance(client, clock, APRIL_1 + 25 * DAY)
    return clock, sub


def _preview_params(sub: stripe.Subscription) -> Any:
    return {"subscription": sub.id, "subscription_details": {"resume_at": "now"}}


async def test_the_preview_is_the_invoice_the_resume_issues(
    stripe_client: stripe.StripeClient,
) -> None:
    _, sub = await _paused_mid_period(stripe_client)
    preview = await stripe_client.v1.invoices.create_preview_async(_preview_params(sub))
    assert preview.id is not None
    assert preview.id.startswith("upcoming_in")
    assert preview.billing_reason == "subscription_update"
    lines = preview.lines.data
    prorations = [line for line in lines if line.parent and _is_proration(line)]
    assert prorations, "the credit for the unused time the pause left"
    assert sum(line.amount for line in prorations) < 0
    assert preview.amount_due == sum(line.amount for line in lines) > 0
    new_period = [line for line in lines if not _is_proration(line)]
    assert [(line.period.start, line.amount) for line in new_period] == [(APRIL_1 + 25 * DAY, 2000)]
    # Asking resumed nothing.
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "paused"

    resumed = await stripe_client.v1.subscriptions.resume_async(
        sub.id, {"expand": ["latest_invoice"]}
    )
    invoice: Any = resumed.latest_invoice
    assert resumed.status == "active"
    assert (invoice.amount_due, invoice.amount_paid) == (preview.amount_due, preview.amount_due)
    assert sorted(line.amount for line in invoice.lines.data) == sorted(
        line.amount for line in lines
    )
    assert resumed["items"].data[0].current_period_end == max(
        line.period.end for line in new_period
    )


def _is_proration(line: Any) -> bool:
    parent = line.parent
    details = parent.subscription_item_details or parent.invoice_item_details
    return bool(details and details.proration)


async def test_resume_at_is_refused_for_a_subscription_that_is_not_paused(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client, await make_clock(stripe_client))
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.invoices.create_preview_async(_preview_params(sub))
    assert refused.value.param == "subscription_details[resume_at]"
    assert refused.value.http_status == 400


async def test_resume_at_takes_only_now(stripe_client: stripe.StripeClient) -> None:
    _, sub = await _paused_mid_period(stripe_client)
    params: Any = {"subscription": sub.id, "subscription_details": {"resume_at": "later"}}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.invoices.create_preview_async(params)
    assert refused.value.param == "subscription_details[resume_at]"
