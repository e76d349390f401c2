"""A schedule's `pause_schedules`: a timed pause that Stripe resumes by itself on a test clock."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from billing_support import APRIL_1, DAY, TIMES, advance, make_catalog, make_clock, make_customer

# A month after 16 Apr.
MAY_16 = APRIL_1 + 45 * DAY


async def _events(client: stripe.StripeClient, pattern: str) -> list[str]:
    events = await client.v1.events.list_async({"limit": 100, "type": pattern})
    return [e.type for e in reversed(events.data)]


async def _paused_for_a_month(
    client: stripe.StripeClient, **resume_settings: Any
) -> tuple[str, stripe.Subscription, stripe.SubscriptionSchedule]:
    catalog = await make_catalog(client)
    clock = await make_clock(client)
    customer = await make_customer(client, clock)
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await advance(client, clock, APRIL_1 + 15 * DAY)
    resume: dict[str, Any] = {
        "resume_at": {"type": "duration", "duration": {"interval": "month", "interval_count": 1}}
    }
    if resume_settings:
        resume["settings"] = resume_settings
    params: Any = {
        "from_subscription": sub.id,
        "pause_schedules": [{"pause": {"pause_at": {"type": "now"}}, "resume": resume}],
    }
    schedule = await client.v1.subscription_schedules.create_async(params)
    return clock, sub, schedule


async def test_a_pause_due_now_pauses_in_the_same_request(
    stripe_client: stripe.StripeClient,
) -> None:
    _, sub, schedule = await _paused_for_a_month(stripe_client)
    (entry,) = schedule.pause_schedules
    assert entry.key
    assert (entry.pause.pause_at, entry.pause.status.type) == (APRIL_1 + 15 * DAY, "succeeded")
    assert entry.pause.settings is not None
    assert entry.pause.settings.invoicing_behavior == "pending_invoice_item"
    assert entry.pause.settings.bill_for.unused_time_from.type == "pause_at"
    assert entry.resume is not None
    assert (entry.resume.resume_at, entry.resume.status.type) == (MAY_16, "scheduled")
    settings = entry.resume.settings
    assert (
        settings.billing_cycle_anchor,
        settings.payment_behavior,
        settings.proration_behavior,
    ) == ("resume_at", "resume_on_payment_success", "create_prorations")
    paused = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (paused.status, paused.schedule) == ("paused", schedule.id)
    assert paused.status_details is not None
    assert paused.status_details.paused.subscription.type == "pause_requested"
    assert await _events(stripe_client, "customer.subscription.paused") == [
        "customer.subscription.paused"
    ]


async def test_the_clock_resumes_at_the_date_and_the_schedule_then_ends(
    stripe_client: stripe.StripeClient,
) -> None:
    clock, sub, schedule = await _paused_for_a_month(stripe_client)
    # The phase ends on 1 May while paused: the schedule waits for the resume.
    await advance(stripe_client, clock, MAY_16 - DAY)
    waiting = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert waiting.status == "active"
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "paused"
    assert len((await stripe_client.v1.invoices.list_async({"subscription": sub.id})).data) == 1
    await advance(stripe_client, clock, MAY_16 + DAY)
    resumed = await stripe_client.v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["latest_invoice"]}
    )
    assert resumed.status == "active"
    assert resumed.billing_cycle_anchor == MAY_16
    assert resumed.schedule is None
    invoice = resumed.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    # A new period from the resume date, less the unused time credited at the pause.
    assert sorted((line.description, line.amount) for line in invoice.lines.data) == [
        (f"1 {TIMES} Pro (at $20.00 / month)", 2000),
        ("Unused time on Pro after 16 Apr 2026", -1000),
    ]
    assert (invoice.status, invoice.amount_paid) == ("paid", 1000)
    done = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    assert done.status == "released"
    (entry,) = done.pause_schedules
    assert entry.resume is not None
    assert entry.resume.status.type == "succeeded"
    assert await _events(stripe_client, "customer.subscription.resumed") == [
        "customer.subscription.resumed"
    ]
    assert "subscription_schedule.released" in await _events(
        stripe_client, "subscription_schedule.*"
    )


async def test_a_declined_resumption_leaves_it_paused_with_the_error(
    stripe_client: stripe.StripeClient,
) -> None:
    clock, sub, schedule = await _paused_for_a_month(stripe_client)
    customer = str(sub.customer)
    failing = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": failing.id}}
    )
    await advance(stripe_client, clock, MAY_16 + DAY)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "paused"
    entry = (
        await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    ).pause_schedules[0]
    assert entry.resume is not None
    assert entry.resume.status.type == "error"
    assert entry.resume.status.error is not None


async def test_clearing_the_resume_keeps_it_paused_until_resumed_by_hand(
    stripe_client: stripe.StripeClient,
) -> None:
    clock, sub, schedule = await _paused_for_a_month(stripe_client)
    (entry,) = schedule.pause_schedules
    updated = await stripe_client.v1.subscription_schedules.update_async(
        schedule.id, {"pause_schedules": [{"key": entry.key, "resume": ""}]}
    )
    assert updated.pause_schedules[0].resume is None
    released = await stripe_client.v1.subscription_schedules.release_async(schedule.id)
    assert released.status == "released"
    await advance(stripe_client, clock, MAY_16 + 5 * DAY)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "paused"
    resumed = await stripe_client.v1.subscriptions.resume_async(sub.id)
    assert resumed.status == "active"


async def test_a_resume_date_for_a_subscription_paused_already(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    await stripe_client.v1.subscriptions.pause_async(sub.id)
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {
            "from_subscription": sub.id,
            "pause_schedules": [
                {"resume": {"resume_at": {"type": "timestamp", "timestamp": APRIL_1 + 7 * DAY}}}
            ],
        }
    )
    assert schedule.pause_schedules[0].pause.status.type == "succeeded"
    await advance(stripe_client, clock, APRIL_1 + 8 * DAY)
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub.id)).status == "active"


@pytest.mark.parametrize(
    ("entry", "param"),
    [
        (
            {
                "pause": {"pause_at": {"type": "now"}},
                "resume": {
                    "resume_at": {
                        "type": "duration",
                        "duration": {"interval": "month", "interval_count": 10**9},
                    }
                },
            },
            "pause_schedules[0][resume][resume_at][duration][interval_count]",
        ),
        (
            {
                "pause": {"pause_at": {"type": "now"}},
                "resume": {"resume_at": {"type": "timestamp", "timestamp": APRIL_1 - DAY}},
            },
            "pause_schedules[0][resume][resume_at]",
        ),
        ({"resume": {"resume_at": {"type": "now"}}}, "pause_schedules[0][pause]"),
    ],
)
async def test_bad_pause_schedules_are_refused_by_name(
    stripe_client: stripe.StripeClient, entry: dict[str, Any], param: str
) -> None:
    catalog = await make_catalog(stripe_client)
    clock = await make_clock(stripe_client)
    customer = await make_customer(stripe_client, clock)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    params: Any = {"from_subscription": sub.id, "pause_schedules": [entry]}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await stripe_client.v1.subscription_schedules.create_async(params)
    assert caught.value.param == param
    # Nothing was made: the subscription is still free of schedules and active.
    after = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (after.status, after.schedule) == ("active", None)


async def test_classic_billing_mode_cannot_be_paused_by_schedule(
    stripe_client: stripe.StripeClient,
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog.pro_monthly.id}],
            "billing_mode": {"type": "classic"},
        }
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await stripe_client.v1.subscription_schedules.create_async(
            {
                "from_subscription": sub.id,
                "pause_schedules": [{"pause": {"pause_at": {"type": "now"}}}],
            }
        )
    assert caught.value.param == "pause_schedules"


async def test_the_preview_of_a_paused_subscription_is_its_resumption(
    stripe_client: stripe.StripeClient,
) -> None:
    """The next invoice of a subscription paused until a date is the one its resume makes."""
    clock, sub, _ = await _paused_for_a_month(stripe_client)
    preview = await stripe_client.v1.invoices.create_preview_async(
        {"customer": str(sub.customer), "subscription": sub.id}
    )
    assert preview.amount_due == 1000
    assert preview.created == MAY_16
    await advance(stripe_client, clock, MAY_16 + DAY)
    resumed = await stripe_client.v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["latest_invoice"]}
    )
    invoice = resumed.latest_invoice
    assert not isinstance(invoice, str)
    assert invoice is not None
    assert (invoice.amount_paid, invoice.created) == (preview.amount_due, preview.created)
