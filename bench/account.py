"""The Stripe account the benchmarks run against, created through the real SDK over HTTP.

Every customer looks like a busy portal user: three subscriptions (two of them with a
support add-on beside the plan; the last one alone, so the portal may update it), two
cards, a tax ID, and months of invoices (each customer lives on its own test clock,
advanced month by month). The portal configuration lists the catalog, so `plans`,
`availableActions` and `availablePrices` have real work to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import stripe
from harness import STRIPE_KEY

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from stripe.params import SubscriptionCreateParamsItem

Interval = Literal["day", "week", "month", "year"]
DAY = 86_400
MONTH = 31 * DAY
# (product, monthly cents, yearly cents)
PLANS = (("Basic", 900, 9_000), ("Pro", 2_000, 20_000), ("Team", 4_900, 49_000))
ADD_ON = ("Priority support", 500)
SUBSCRIPTIONS_PER_CUSTOMER = 3
SEED_CONCURRENCY = 8


@dataclass(frozen=True)
class Catalog:
    products: dict[str, str]  # name -> prod_...
    monthly: dict[str, str]  # name -> price_...
    yearly: dict[str, str]
    add_on_product: str
    add_on_price: str


@dataclass(frozen=True)
class BenchCustomer:
    id: str
    subscriptions: tuple[str, ...]
    cards: tuple[str, ...]
    tax_id: str


@contextlib.asynccontextmanager
async def stripe_client(emulator_url: str) -> AsyncIterator[stripe.StripeClient]:
    """The real async SDK pointed at the emulator (its HTTP session closed at the end)."""
    http = stripe.AIOHTTPClient()
    try:
        yield stripe.StripeClient(
            STRIPE_KEY,
            base_addresses={"api": emulator_url},
            http_client=http,
            max_network_retries=0,
        )
    finally:
        await http.close_async()


async def _price(client: stripe.StripeClient, product: str, amount: int, interval: Interval) -> str:
    price = await client.v1.prices.create_async(
        {
            "product": product,
            "unit_amount": amount,
            "currency": "usd",
            "recurring": {"interval": interval},
        }
    )
    return price.id


async def create_catalog(client: stripe.StripeClient) -> Catalog:
    products: dict[str, str] = {}
    monthly: dict[str, str] = {}
    yearly: dict[str, str] = {}
    for name, month_cents, year_cents in PLANS:
        product = await client.v1.products.create_async({"name": name})
        products[name] = product.id
        monthly[name] = await _price(client, product.id, month_cents, "month")
        yearly[name] = await _price(client, product.id, year_cents, "year")
    add_on = await client.v1.products.create_async({"name": ADD_ON[0]})
    add_on_price = await _price(client, add_on.id, ADD_ON[1], "month")
    return Catalog(products, monthly, yearly, add_on.id, add_on_price)


async def create_customer(
    client: stripe.StripeClient, catalog: Catalog, index: int, *, months: int
) -> BenchCustomer:
    """One portal user: on a test clock `months` old, with subscriptions, cards and a tax ID."""
    start = int(time.time()) - months * MONTH - DAY
    clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": start})
    customer = await client.v1.customers.create_async(
        {
            "email": f"user{index}@bench.example",
            "name": f"Bench User {index}",
            "phone": "+49 30 1234567",
            "address": {
                "line1": "1 Main St",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "DE",
            },
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
            "test_clock": clock.id,
        }
    )
    second = await client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": customer.id}
    )
    tax_id = await client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": f"DE{100_000_000 + index}"}
    )
    subscriptions = []
    for number, (name, _, _) in enumerate(PLANS[:SUBSCRIPTIONS_PER_CUSTOMER]):
        items: list[SubscriptionCreateParamsItem] = [
            {"price": catalog.monthly[name], "quantity": number + 1}
        ]
        if number < SUBSCRIPTIONS_PER_CUSTOMER - 1:
            # The portal updates single-item subscriptions only: the last one stays alone.
            items.append({"price": catalog.add_on_price})
        sub = await client.v1.subscriptions.create_async({"customer": customer.id, "items": items})
        subscriptions.append(sub.id)
    for month in range(1, months + 1):
        await client.v1.test_helpers.test_clocks.advance_async(
            clock.id, {"frozen_time": start + month * MONTH}
        )
    card = customer.invoice_settings.default_payment_method  # type: ignore[union-attr]
    return BenchCustomer(customer.id, tuple(subscriptions), (str(card), second.id), tax_id.id)


async def create_customers(
    client: stripe.StripeClient, catalog: Catalog, count: int, *, months: int, first: int = 0
) -> list[BenchCustomer]:
    gate = asyncio.Semaphore(SEED_CONCURRENCY)

    async def one(index: int) -> BenchCustomer:
        async with gate:
            return await create_customer(client, catalog, index, months=months)

    return list(await asyncio.gather(*(one(first + i) for i in range(count))))


def portal_configuration(catalog: Catalog) -> list[dict[str, Any]]:
    """One default configuration with every feature on and the whole catalog allowed."""
    return [
        {
            "id": "bench",
            "is_default": True,
            "business_profile": {"headline": "Bench billing"},
            "default_return_url": "https://bench.example/account",
            "features": {
                "customer_update": {
                    "enabled": True,
                    "allowed_updates": ["email", "name", "address", "shipping", "phone", "tax_id"],
                },
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "cancellation_reason": {
                        "enabled": True,
                        "options": ["too_expensive", "unused", "other"],
                    },
                },
                "subscription_pause": {"enabled": True},
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price", "quantity"],
                    "proration_behavior": "create_prorations",
                    # A switch to a shorter interval waits for the period end (a schedule).
                    "schedule_at_period_end": {"conditions": [{"type": "shortening_interval"}]},
                    "products": [
                        {
                            "product": catalog.products[name],
                            "prices": [catalog.monthly[name], catalog.yearly[name]],
                            "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 20},
                        }
                        for name, _, _ in PLANS
                    ],
                },
            },
        }
    ]


def write_portal_configuration(catalog: Catalog, path: Path) -> Path:
    path.write_text(json.dumps(portal_configuration(catalog)), encoding="utf-8")
    return path
