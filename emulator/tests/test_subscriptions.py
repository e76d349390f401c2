"""Subscriptions through the SDK: create, list, update, cancel, pause, resume, and their events."""

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
    ts,
)

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def _events(client: stripe.StripeClient, event_type: str) -> list[stripe.Event]:
    return (await client.v1.events.list_async({"type": event_type, "limit": 100})).data


async def test_create_charges_the_default_payment_method_and_emits_events(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.pro_monthly.id, "quantity": 2}],
            "metadata": {"team": "blue"},
            "expand": ["latest_invoice"],
        }
    )
    assert sub.id.startswith("sub_")
    assert sub.status == "active"
    assert sub.billing_mode.type == "flexible"
    assert sub.start_date == APRIL_1
    assert sub.billing_cycle_anchor == APRIL_1
    assert sub.currency == "usd"
    assert sub.test_clock == clock
    assert sub.metadata.to_dict() == {"team": "blue"}
    assert sub.collection_method == "charge_automatically"
    assert (sub.cancel_at, sub.cancel_at_period_end, sub.canceled_at) == (None, False, None)
    item = sub.items.data[0]
    assert item.id.startswith("si_")
    assert (item.current_period_start, item.current_period_end) == (APRIL_1, MAY_1)
    assert item.price.id == catalog.pro_monthly.id
    assert item.plan.id == catalog.pro_monthly.id
    assert item.plan.amount == 2000
    assert item.quantity == 2
    assert item.subscription == sub.id
    invoice = sub.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert (invoice.status, invoice.amount_paid) == ("paid", 4000)
    created = await _events(stripe_client, "customer.subscription.created")
    assert [e.data.object["id"] for e in created] == [sub.id]
    # Created while its first invoice was unpaid, then updated to active.
    assert created[0].data.object["status"] == "incomplete"
    updated = await _events(stripe_client, "customer.subscription.updated")
    assert updated[0].data.previous_attributes is not None
    assert updated[0].data.previous_attributes["status"] == "incomplete"
    types = [e.type for e in (await stripe_client.v1.events.list_async({"limit": 100})).data]
    for expected in ("invoice.created", "invoice.finalized", "invoice.paid"):
        assert expected in types
    assert "invoice.payment_succeeded" in types


async def test_a_declined_card_leaves_the_subscription_incomplete(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client, card="pm_card_chargeDeclined")
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    assert sub.status == "incomplete"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert invoice.status == "open"
    failed = await _events(stripe_client, "invoice.payment_failed")
    assert [e.data.object["id"] for e in failed] == [invoice.id]


async def test_error_if_incomplete_refuses_and_creates_nothing(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client, card="pm_card_chargeDeclinedInsufficientFunds")
    with pytest.raises(stripe.CardError) as exc:
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": catalog.basic_monthly.id}],
                "payment_behavior": "error_if_incomplete",
            }
        )
    assert exc.value.http_status == 402
    assert exc.value.error is not None
    assert exc.value.error.decline_code == "insufficient_funds"
    listed = await stripe_client.v1.subscriptions.list_async({"status": "all"})
    assert listed.data == []
    assert (await stripe_client.v1.invoices.list_async()).data == []
    assert await _events(stripe_client, "customer.subscription.created") == []


async def test_default_incomplete_issues_the_invoice_without_charging(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "payment_behavior": "default_incomplete",
        }
    )
    assert sub.status == "incomplete"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert (invoice.status, invoice.attempted) == ("open", False)
    await stripe_client.v1.invoices.pay_async(invoice.id)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"


async def test_the_subscription_payment_method_wins_over_the_customer_default(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)  # visa by default
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeDeclined", {"customer": customer.id}
    )
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "default_payment_method": declining.id,
        }
    )
    assert sub.default_payment_method == declining.id
    assert sub.status == "incomplete"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": catalog.basic_monthly.id}],
                "default_payment_method": "pm_not_attached",
            }
        )
    assert exc.value.param == "default_payment_method"


