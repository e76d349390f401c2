"""Every billing object the emulator makes has the shape the `stripe` SDK declares.

A scenario drives each billing state (trials, prorations pending and invoiced,
schedules, pauses, cancellations, previews, clocks); every stored billing
object, every event about one, and the preview bodies are then checked field
by field against the SDK's resource classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import aiohttp
from billing_support import (
    APRIL_1,
    DAY,
    MAY_1,
    advance,
    make_catalog,
    make_clock,
    make_customer,
)
from stripe_emulator.testing import TEST_API_KEY as API_KEY
from stripe_schema import StripeSchemas

if TYPE_CHECKING:
    import stripe
    from stripe.params import SubscriptionCreateParams
    from stripe_emulator.testing import RunningEmulator

BILLING_TYPES = frozenset(
    {
        "subscription",
        "subscription_item",
        "subscription_schedule",
        "invoice",
        "invoiceitem",
        "invoice_payment",
        "discount",
        "test_helpers.test_clock",
    }
)

SCHEMAS = StripeSchemas.load()


async def _scenario(client: stripe.StripeClient) -> str:
    catalog = await make_catalog(client)
    clock = await make_clock(client)
    customer = await make_customer(client, clock)
    subs = client.v1.subscriptions

    async def subscribe(price: str, **extra: Any) -> stripe.Subscription:
        return await subs.create_async(
            cast(
                "SubscriptionCreateParams",
                {"customer": customer.id, "items": [{"price": price}], **extra},
            )
        )

    trialing = await subscribe(catalog.basic_monthly.id, trial_period_days=10)
    changing = await subscribe(catalog.seat_monthly.id)
    scheduled = await subscribe(catalog.pro_monthly.id)
    paused = await subscribe(catalog.pro_yearly.id)
    coupon = await client.v1.coupons.create_async({"percent_off": 10, "duration": "forever"})
    await subscribe(catalog.pro_monthly.id, discounts=[{"coupon": coupon.id}])
    held = await subscribe(
        catalog.basic_monthly.id, collection_method="send_invoice", days_until_due=7
    )
    await advance(client, clock, APRIL_1 + 5 * DAY)
    await subs.update_async(
        changing.id, {"items": [{"id": changing.items.data[0].id, "quantity": 4}]}
    )
    await subs.update_async(
        changing.id,
        {
            "items": [{"price": catalog.basic_monthly.id}],
            "proration_behavior": "always_invoice",
        },
    )
    schedule = await client.v1.subscription_schedules.create_async(
        {"from_subscription": scheduled.id}
    )
    await client.v1.subscription_schedules.update_async(
        schedule.id,
        {
            "phases": [
                {
                    "start_date": APRIL_1,
                    "end_date": MAY_1,
                    "items": [{"price": catalog.pro_monthly.id}],
                },
                {"items": [{"price": catalog.basic_monthly.id}], "proration_behavior": "none"},
            ]
        },
    )
    await subs.pause_async(paused.id)
    await subs.update_async(held.id, {"pause_collection": {"behavior": "keep_as_draft"}})
    await subs.update_async(trialing.id, {"cancel_at_period_end": True})
    await advance(client, clock, MAY_1 + DAY)
    await subs.cancel_async(held.id, {"prorate": True, "invoice_now": True})
    await subs.resume_async(paused.id)
    await subs.update_async(
        changing.id, {"items": [{"id": changing.items.data[0].id, "quantity": 2}]}
    )
    return changing.id


async def _raw_preview(emulator: RunningEmulator, form: dict[str, str]) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emulator.url}/v1/invoices/create_preview",
            data=form,
            headers={"Authorization": f"Bearer {API_KEY}"},
        ) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.json()


async def test_every_billing_object_matches_stripe_schemas(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    sub_id = await _scenario(stripe_client)
    emu = emulator.emu
    seen = {obj["object"] for obj in emu.objects.values()}
    assert seen >= BILLING_TYPES
    statuses = {s["status"] for s in emu.find("subscription")}
    assert statuses >= {"active", "canceled"}
    assert any(ii["invoice"] is None for ii in emu.find("invoiceitem"))
    problems: list[str] = []
    for obj in list(emu.objects.values()):
        if obj["object"] in BILLING_TYPES:
            problems += SCHEMAS.stored(emu.render(obj), f"stored {obj['id']}")
        elif obj["object"] == "event" and obj["data"]["object"]["object"] in BILLING_TYPES:
            problems += SCHEMAS.event(emu.render(obj), f"event {obj['type']}")
    item = emu.find("subscription", lambda s: s["id"] == sub_id)[0]["_items"][0]
    previews = [
        {"subscription": sub_id},
        {
            "subscription": sub_id,
            "subscription_details[items][0][id]": item,
            "subscription_details[items][0][quantity]": "7",
            "subscription_details[proration_behavior]": "always_invoice",
        },
    ]
    for form in previews:
        problems += SCHEMAS.response(
            "POST", "/v1/invoices/create_preview", await _raw_preview(emulator, form), []
        )
    assert not problems, "\n".join(problems)
