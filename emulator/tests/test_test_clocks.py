"""Test clocks: CRUD, and everything that comes due while one moves forward."""

from __future__ import annotations

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
    ts,
)


async def _types(client: stripe.StripeClient, prefix: str) -> list[str]:
    events = await client.v1.events.list_async({"limit": 100, "type": f"{prefix}.*"})
    return [e.type for e in reversed(events.data)]


async def test_create_retrieve_list_advance_delete(stripe_client: stripe.StripeClient) -> None:
    clocks = stripe_client.v1.test_helpers.test_clocks
    clock = await clocks.create_async({"frozen_time": APRIL_1, "name": "April"})
    assert clock.id.startswith("clock_")
    assert (clock.frozen_time, clock.name, clock.status) == (APRIL_1, "April", "ready")
    assert clock.deletes_after == clock.created + 30 * DAY
    advancing = await clocks.advance_async(clock.id, {"frozen_time": MAY_1})
    assert advancing.status == "advancing"
    assert advancing.status_details.advancing is not None
    assert advancing.status_details.advancing.target_frozen_time == MAY_1
    ready = await clocks.retrieve_async(clock.id)
    assert (ready.status, ready.frozen_time) == ("ready", MAY_1)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await clocks.advance_async(clock.id, {"frozen_time": APRIL_1})
    assert exc.value.param == "frozen_time"
    other = await clocks.create_async({"frozen_time": APRIL_1})
    assert [c.id for c in (await clocks.list_async()).data] == [other.id, clock.id]
    customer = await make_customer(stripe_client, clock.id)
    deleted = await clocks.delete_async(clock.id)
    assert deleted.deleted is True
    assert [c.id for c in (await clocks.list_async()).data] == [other.id]
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await clocks.retrieve_async(clock.id)
    assert exc.value.http_status == 404
    gone = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert gone.deleted is True
    assert await _types(stripe_client, "test_helpers.test_clock") == [
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.ready",
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.deleted",
    ]


async def test_a_customer_can_be_attached_when_the_clock_is_created(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await make_customer(stripe_client)
    clock = await stripe_client.v1.test_helpers.test_clocks.create_async(
        {"frozen_time": APRIL_1, "customer": customer.id}
    )
    assert (await stripe_client.v1.customers.retrieve_async(customer.id)).test_clock == clock.id
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.test_helpers.test_clocks.create_async(
            {"frozen_time": APRIL_1, "customer": customer.id}
        )
    assert exc.value.param == "customer"


async def test_a_year_of_monthly_renewals_makes_one_invoice_per_period(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    start = ts(2026, 1, 31, 12)  # anchored on the 31st: short months end on their last day
    clock = await make_clock(stripe_client, start)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id, "quantity": 3}]}
    )
    await advance(stripe_client, clock, ts(2027, 1, 31, 13))
    invoices = (
        await stripe_client.v1.invoices.list_async({"subscription": sub.id, "limit": 100})
    ).data
    assert len(invoices) == 13
    assert all(i.status == "paid" and i.total == 6000 for i in invoices)
    numbers = [i.number for i in reversed(invoices)]
    assert numbers == [f"{customer.invoice_prefix}-{n:04d}" for n in range(1, 14)]
    starts = [i.lines.data[0].period.start for i in reversed(invoices)]
    assert starts[:4] == [start, ts(2026, 2, 28, 12), ts(2026, 3, 31, 12), ts(2026, 4, 30, 12)]
    assert starts[-1] == ts(2027, 1, 31, 12)
    for before, after in zip(reversed(invoices[1:]), reversed(invoices[:-1]), strict=True):
        assert after.period_start == before.lines.data[0].period.start
        assert after.created == after.period_end == before.lines.data[0].period.end
    item = (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).items.data[0]
    assert (item.current_period_start, item.current_period_end) == (
        ts(2027, 1, 31, 12),
        ts(2027, 2, 28, 12),
    )
    assert invoices[0].lines.data[0].description == f"3 {TIMES} Pro (at $20.00 / month)"


async def test_a_declined_renewal_makes_the_subscription_past_due(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeDeclined", {"customer": customer.id}
    )
    await stripe_client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": declining.id}}
    )
    await advance(stripe_client, clock, MAY_1 + 3600)
    late = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert late.status == "past_due"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(late.latest_invoice))
    assert (invoice.status, invoice.attempt_count, invoice.amount_remaining) == ("open", 1, 1000)
    failed = await stripe_client.v1.events.list_async({"type": "invoice.payment_failed"})
    assert [e.data.object["id"] for e in failed.data] == [invoice.id]
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer.id}
    )
    await stripe_client.v1.invoices.pay_async(invoice.id, {"payment_method": visa.id})
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"