async def test_trials_bill_nothing_then_end_on_request(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.basic_monthly.id}],
            "trial_period_days": 14,
            "expand": ["latest_invoice"],
        }
    )
    trial_end = APRIL_1 + 14 * DAY
    assert (sub.status, sub.trial_start, sub.trial_end) == ("trialing", APRIL_1, trial_end)
    assert sub.items.data[0].current_period_end == trial_end
    invoice = sub.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert [(line.description, line.amount) for line in invoice.lines.data] == [
        ("Trial period for Basic", 0)
    ]
    assert (invoice.status, invoice.amount_due) == ("paid", 0)
    await advance(stripe_client, clock, APRIL_1 + 5 * DAY)
    ended = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"trial_end": "now", "expand": ["latest_invoice"]}
    )
    now = APRIL_1 + 5 * DAY
    assert (ended.status, ended.trial_end, ended.billing_cycle_anchor) == ("active", now, now)
    assert ended.items.data[0].current_period_start == now
    assert ended.items.data[0].current_period_end == ts(2026, 5, 6)
    first_paid = ended.latest_invoice
    assert not isinstance(first_paid, str)
    assert first_paid is not None
    assert [(line.description, line.amount) for line in first_paid.lines.data] == [
        (f"1 {TIMES} Basic (at $10.00 / month)", 1000)
    ]
    assert first_paid.status == "paid"
    assert len(await _events(stripe_client, "customer.subscription.trial_will_end")) == 1
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": catalog.basic_monthly.id}],
                "trial_end": APRIL_1,
            }
        )
    assert exc.value.param == "trial_end"


async def test_a_future_billing_cycle_anchor_prorates_the_first_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client, ts(2026, 4, 21))
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.pro_monthly.id}],
            "billing_cycle_anchor": MAY_1,
            "expand": ["latest_invoice"],
        }
    )
    assert sub.billing_cycle_anchor == MAY_1
    assert sub.items.data[0].current_period_end == MAY_1
    invoice = sub.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    # 10 of April's 30 days: 2000 x 10/30 = 667.
    assert [(line.description, line.amount) for line in invoice.lines.data] == [
        ("Remaining time on Pro after 21 Apr 2026", 667)
    ]
    await advance(stripe_client, clock, MAY_1 + 60)
    fetched = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert fetched.items.data[0].current_period_end == ts(2026, 6, 1)


async def test_create_rejects_bad_items_naming_the_field(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    one_time = await stripe_client.v1.prices.create_async(
        {"product": catalog.basic.id, "unit_amount": 500, "currency": "usd"}
    )
    inactive = await stripe_client.v1.prices.create_async(
        {
            "product": catalog.basic.id,
            "unit_amount": 500,
            "currency": "usd",
            "recurring": {"interval": "month"},
            "active": False,
        }
    )
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"items": [{"price": catalog.basic_monthly.id}]}, "customer", "Missing required"),
        ({"customer": customer.id}, "items", "Missing required"),
        (
            {"customer": customer.id, "items": [{"price": "price_nope"}]},
            "items[0][price]",
            "No such price",
        ),
        (
            {"customer": customer.id, "items": [{"price": one_time.id}]},
            "items[0][price]",
            "one_time",
        ),
        (
            {"customer": customer.id, "items": [{"price": inactive.id}]},
            "items[0][price]",
            "inactive",
        ),
        (
            {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}] * 2},
            "items[1][price]",
            "same price",
        ),
        (
            {
                "customer": customer.id,
                "items": [{"price": catalog.pro_monthly.id}, {"price": catalog.pro_yearly.id}],
            },
            "items[1][price]",
            "cadence",
        ),
        (
            {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id, "quantity": -1}]},
            "items[0][quantity]",
            "greater than or equal to 0",
        ),
        (
            {"customer": "cus_nope", "items": [{"price": catalog.pro_monthly.id}]},
            "customer",
            "No such customer",
        ),
        (
            {
                "customer": customer.id,
                "items": [{"price": catalog.pro_monthly.id}],
                "collection_method": "send_invoice",
            },
            "days_until_due",
            "Missing required",
        ),
        (
            {
                "customer": customer.id,
                "items": [{"price": catalog.pro_monthly.id}],
                "add_invoice_items": [{"price": one_time.id}],
            },
            "add_invoice_items",
            "does not model",
        ),
    ]
    for params, param, message in cases:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.subscriptions.create_async(params)  # type: ignore[arg-type]
        assert exc.value.param == param, params
        assert message in str(exc.value.user_message), params
    assert (await stripe_client.v1.subscriptions.list_async({"status": "all"})).data == []


