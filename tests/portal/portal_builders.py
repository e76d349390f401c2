"""Builders for the policy tests: configurations in Stripe's JSON shape and typed billing views."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from gateway.models import (
    Customer,
    PauseCollection,
    PaymentMethod,
    Price,
    Subscription,
    SubscriptionItem,
)
from gateway.portal.configuration import Configuration
from gateway.portal.context import PolicyContext

if TYPE_CHECKING:
    from gateway.portal.flows import Flow

NOW = 1_800_000_000
DAY = 86_400
PERIOD_START = NOW - 10 * DAY
PERIOD_END = NOW + 20 * DAY

# A configuration as Stripe's API returns it (products expanded), with everything on.
FULL: dict[str, Any] = {
    "id": "bpc_full",
    "object": "billing_portal.configuration",
    "active": True,
    "application": None,
    "business_profile": {
        "headline": "Manage your plan",
        "privacy_policy_url": "https://example.com/privacy",
        "terms_of_service_url": "https://example.com/terms",
    },
    "created": 1_700_000_000,
    "default_return_url": "https://example.com/account",
    "features": {
        "customer_update": {
            "allowed_updates": ["email", "address", "shipping", "phone", "tax_id", "name"],
            "enabled": True,
        },
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {
                "enabled": True,
                "options": ["too_expensive", "missing_features", "other"],
            },
            "enabled": True,
            "mode": "at_period_end",
            "proration_behavior": "none",
        },
        "subscription_pause": {
            "duration": {
                "interval_options": [{"interval": "month", "interval_count": 1}],
                "type": "interval_options",
            },
            "enabled": True,
        },
        "subscription_update": {
            "billing_cycle_anchor": None,
            "default_allowed_updates": ["price", "quantity", "promotion_code"],
            "enabled": True,
            "products": [
                {
                    "adjustable_quantity": {"enabled": True, "maximum": 50, "minimum": 1},
                    "prices": ["price_basic_m", "price_basic_y"],
                    "product": "prod_BASIC",
                },
                {
                    "adjustable_quantity": {"enabled": True, "maximum": None, "minimum": 1},
                    "prices": ["price_pro_m", "price_pro_y", "price_pro_eur"],
                    "product": "prod_PRO",
                },
            ],
            "proration_behavior": "create_prorations",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    },
    "is_default": True,
    "livemode": False,
    "login_page": {"enabled": False, "url": None},
    "metadata": {},
    "name": None,
    "updated": 1_700_000_000,
}


def config_data(**changes: Any) -> dict[str, Any]:
    """FULL with dotted-path changes: config_data(**{"features.subscription_cancel.mode": "x"})."""
    data = copy.deepcopy(FULL)
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return data


def config(**changes: Any) -> Configuration:
    return Configuration.model_validate(config_data(**changes))


def ctx(configuration: Configuration | None = None, flow: Flow | None = None) -> PolicyContext:
    return PolicyContext(configuration or config(), flow, NOW)


PRICES: dict[str, Price] = {
    "price_basic_m": Price("price_basic_m", "prod_BASIC", True, "usd", 1000, "recurring", "month"),
    "price_basic_y": Price("price_basic_y", "prod_BASIC", True, "usd", 10000, "recurring", "year"),
    "price_pro_m": Price("price_pro_m", "prod_PRO", True, "usd", 3000, "recurring", "month"),
    "price_pro_y": Price("price_pro_y", "prod_PRO", True, "usd", 30000, "recurring", "year"),
    "price_pro_eur": Price("price_pro_eur", "prod_PRO", True, "eur", 2800, "recurring", "month"),
    "price_pro_old": Price("price_pro_old", "prod_PRO", False, "usd", 2500, "recurring", "month"),
    "price_setup": Price("price_setup", "prod_PRO", True, "usd", 5000, "one_time"),
    "price_metered": Price(
        "price_metered", "prod_PRO", True, "usd", 10, "recurring", "month", usage_type="metered"
    ),
    "price_other": Price("price_other", "prod_OTHER", True, "usd", 900, "recurring", "month"),
}


def item(
    price_id: str = "price_pro_m", quantity: int = 1, item_id: str = "si_1"
) -> SubscriptionItem:
    return SubscriptionItem(item_id, PRICES[price_id], quantity, PERIOD_START, PERIOD_END)


def subscription(
    price_id: str = "price_pro_m",
    quantity: int = 1,
    *,
    sub_id: str = "sub_1",
    items: tuple[SubscriptionItem, ...] | None = None,
    pause: PauseCollection | None = None,
    **fields: Any,
) -> Subscription:
    values: dict[str, Any] = {
        "id": sub_id,
        "customer_id": "cus_1",
        "status": "active",
        "items": items if items is not None else (item(price_id, quantity),),
        "currency": "usd",
        "pause_collection": pause,
    }
    values.update(fields)
    return Subscription(**values)


def customer(default_payment_method: str | None = "pm_1") -> Customer:
    return Customer(
        id="cus_1",
        email="ada@example.com",
        name="Ada",
        phone=None,
        address=None,
        shipping=None,
        default_payment_method_id=default_payment_method,
    )


def card(pm_id: str, created: int = 1, customer_id: str | None = "cus_1") -> PaymentMethod:
    return PaymentMethod(id=pm_id, customer_id=customer_id, type="card", card=None, created=created)
