"""A small Stripe account for the gateway's tests, created through the real SDK.

Two customers with a card, a tax ID and a subscription each; Alice lives on a test clock
that has run for three months, so she has several invoices. The portal configurations
(Stripe's JSON shape) list the catalog's prices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe

DAY = 24 * 3600


@dataclass(frozen=True)
class Customer:
    id: str
    subscription: str
    item: str
    card: str
    tax_id: str
    invoices: tuple[str, ...]


@dataclass(frozen=True)
class World:
    basic_monthly: str
    basic_yearly: str
    pro_monthly: str
    legacy_monthly: str
    basic_product: str
    pro_product: str
    alice: Customer
    bob: Customer

    def configurations(self) -> list[dict[str, Any]]:
        """`full` (the default, every feature on), `minimal` (all off), `retired` (inactive)."""
        full = {
            "id": "full",
            "is_default": True,
            "business_profile": {
                "headline": "Acme billing",
                "privacy_policy_url": "https://acme.example/privacy",
                "terms_of_service_url": "https://acme.example/terms",
            },
            "default_return_url": "https://acme.example/account",
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
                    "products": [
                        {
                            "product": self.basic_product,
                            "prices": [self.basic_monthly, self.basic_yearly],
                            "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 10},
                        },
                        {"product": self.pro_product, "prices": [self.pro_monthly]},
                    ],
                    "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}]},
                },
            },
        }
        minimal = {"id": "minimal", "features": {}}
        retired = {"id": "retired", "active": False, "features": {}}
        return [full, minimal, retired]


async def _price(client: stripe.StripeClient, product: str, amount: int, interval: str) -> str:
    price = await client.v1.prices.create_async(
        {
            "product": product,
            "unit_amount": amount,
            "currency": "usd",
            "recurring": {"interval": interval},
        }
    )
    return price.id


async def _customer(
    client: stripe.StripeClient,
    *,
    email: str,
    name: str,
    price: str,
    vat: str,
    months: int = 0,
) -> Customer:
    start = int(time.time()) - 100 * DAY
    clock = None
    if months:
        clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": start})
    params: dict[str, Any] = {
        "email": email,
        "name": name,
        "address": {
            "line1": "1 Main St",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},
    }
    if clock is not None:
        params["test_clock"] = clock.id
    customer = await client.v1.customers.create_async(params)  # type: ignore[arg-type]
    card = customer.invoice_settings.default_payment_method  # type: ignore[union-attr]
    tax_id = await client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": vat}
    )
    subscription = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price}]}
    )
    if clock is not None:
        for month in range(1, months + 1):
            await client.v1.test_helpers.test_clocks.advance_async(
                clock.id, {"frozen_time": start + month * 31 * DAY}
            )
    invoices = await client.v1.invoices.list_async({"customer": customer.id, "limit": 100})
    return Customer(
        id=customer.id,
        subscription=subscription.id,
        item=subscription["items"].data[0].id,
        card=str(card),
        tax_id=tax_id.id,
        invoices=tuple(invoice.id for invoice in invoices.data if invoice.id),
    )


async def build_world(client: stripe.StripeClient) -> World:
    basic = await client.v1.products.create_async({"name": "Basic"})
    pro = await client.v1.products.create_async({"name": "Pro"})
    legacy = await client.v1.products.create_async({"name": "Legacy"})
    basic_monthly = await _price(client, basic.id, 1000, "month")
    basic_yearly = await _price(client, basic.id, 10000, "year")
    pro_monthly = await _price(client, pro.id, 3000, "month")
    legacy_monthly = await _price(client, legacy.id, 500, "month")
    alice = await _customer(
        client,
        email="alice@example.com",
        name="Alice",
        price=basic_monthly,
        vat="DE123456789",
        months=3,
    )
    bob = await _customer(
        client, email="bob@example.com", name="Bob", price=pro_monthly, vat="DE987654321"
    )
    return World(
        basic_monthly=basic_monthly,
        basic_yearly=basic_yearly,
        pro_monthly=pro_monthly,
        legacy_monthly=legacy_monthly,
        basic_product=basic.id,
        pro_product=pro.id,
        alice=alice,
        bob=bob,
    )