async def test_list_filters_like_stripe(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    first = await make_customer(stripe_client)
    second = await make_customer(stripe_client)

    async def subscribe(customer: str, price: str) -> stripe.Subscription:
        return await stripe_client.v1.subscriptions.create_async(
            {"customer": customer, "items": [{"price": price}]}
        )

    basic = await subscribe(first.id, catalog.basic_monthly.id)
    pro = await subscribe(first.id, catalog.pro_monthly.id)
    other = await subscribe(second.id, catalog.pro_monthly.id)
    await stripe_client.v1.subscriptions.cancel_async(basic.id)

    async def ids(params: dict[str, Any]) -> list[str]:
        listed = await stripe_client.v1.subscriptions.list_async(params)  # type: ignore[arg-type]
        return [s.id for s in listed.data]

    assert await ids({}) == [other.id, pro.id]  # canceled ones are left out by default
    assert await ids({"status": "all"}) == [other.id, pro.id, basic.id]
    assert await ids({"status": "canceled"}) == [basic.id]
    assert await ids({"status": "ended"}) == [basic.id]
    assert await ids({"status": "active", "customer": first.id}) == [pro.id]
    assert await ids({"price": catalog.pro_monthly.id}) == [other.id, pro.id]
    assert await ids({"status": "paused"}) == []
    assert await ids({"limit": 1}) == [other.id]


async def test_item_updates_change_add_and_remove(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.seat_monthly.id, "quantity": 4}]}
    )
    item = sub.items.data[0].id
    # A new price without a quantity resets the quantity to 1.
    switched = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {"items": [{"id": item, "price": catalog.pro_monthly.id}], "proration_behavior": "none"},
    )
    assert [(i.id, i.price.id, i.quantity) for i in switched.items.data] == [
        (item, catalog.pro_monthly.id, 1)
    ]
    # Without an id, an item is added.
    added = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"price": catalog.basic_monthly.id, "quantity": 2}],
            "proration_behavior": "none",
        },
    )
    assert [(i.price.id, i.quantity) for i in added.items.data] == [
        (catalog.pro_monthly.id, 1),
        (catalog.basic_monthly.id, 2),
    ]
    basic_item = added.items.data[1].id
    removed = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"items": [{"id": item, "deleted": True}], "proration_behavior": "none"}
    )
    assert [i.id for i in removed.items.data] == [basic_item]
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscription_items.retrieve_async(item)
    assert exc.value.http_status == 404
    errors: list[tuple[dict[str, Any], str]] = [
        ({"items": [{"id": "si_other", "quantity": 2}]}, "items[0][id]"),
        ({"items": [{"id": basic_item, "deleted": True}]}, "items"),
        ({"items": [{"price": catalog.basic_monthly.id}]}, "items[0][price]"),
        ({"items": [{"quantity": 2}]}, "items[0][price]"),
    ]
    for params, param in errors:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.subscriptions.update_async(sub.id, params)  # type: ignore[arg-type]
        assert exc.value.param == param, params
    fetched = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert [(i.id, i.quantity) for i in fetched.items.data] == [(basic_item, 2)]


async def test_subscription_item_endpoints(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.seat_monthly.id}]}
    )
    listed = await stripe_client.v1.subscription_items.list_async({"subscription": sub.id})
    assert [i.id for i in listed.data] == [sub.items.data[0].id]
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    item = await stripe_client.v1.subscription_items.update_async(
        listed.data[0].id, {"quantity": 3, "proration_behavior": "create_prorations"}
    )
    assert item.quantity == 3
    pending = await stripe_client.v1.invoice_items.list_async({"pending": True})
    # 3000 x 15/30 back for one seat, 9000 x 15/30 for three.
    assert sorted(ii.amount for ii in pending.data) == [-1500, 4500]
    added = await stripe_client.v1.subscription_items.create_async(
        {"subscription": sub.id, "price": catalog.basic_monthly.id, "proration_behavior": "none"}
    )
    assert added.subscription == sub.id
    deleted = await stripe_client.v1.subscription_items.delete_async(
        added.id, {"proration_behavior": "none"}
    )
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscription_items.update_async(item.id, {"price": "price_nope"})
    assert exc.value.param == "price"