async def test_a_trial_ends_with_the_first_paid_invoice(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "trial_period_days": 7,
        }
    )
    trial_end = APRIL_1 + 7 * DAY
    await advance(stripe_client, clock, trial_end - 3 * DAY + 60)
    warnings = await stripe_client.v1.events.list_async(
        {"type": "customer.subscription.trial_will_end"}
    )
    assert len(warnings.data) == 1
    assert warnings.data[0].created == trial_end - 3 * DAY
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "trialing"
    await advance(stripe_client, clock, trial_end + 60)
    active = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (active.status, active.billing_cycle_anchor) == ("active", trial_end)
    assert active.items.data[0].current_period_end == ts(2026, 5, 8)
    invoice = await stripe_client.v1.invoices.retrieve_async(str(active.latest_invoice))
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_cycle",
        "paid",
        1000,
    )


async def test_a_trial_without_a_payment_method_can_cancel_or_pause(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock, card=None)
    subs = {
        behavior: await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": price}],
                "trial_period_days": 7,
                "trial_settings": {"end_behavior": {"missing_payment_method": behavior}},
            }
        )
        for behavior, price in (
            ("cancel", catalog.basic_monthly.id),
            ("pause", catalog.pro_monthly.id),
            ("create_invoice", catalog.seat_monthly.id),
        )
    }
    await advance(stripe_client, clock, APRIL_1 + 8 * DAY)
    statuses = {
        behavior: (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status
        for behavior, sub in subs.items()
    }
    assert statuses == {"cancel": "canceled", "pause": "paused", "create_invoice": "past_due"}


async def test_scheduled_cancellation_happens_at_period_end(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at_period_end": True})
    await advance(stripe_client, clock, MAY_1 + 5 * DAY)
    ended = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (ended.status, ended.ended_at, ended.canceled_at) == ("canceled", MAY_1, APRIL_1)
    assert len((await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data) == 1
    deleted = await stripe_client.v1.events.list_async({"type": "customer.subscription.deleted"})
    assert [e.created for e in deleted.data] == [MAY_1]


async def test_pause_collection_behaviors_at_renewal(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    expected = {"keep_as_draft": "draft", "mark_uncollectible": "uncollectible", "void": "void"}
    subs = {}
    for behavior, price in zip(
        expected, (catalog.basic_monthly, catalog.pro_monthly, catalog.seat_monthly), strict=True
    ):
        sub = await stripe_client.v1.subscriptions.create_async(
            {"customer": customer.id, "items": [{"price": price.id}]}
        )
        params: dict[str, object] = {"behavior": behavior}
        if behavior == "void":
            params["resumes_at"] = MAY_1 + 10 * DAY
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {"pause_collection": params},  # type: ignore[arg-type]
        )
        subs[behavior] = sub.id
    await advance(stripe_client, clock, MAY_1 + 3600)
    for behavior, status in expected.items():
        sub = await stripe_client.v1.subscriptions.retrieve_async(subs[behavior])
        assert sub.status == "active"
        invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
        assert (invoice.status, invoice.amount_paid) == (status, 0), behavior
        assert invoice.auto_advance is False
    # resumes_at arrives: collection resumes, and the next renewal is charged.
    await advance(stripe_client, clock, MAY_1 + 11 * DAY)
    resumed = await stripe_client.v1.subscriptions.retrieve_async(subs["void"])
    assert resumed.pause_collection is None
    await advance(stripe_client, clock, ts(2026, 6, 1) + 3600)
    resumed = await stripe_client.v1.subscriptions.retrieve_async(subs["void"])
    invoice = await stripe_client.v1.invoices.retrieve_async(str(resumed.latest_invoice))
    assert (invoice.status, invoice.amount_paid) == ("paid", 3000)


async def test_an_unpaid_first_invoice_expires_after_23_hours(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock, card="pm_card_chargeDeclined")
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    assert sub.status == "incomplete"
    await advance(stripe_client, clock, APRIL_1 + DAY)
    expired = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (expired.status, expired.ended_at) == ("incomplete_expired", APRIL_1 + 23 * 3600)
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert invoice.status == "void"
    await advance(stripe_client, clock, MAY_1 + DAY)
    assert len((await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data) == 1


async def test_an_unpaid_sent_invoice_becomes_overdue(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock, card=None)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "collection_method": "send_invoice",
            "days_until_due": 7,
        }
    )
    await advance(stripe_client, clock, APRIL_1 + 6 * DAY)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"
    await advance(stripe_client, clock, APRIL_1 + 8 * DAY)
    late = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert late.status == "past_due"
    overdue = await stripe_client.v1.events.list_async({"type": "invoice.overdue"})
    assert [(e.data.object["id"], e.created) for e in overdue.data] == [
        (str(sub.latest_invoice), APRIL_1 + 7 * DAY)
    ]
    await stripe_client.v1.invoices.pay_async(str(sub.latest_invoice), {"paid_out_of_band": True})
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"
