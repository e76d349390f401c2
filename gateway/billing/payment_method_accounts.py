"""What a payment method change is decided on, in at most one Stripe read.

Making a card the default or removing one needs the customer (its default and its clock),
all its payment methods and the subscriptions that may charge them. When the portal has
just shown them they are cached and cost nothing. Otherwise one request brings them all:
the customer's payment methods with their customer expanded, that customer with its
current subscriptions (Stripe's includable `subscriptions`) and its test clock. Three
separate reads would cost three requests of the account's rate limit per change.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .customers import parse_customer
from .errors import stripe_errors
from .payment_methods import PAGE_SIZE, parse_payment_methods
from .stripe_json import get_json, stripe_path
from .subscriptions import list_subscriptions, parse_subscriptions

if TYPE_CHECKING:
    from ..models import Customer, PaymentMethod, Subscription
    from .client import Billing

# `data.customer.subscriptions` is three levels of Stripe's four; the subscriptions' own
# schedule and clock are not needed to decide which of them charge a card.
EXPAND = ["data.customer.subscriptions", "data.customer.test_clock"]


@dataclass(frozen=True)
class PaymentMethodAccount:
    payment_methods: tuple[PaymentMethod, ...]
    # None only when the customer has no payment method (no change can be made then).
    customer: Customer | None
    # Those that have not ended.
    subscriptions: tuple[Subscription, ...]


async def read_payment_method_account(
    billing: Billing, customer_id: str, *, fresh: bool = False
) -> PaymentMethodAccount:
    """The customer's payment methods, the customer and their subscriptions.

    `fresh`: from Stripe even when cached (a decision on what Stripe holds right now).
    A missing or deleted customer raises `NotFound("Customer")`.
    """
    cached = None if fresh else await _cached(billing, customer_id)
    if cached is not None:
        return cached
    with stripe_errors(noun="Customer"):
        page = await get_json(
            billing,
            stripe_path("/v1/customers/{}/payment_methods", customer_id),
            {"limit": PAGE_SIZE, "expand": EXPAND},
        )
    methods = tuple(pm for pm in parse_payment_methods(page) if pm.customer_id == customer_id)
    expanded: Any = next(
        (item["customer"] for item in page.get("data", []) if isinstance(item, dict)), None
    )
    if not methods or not isinstance(expanded, dict):
        return PaymentMethodAccount(methods, None, ())
    customer = parse_customer(expanded)
    listed = expanded.get("subscriptions") or {}
    if listed.get("has_more"):
        # More than a page of current subscriptions (ten): the full list, one more read.
        subscriptions = await list_subscriptions(billing, customer_id)
    else:
        subscriptions = parse_subscriptions(listed)
    return PaymentMethodAccount(methods, customer, subscriptions)


async def _cached(billing: Billing, customer_id: str) -> PaymentMethodAccount | None:
    if billing.customer_ttl <= 0:
        return None
    cache = billing.cache
    # At once: with Redis each peek is a network round trip.
    customer, methods, subscriptions = await asyncio.gather(
        cache.customer_peek(customer_id, "customer", parse_customer),
        cache.customer_peek(customer_id, "payment_methods", parse_payment_methods),
        cache.customer_peek(customer_id, "subscriptions", parse_subscriptions),
    )
    if customer is None or methods is None or subscriptions is None:
        return None
    return PaymentMethodAccount(
        tuple(pm for pm in methods if pm.customer_id == customer_id),
        customer,
        tuple(sub for sub in subscriptions if sub.customer_id == customer_id),
    )