async def test_billing_cycle_anchor_now_bills_a_new_period_at_once(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    await advance(stripe_client, clock, APRIL_1 + 6 * DAY)
    reset = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"billing_cycle_anchor": {"type": "now"}, "expand": ["latest_invoice"]}
    )
    now = APRIL_1 + 6 * DAY
    assert reset.billing_cycle_anchor == now
    assert reset.items.data[0].current_period_start == now
    invoice = reset.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    # 24 of 30 days unused: 800 back; a new month charged.
    assert [(line.description, line.amount) for line in invoice.lines.data] == [
        ("Unused time on Basic after 7 Apr 2026", -800),
        (f"1 {TIMES} Basic (at $10.00 / month)", 1000),
    ]
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {"billing_cycle_anchor": "now"},  # type: ignore[arg-type]
        )
    assert exc.value.param == "billing_cycle_anchor"


async def test_cancel_at_period_end_and_cancel_at(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.basic_monthly.id}]}
    )
    await advance(stripe_client, clock, APRIL_1 + DAY)
    with pytest.raises(stripe.InvalidRequestError) as too_long:
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            {"cancel_at_period_end": True, "cancellation_details": {"comment": "x" * 5001}},
        )
    assert too_long.value.param == "cancellation_details[comment]"
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).cancel_at is None
    scheduled = await stripe_client.v1.subscriptions.update_async(
        sub.id,
        {
            "cancel_at_period_end": True,
            "cancellation_details": {"feedback": "too_expensive", "comment": "pricey"},
        },
    )
    assert (scheduled.status, scheduled.cancel_at_period_end) == ("active", True)
    assert (scheduled.cancel_at, scheduled.canceled_at) == (MAY_1, APRIL_1 + DAY)
    details = scheduled.cancellation_details
    assert details is not None
    assert (details.feedback, details.comment, details.reason) == ("too_expensive", "pricey", None)
    event = (await _events(stripe_client, "customer.subscription.updated"))[0]
    assert event.data.previous_attributes is not None
    assert event.data.previous_attributes["cancel_at_period_end"] is False
    assert event.data.previous_attributes["cancel_at"] is None
    renewed = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"cancel_at_period_end": False}
    )
    assert (renewed.cancel_at, renewed.cancel_at_period_end, renewed.canceled_at) == (
        None,
        False,
        None,
    )
    # The portal's way: cancel_at set to the period end, the flag left false.
    by_date = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"cancel_at": "max_period_end"}
    )
    assert (by_date.cancel_at, by_date.cancel_at_period_end) == (MAY_1, False)
    cleared = await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at": ""})
    assert cleared.cancel_at is None
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at": APRIL_1})
    assert exc.value.param == "cancel_at"
    await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at": APRIL_1 + 10 * DAY})
    await advance(stripe_client, clock, APRIL_1 + 20 * DAY)
    ended = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (ended.status, ended.ended_at) == ("canceled", APRIL_1 + 10 * DAY)
    assert ended.cancellation_details is not None
    assert ended.cancellation_details.reason == "cancellation_requested"
    # Cancelling mid-period with prorations credited the 20 unused days: 1000 x 20/30.
    final = await stripe_client.v1.invoices.retrieve_async(str(ended.latest_invoice))
    assert [(line.description, line.amount) for line in final.lines.data] == [
        ("Unused time on Basic after 11 Apr 2026", -667)
    ]
    assert [
        e.data.object["id"] for e in await _events(stripe_client, "customer.subscription.deleted")
    ] == [sub.id]


