"""The demo seed: an emulator started with it serves every customer state the demo shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import stripe
from aiohttp import web
from billing_support import DAY, ts
from stripe_emulator.app import RUNTIME, create_app
from stripe_emulator.seed import seed_demo
from stripe_emulator.server import build
from stripe_emulator.state import Emulator
from stripe_emulator.testing import TEST_API_KEY as API_KEY
from stripe_schema import StripeSchemas

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

NOW = ts(2026, 11, 20, 9)
BILLING_TYPES = (
    "subscription",
    "subscription_item",
    "subscription_schedule",
    "invoice",
    "invoiceitem",
    "invoice_payment",
    "test_helpers.test_clock",
)

SCHEMAS = StripeSchemas.load()


@pytest.fixture
async def seeded() -> AsyncIterator[tuple[str, stripe.StripeClient, Emulator]]:
    emu = Emulator(seed=7)
    seed_demo(emu, now=NOW)
    app = create_app(emu)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}"
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": url}, http_client=http, max_network_retries=0
    )
    yield url, client, app[RUNTIME].emu
    await http.close_async()
    await runner.cleanup()


async def _roles(url: str) -> dict[str, str]:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/_emulator/seed") as resp:
        assert resp.status == 200
        roles: dict[str, str] = await resp.json()
        return roles


async def _only_subscription(client: stripe.StripeClient, customer: str) -> stripe.Subscription:
    subs = await client.v1.subscriptions.list_async({"customer": customer, "status": "all"})
    (sub,) = subs.data
    return sub


async def test_the_seed_endpoint_lists_customers_by_role(
    seeded: tuple[str, stripe.StripeClient, Emulator],
) -> None:
    url, client, _ = seeded
    roles = await _roles(url)
    assert sorted(roles) == ["active", "canceling", "past_due", "paused", "trialing"]
    for role, customer_id in roles.items():
        customer = await client.v1.customers.retrieve_async(customer_id)
        assert customer.metadata is not None
        assert customer.metadata["demo_role"] == role
        assert customer.email == f"{role.replace('_', '-')}@demo.example"
        assert customer.invoice_settings is not None
        assert customer.invoice_settings.default_payment_method is not None


async def test_the_catalog_and_portal_configuration(
    seeded: tuple[str, stripe.StripeClient, Emulator],
) -> None:
    _, client, _ = seeded
    products = {p.name: p for p in (await client.v1.products.list_async()).data}
    assert sorted(products) == ["Basic", "Enterprise", "Pro"]
    prices = await client.v1.prices.list_async({"limit": 100})
    by_key: dict[str, stripe.Price] = {}
    for p in prices.data:
        assert p.lookup_key is not None, p.id
        by_key[p.lookup_key] = p
    assert {key: by_key[key].unit_amount for key in sorted(by_key)} == {
        "basic_monthly": 900,
        "basic_yearly": 9000,
        "enterprise_monthly": 9900,
        "enterprise_yearly": 99000,
        "pro_monthly": 2000,
        "pro_yearly": 20000,
    }
    assert by_key["pro_yearly"].recurring is not None
    assert by_key["pro_yearly"].recurring.interval == "year"
    configs = await client.v1.billing_portal.configurations.list_async(
        {"is_default": True, "expand": ["data.features.subscription_update.products"]}
    )
    (config,) = configs.data
    features = config.features
    assert features.subscription_cancel.enabled is True
    assert features.subscription_cancel.mode == "at_period_end"
    assert features.subscription_cancel.cancellation_reason.enabled is True
    update = features.subscription_update
    assert update.proration_behavior == "create_prorations"
    assert sorted(c.type for c in update.schedule_at_period_end.conditions) == [
        "decreasing_item_amount",
        "shortening_interval",
    ]
    assert update.products is not None
    pro = next(p for p in update.products if p.product == products["Pro"].id)
    assert pro.adjustable_quantity.enabled is True
    assert (pro.adjustable_quantity.minimum, pro.adjustable_quantity.maximum) == (1, 50)
    assert len(update.products) == 3
    assert features.subscription_pause.enabled is True
    assert features.invoice_history.enabled is True


async def test_every_customer_state(seeded: tuple[str, stripe.StripeClient, Emulator]) -> None:
    url, client, _ = seeded
    roles = await _roles(url)

    active = await _only_subscription(client, roles["active"])
    assert active.status == "active"
    assert (active.items.data[0].quantity, active.items.data[0].price.lookup_key) == (
        3,
        "pro_monthly",
    )
    history = await client.v1.invoices.list_async({"customer": roles["active"], "limit": 100})
    assert len(history.data) == 13  # the first invoice and twelve monthly renewals
    assert all(i.status == "paid" and i.amount_paid == 6000 for i in history.data)
    assert history.data[0].created > NOW - 31 * DAY

    trialing = await _only_subscription(client, roles["trialing"])
    assert trialing.status == "trialing"
    assert trialing.trial_start is not None
    assert trialing.trial_end == trialing.trial_start + 14 * DAY

    canceling = await _only_subscription(client, roles["canceling"])
    assert (canceling.status, canceling.cancel_at_period_end) == ("active", True)
    assert canceling.cancel_at == canceling.items.data[0].current_period_end
    assert canceling.items.data[0].price.lookup_key == "enterprise_monthly"

    paused = await _only_subscription(client, roles["paused"])
    assert paused.status == "active"
    assert paused.pause_collection is not None
    assert paused.pause_collection.behavior == "void"

    late = await _only_subscription(client, roles["past_due"])
    assert late.status == "past_due"
    invoices = (await client.v1.invoices.list_async({"customer": roles["past_due"]})).data
    assert [i.status for i in invoices] == ["open", "paid"]
    assert invoices[0].billing_reason == "subscription_cycle"


async def test_seeded_billing_objects_match_stripe_schemas(
    seeded: tuple[str, stripe.StripeClient, Emulator],
) -> None:
    _, _, emu = seeded
    problems: list[str] = []
    for obj in list(emu.objects.values()):
        if obj["object"] in BILLING_TYPES:
            problems += SCHEMAS.stored(emu.render(obj), f"stored {obj['id']}")
        if obj["object"] == "event" and obj["data"]["object"]["object"] in BILLING_TYPES:
            problems += SCHEMAS.event(emu.render(obj), f"event {obj['type']}")
    assert not problems, "\n".join(problems)


def test_the_demo_build_is_deterministic() -> None:
    first, second = build("demo"), build("demo")
    ids = sorted(o["id"] for o in first.objects.values() if o["object"] != "event")
    assert ids == sorted(o["id"] for o in second.objects.values() if o["object"] != "event")
    assert build(None).objects == {}


async def test_the_seed_has_promotion_codes_the_demo_portal_accepts(
    seeded: tuple[str, stripe.StripeClient, Emulator],
) -> None:
    url, client, _ = seeded
    configs = await client.v1.billing_portal.configurations.list_async(
        {"is_default": True, "expand": ["data.features.subscription_update"]}
    )
    [config] = configs.data
    assert "promotion_code" in (config.features.subscription_update.default_allowed_updates or [])
    codes = await client.v1.promotion_codes.list_async({"active": True, "limit": 10})
    found = {promo.code: promo for promo in codes.data}
    assert set(found) == {"WELCOME20", "SAVE5"}
    welcome: Any = found["WELCOME20"].promotion.coupon
    coupon = await client.v1.coupons.retrieve_async(str(welcome))
    assert (coupon.name, coupon.percent_off, coupon.duration, coupon.duration_in_months) == (
        "Welcome offer",
        20.0,
        "repeating",
        3,
    )
    # Applying one works: Stripe takes it on a demo subscription.
    roles = await _roles(url)
    sub = await _only_subscription(client, roles["trialing"])
    updated = await client.v1.subscriptions.update_async(
        sub.id, {"discounts": [{"promotion_code": found["SAVE5"].id}]}
    )
    assert len(updated.discounts) == 1
