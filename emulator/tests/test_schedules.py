"""Subscription schedules: a downgrade at period end, releases, cancels, future starts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
import stripe

if TYPE_CHECKING:
    from stripe.params import SubscriptionScheduleUpdateParams
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

JUNE_1 = ts(2026, 6, 1)
JULY_1 = ts(2026, 7, 1)


async def _subscribed(client: stripe.StripeClient, price: str) -> tuple[str, stripe.Subscription]:
    clock = await make_clock(client)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price}]}
    )
    return clock, sub


async def _event_types(client: stripe.StripeClient) -> list[str]:
    events = await client.v1.events.list_async({"limit": 100, "type": "subscription_schedule.*"})
    return [e.type for e in reversed(events.data)]


async def test_a_downgrade_scheduled_at_period_end(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.pro_monthly.id)
    item = sub.items.data[0].id
    await advance(stripe_client, clock, APRIL_1 + 10 * DAY)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": sub.id}
    )
    assert schedule.id.startswith("sub_sched_")
    assert (schedule.status, schedule.subscription, schedule.end_behavior) == (
        "active",
        sub.id,
        "release",
    )
    assert schedule.current_phase is not None
    assert (schedule.current_phase.start_date, schedule.current_phase.end_date) == (APRIL_1, MAY_1)
    (phase,) = schedule.phases
    assert [(i.price, i.quantity) for i in phase.items] == [(catalog.pro_monthly.id, 1)]
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).schedule == schedule.id
    updated = await stripe_client.v1.subscription_schedules.update_async(
        schedule.id,
        {
            "phases": [
                {
                    "start_date": APRIL_1,
                    "end_date": MAY_1,
                    "items": [{"price": catalog.pro_monthly.id, "quantity": 1}],
                },
                {
                    "items": [{"price": catalog.basic_monthly.id, "quantity": 1}],
                    "proration_behavior": "none",
                },
            ],
            "end_behavior": "release",
        },
    )
    assert [(p.start_date, p.end_date) for p in updated.phases] == [
        (APRIL_1, MAY_1),
        (MAY_1, JUNE_1),
    ]
    # Nothing changes before the boundary, and nothing is prorated.
    current = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert current.items.data[0].price.id == catalog.pro_monthly.id
    assert (await stripe_client.v1.invoice_items.list_async({"pending": True})).data == []
    preview = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert [(line.description, line.amount) for line in preview.lines.data] == [
        (f"1 {TIMES} Basic (at $10.00 / month)", 1000)
    ]
    await advance(stripe_client, clock, MAY_1 + 3600)
    moved = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert [(i.id, i.price.id) for i in moved.items.data] == [(item, catalog.basic_monthly.id)]
    assert moved.schedule == schedule.id
    renewal = await stripe_client.v1.invoices.retrieve_async(str(moved.latest_invoice))
    assert [(line.description, line.amount) for line in renewal.lines.data] == [
        (f"1 {TIMES} Basic (at $10.00 / month)", 1000)
    ]
    in_phase_two = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert in_phase_two.current_phase is not None
    assert in_phase_two.current_phase.start_date == MAY_1
    await advance(stripe_client, clock, JUNE_1 + 3600)
    released = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert (released.status, released.released_at) == ("released", JUNE_1)
    assert (released.released_subscription, released.subscription) == (sub.id, None)
    after = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (after.schedule, after.status) == (None, "active")
    assert after.items.data[0].price.id == catalog.basic_monthly.id
    assert await _event_types(stripe_client) == [
        "subscription_schedule.created",
        "subscription_schedule.updated",
        "subscription_schedule.updated",
        "subscription_schedule.released",
    ]
    listed = await stripe_client.v1.subscription_schedules.list_async(
        {"customer": str(sub.customer)}
    )
    assert [s.id for s in listed.data] == [schedule.id]


async def test_release_and_cancel_by_hand(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    _, first = await _subscribed(stripe_client, catalog.pro_monthly.id)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": first.id}
    )
    released = await stripe_client.v1.subscription_schedules.release_async(schedule.id)
    assert released.status == "released"
    fetched = await stripe_client.v1.subscriptions.retrieve_async(first.id)
    assert (fetched.schedule, fetched.status) == (None, "active")
    with pytest.raises(stripe.InvalidRequestError, match="released"):
        await stripe_client.v1.subscription_schedules.release_async(schedule.id)
    _, second = await _subscribed(stripe_client, catalog.pro_monthly.id)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": second.id}
    )
    canceled = await stripe_client.v1.subscription_schedules.cancel_async(
        schedule.id, {"prorate": False}
    )
    assert canceled.status == "canceled"
    assert (await stripe_client.v1.subscriptions.retrieve_async(second.id)).status == "canceled"


async def test_a_schedule_for_a_customer_starts_later_and_cancels_at_its_end(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {
            "customer": customer.id,
            "start_date": MAY_1,
            "end_behavior": "cancel",
            "phases": [
                {"items": [{"price": catalog.basic_monthly.id}], "duration": {"interval": "month"}},
                {"items": [{"price": catalog.pro_monthly.id, "quantity": 2}]},
            ],
        }
    )
    assert (schedule.status, schedule.subscription, schedule.current_phase) == (
        "not_started",
        None,
        None,
    )
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [
        (MAY_1, JUNE_1),
        (JUNE_1, JULY_1),
    ]
    await advance(stripe_client, clock, MAY_1 + 60)
    started = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert started.status == "active"
    sub = await stripe_client.v1.subscriptions.retrieve_async(str(started.subscription))
    assert (sub.start_date, sub.schedule, sub.status) == (MAY_1, schedule.id, "active")
    assert sub.items.data[0].price.id == catalog.basic_monthly.id
    await advance(stripe_client, clock, JUNE_1 + 60)
    sub = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert [(i.price.id, i.quantity) for i in sub.items.data] == [(catalog.pro_monthly.id, 2)]
    await advance(stripe_client, clock, JULY_1 + 60)
    done = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert (done.status, done.completed_at) == ("completed", JULY_1)
    sub = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (sub.status, sub.ended_at) == ("canceled", JULY_1)
    invoices = await stripe_client.v1.invoices.list_async({"subscription": sub.id})
    assert [i.total for i in invoices.data] == [4000, 1000]


async def test_schedule_errors_name_the_field(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    _, sub = await _subscribed(stripe_client, catalog.pro_monthly.id)
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"from_subscription": sub.id, "end_behavior": "cancel"}, "end_behavior"),
        ({"from_subscription": "sub_nope"}, "from_subscription"),
        ({"customer": str(sub.customer)}, "phases"),
        (
            {"customer": str(sub.customer), "phases": [{"items": [{"price": "price_nope"}]}]},
            "phases[0][items][0][price]",
        ),
        (
            {
                "customer": str(sub.customer),
                "phases": [
                    {"items": [{"price": catalog.basic_monthly.id}]},
                    {"items": [{"price": catalog.pro_monthly.id}]},
                ],
            },
            "phases[0][end_date]",
        ),
    ]
    for params, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.subscription_schedules.create_async(params)  # type: ignore[arg-type]
        assert exc.value.param == param, params
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": sub.id}
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscription_schedules.create_async({"from_subscription": sub.id})
    assert exc.value.param == "from_subscription"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscription_schedules.update_async(
            schedule.id,
            {"phases": [{"start_date": MAY_1, "items": [{"price": catalog.basic_monthly.id}]}]},
        )
    assert exc.value.param == "phases[0][start_date]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.subscriptions.update_async(sub.id, {"cancel_at_period_end": True})
    assert exc.value.param == "cancel_at_period_end"
    with pytest.raises(stripe.InvalidRequestError, match="schedule"):
        await stripe_client.v1.subscriptions.pause_async(sub.id)
    unchanged = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert len(unchanged.phases) == 1


async def test_changing_the_current_phase_applies_now(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.seat_monthly.id)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": sub.id}
    )
    await advance(stripe_client, clock, APRIL_1 + 15 * DAY)
    await stripe_client.v1.subscription_schedules.update_async(
        schedule.id,
        {
            "phases": [
                {
                    "start_date": APRIL_1,
                    "end_date": MAY_1,
                    "items": [{"price": catalog.seat_monthly.id, "quantity": 2}],
                }
            ],
            "proration_behavior": "create_prorations",
        },
    )
    fetched = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert fetched.items.data[0].quantity == 2
    pending = await stripe_client.v1.invoice_items.list_async({"pending": True})
    assert sorted(ii.amount for ii in pending.data) == [-1500, 3000]


async def test_phases_hold_discounts_and_a_left_out_one_is_dropped(
    stripe_client: stripe.StripeClient,
) -> None:
    """Stripe: a phase's `discounts`, "if not specified, inherits the discount from the
    subscription's customer" (none here), so a subscription's own discount lasts only in the
    phases that keep it (`{"discount": "di_..."}`)."""
    catalog = await make_catalog(stripe_client)
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 50, "duration": "forever"})
    kept_clock, kept = await _subscribed(stripe_client, catalog.pro_monthly.id)
    lost_clock, lost = await _subscribed(stripe_client, catalog.pro_monthly.id)
    for clock in (kept_clock, lost_clock):
        await advance(stripe_client, clock, APRIL_1 + 10 * DAY)
    outcomes = {}
    for sub, keep in ((kept, True), (lost, False)):
        with_discount: Any = await stripe_client.v1.subscriptions.update_async(
            sub.id, {"discounts": [{"coupon": coupon.id}]}
        )
        [discount] = with_discount.discounts
        schedule = await stripe_client.v1.subscription_schedules.create_async(
            {"from_subscription": sub.id}
        )
        assert [(d.discount, d.coupon) for d in schedule.phases[0].discounts] == [(discount, None)]
        carried: dict[str, Any] = {"discounts": [{"discount": discount}]} if keep else {}
        updated = await stripe_client.v1.subscription_schedules.update_async(
            schedule.id,
            cast(
                "SubscriptionScheduleUpdateParams",
                {
                    "phases": [
                        {
                            "start_date": APRIL_1,
                            "end_date": MAY_1,
                            "items": [{"price": catalog.pro_monthly.id, "quantity": 1}],
                            **carried,
                        },
                        {
                            "items": [{"price": catalog.basic_monthly.id, "quantity": 1}],
                            "proration_behavior": "none",
                            **carried,
                        },
                    ],
                },
            ),
        )
        assert [len(p.discounts) for p in updated.phases] == ([1, 1] if keep else [0, 0])
        outcomes[sub.id] = discount
    # Left out of the current phase, the discount ends now; kept, it is the same discount.
    now_lost: Any = await stripe_client.v1.subscriptions.retrieve_async(lost.id)
    now_kept: Any = await stripe_client.v1.subscriptions.retrieve_async(kept.id)
    assert (now_lost.discounts, now_kept.discounts) == ([], [outcomes[kept.id]])
    for clock in (kept_clock, lost_clock):
        await advance(stripe_client, clock, MAY_1 + 3600)
    renewals = {}
    for sub in (kept, lost):
        moved = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
        renewals[sub.id] = (
            await stripe_client.v1.invoices.retrieve_async(str(moved.latest_invoice))
        ).amount_due
    assert renewals == {kept.id: 500, lost.id: 1000}
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await stripe_client.v1.subscription_schedules.update_async(
            schedule.id,
            {
                "phases": [
                    {
                        "items": [{"price": catalog.basic_monthly.id}],
                        "discounts": [{"discount": outcomes[kept.id]}],
                        "start_date": MAY_1,
                    }
                ]
            },
        )
    assert foreign.value.param == "phases[0][discounts][0][discount]"


async def test_a_preview_of_new_phases_for_a_schedule(stripe_client: stripe.StripeClient) -> None:
    """`create_preview` with `schedule` and `schedule_details`: the next invoice as if the
    schedule had those phases, the schedule itself untouched."""
    catalog = await make_catalog(stripe_client)
    clock, sub = await _subscribed(stripe_client, catalog.pro_monthly.id)
    await advance(stripe_client, clock, APRIL_1 + 10 * DAY)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": sub.id}
    )

    def phases(price: str, quantity: int) -> list[Any]:
        return [
            {
                "start_date": APRIL_1,
                "end_date": MAY_1,
                "items": [{"price": catalog.pro_monthly.id, "quantity": 1}],
            },
            {"items": [{"price": price, "quantity": quantity}], "proration_behavior": "none"},
        ]

    await stripe_client.v1.subscription_schedules.update_async(
        schedule.id, {"phases": phases(catalog.basic_monthly.id, 2), "end_behavior": "release"}
    )
    queued = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert queued.amount_due == 2000
    replaced = await stripe_client.v1.invoices.create_preview_async(
        {
            "schedule": schedule.id,
            "schedule_details": {
                "phases": phases(catalog.basic_monthly.id, 1),
                "end_behavior": "release",
            },
        }
    )
    assert replaced.amount_due == 1000
    assert replaced.customer == sub.customer
    assert [line.period.start for line in replaced.lines.data] == [MAY_1]
    # A preview changes nothing.
    again = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert [(i.price, i.quantity) for i in again.phases[-1].items] == [
        (catalog.basic_monthly.id, 2)
    ]
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.invoices.create_preview_async(
            {"schedule": schedule.id, "subscription": sub.id}
        )
    assert refused.value.param == "subscription"