async def test_cancel_now_with_and_without_prorations(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    subs = [
        await stripe_client.v1.subscriptions.create_async(
            {"customer": customer.id, "items": [{"price": price}]}
        )
        for price in (catalog.basic_monthly.id, catalog.pro_monthly.id)
    ]
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    plain = await stripe_client.v1.subscriptions.cancel_async(
        subs[0].id, {"cancellation_details": {"feedback": "unused"}}
    )
    assert (plain.status, plain.canceled_at, plain.ended_at) == (
        "canceled",
        APRIL_1 + 15 * DAY,
        APRIL_1 + 15 * DAY,
    )
    assert plain.cancellation_details is not None
    assert plain.cancellation_details.reason == "cancellation_requested"
    assert plain.cancellation_details.feedback == "unused"
    assert (await stripe_client.v1.invoice_items.list_async({"pending": True})).data == []
    prorated = await stripe_client.v1.subscriptions.cancel_async(
        subs[1].id, {"prorate": True, "invoice_now": True, "expand": ["latest_invoice"]}
    )
    final = prorated.latest_invoice
    assert not isinstance(final, str)
    assert final is not None
    assert [(line.description, line.amount) for line in final.lines.data] == [
        ("Unused time on Pro after 16 Apr 2026", -1000)
    ]
    assert final.amount_due == 0
    assert (await stripe_client.v1.customers.retrieve_async(customer.id)).balance == -1000
    # A canceled subscription only takes metadata and cancellation details.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(
            prorated.id, {"cancel_at_period_end": False}
        )
    assert exc.value.code == "invalid_canceled_subscription_fields"
    assert exc.value.user_message == (
        "A canceled subscription can only update its cancellation_details and metadata."
    )
    noted = await stripe_client.v1.subscriptions.update_async(
        prorated.id,
        {"metadata": {"why": "moved"}, "cancellation_details": {"comment": "moved to a rival"}},
    )
    assert noted.metadata.to_dict() == {"why": "moved"}
    assert noted.cancellation_details is not None
    assert noted.cancellation_details.comment == "moved to a rival"
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.cancel_async(prorated.id)


async def test_pause_and_resume(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    paused = await stripe_client.v1.subscriptions.pause_async(sub.id)
    assert paused.status == "paused"
    assert paused.status_details is not None
    assert paused.status_details.paused.subscription.type == "pause_requested"
    assert paused.status_details.paused.transitioned_at == APRIL_1 + 15 * DAY
    pending = await stripe_client.v1.invoice_items.list_async({"pending": True})
    assert [(ii.description, ii.amount) for ii in pending.data] == [
        ("Unused time on Pro after 16 Apr 2026", -1000)
    ]
    # Paused: the period end passes without an invoice.
    await advance(stripe_client, clock, MAY_1 + 10 * DAY)
    assert len((await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data) == 1
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.pause_async(sub.id)
    resumed = await stripe_client.v1.subscriptions.resume_async(
        sub.id, {"expand": ["latest_invoice"]}
    )
    now = MAY_1 + 10 * DAY
    # Stripe sends `status_details` only while there are details, never as null.
    assert resumed.status == "active"
    assert "status_details" not in resumed
    assert resumed.billing_cycle_anchor == now
    assert resumed.items.data[0].current_period_start == now
    invoice = resumed.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert sorted((line.description, line.amount) for line in invoice.lines.data) == [
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000),
        ("Unused time on Pro after 16 Apr 2026", -1000),
    ]
    assert (invoice.status, invoice.amount_paid) == ("paid", 1000)
    for event_type in ("customer.subscription.paused", "customer.subscription.resumed"):
        assert len(await _events(stripe_client, event_type)) == 1
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.resume_async(sub.id)


async def test_resume_keeping_the_anchor_prorates_the_rest_of_the_period(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await stripe_client.v1.subscriptions.pause_async(
        sub.id, {"bill_for": {"unused_time_from": {"type": "none"}}}
    )
    await advance(stripe_client, clock, MAY_1 + 20 * DAY)  # 21 May: 11 of May's 31 days left
    resumed = await stripe_client.v1.subscriptions.resume_async(
        sub.id,
        {"billing_cycle_anchor": {"type": "unchanged"}, "proration_behavior": "always_invoice"},
    )
    item = resumed.items.data[0]
    assert (item.current_period_start, item.current_period_end) == (MAY_1, ts(2026, 6, 1))
    invoice = await stripe_client.v1.invoices.retrieve_async(str(resumed.latest_invoice))
    # 2000 x 11/31 = 709.68.
    assert [(line.description, line.amount) for line in invoice.lines.data] == [
        ("Remaining time on Pro after 21 May 2026", 710)
    ]


async def test_pause_collection_is_set_and_cleared(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    held = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"pause_collection": {"behavior": "keep_as_draft"}}
    )
    assert held.pause_collection is not None
    assert held.pause_collection.behavior == "keep_as_draft"
    assert held.status == "active"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(
            sub.id, {"pause_collection": {"behavior": "void", "resumes_at": 1}}
        )
    assert exc.value.param == "pause_collection[resumes_at]"
    cleared = await stripe_client.v1.subscriptions.update_async(sub.id, {"pause_collection": ""})
    assert cleared.pause_collection is None
    event = (await _events(stripe_client, "customer.subscription.updated"))[0]
    assert event.data.previous_attributes is not None
    assert event.data.previous_attributes["pause_collection"].to_dict() == {
        "behavior": "keep_as_draft",
        "resumes_at": None,
    }


async def test_retrieve_and_expand(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    fetched = await stripe_client.v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["customer", "latest_invoice", "items.data.price.product"]}
    )
    assert not isinstance(fetched.customer, str)
    assert fetched.customer.id == customer.id
    product = fetched.items.data[0].price.product
    assert not isinstance(product, str)
    assert product.name == "Pro"
    assert emulator.url in str(getattr(fetched.latest_invoice, "hosted_invoice_url", ""))
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.retrieve_async("sub_missing")
    assert exc.value.http_status == 404


async def test_a_customer_includes_its_current_subscriptions_only_when_expanded(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    kept = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    ended = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await stripe_client.v1.subscriptions.cancel_async(ended.id)
    plain = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert "subscriptions" not in plain
    expanded = await stripe_client.v1.customers.retrieve_async(
        customer.id, {"expand": ["subscriptions"]}
    )
    assert expanded.subscriptions is not None
    assert [s.id for s in expanded.subscriptions.data] == [kept.id]
    assert expanded.subscriptions.url == f"/v1/customers/{customer.id}/subscriptions"
    # Reachable from what points at the customer, e.g. its payment methods.
    methods = await stripe_client.v1.customers.payment_methods.list_async(
        customer.id, {"expand": ["data.customer.subscriptions"]}
    )
    owner = methods.data[0].customer
    assert not isinstance(owner, str)
    assert owner is not None
    assert owner.subscriptions is not None
    assert [s.id for s in owner.subscriptions.data] == [kept.id]


async def test_trial_end_billing_cycle_anchor_is_refused_by_name_not_a_500(
    stripe_client: stripe.StripeClient,
) -> None:
    """`trial_settings[end_behavior][billing_cycle_anchor]` alone on update once raised a 500."""
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.pro_monthly.id}],
            "trial_period_days": 7,
        }
    )
    anchor = "trial_settings[end_behavior][billing_cycle_anchor]"
    with pytest.raises(stripe.InvalidRequestError) as updated:
        await stripe_client.v1.subscriptions.update_async(
            sub.id,
            cast("Any", {"trial_settings": {"end_behavior": {"billing_cycle_anchor": "now"}}}),
        )
    assert (updated.value.http_status, updated.value.param) == (400, anchor)
    with pytest.raises(stripe.InvalidRequestError) as created:
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": catalog.pro_monthly.id}],
                "trial_period_days": 7,
                "trial_settings": cast(
                    "Any", {"end_behavior": {"billing_cycle_anchor": "unchanged"}}
                ),
            }
        )
    assert (created.value.http_status, created.value.param) == (400, anchor)
    kept = await stripe_client.v1.subscriptions.update_async(
        sub.id, {"trial_settings": {"end_behavior": {"missing_payment_method": "pause"}}}
    )
    assert kept.trial_settings is not None
    assert kept.trial_settings.end_behavior.missing_payment_method == "pause"
    assert kept.trial_settings.end_behavior.billing_cycle_anchor is None


@pytest.mark.parametrize(
    ("settings", "param"),
    [
        ({"account_tax_ids": ["txi_1"]}, "invoice_settings[account_tax_ids]"),
        (
            {"issuer": {"type": "account", "account": "acct_1"}},
            "invoice_settings[issuer][type]",
        ),
    ],
)
async def test_subscription_invoice_settings_are_refused_not_stored_as_null(
    stripe_client: stripe.StripeClient, settings: dict[str, object], param: str
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": catalog.pro_monthly.id}],
                "invoice_settings": cast("Any", settings),
            }
        )
    assert exc.value.param == param
    assert (await stripe_client.v1.subscriptions.list_async({"customer": customer.id})).data == []
