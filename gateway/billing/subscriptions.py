"""Subscriptions, read with their items, prices and schedule in one request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Subscription
from . import ids, subscription_ids
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .ownership import owned_by
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing

PAGE_SIZE = 100
# Items come with their prices; the schedule (a queued change) only when expanded. Products
# would be `data.items.data.price.product`, one level deeper than Stripe allows: callers
# take them from the catalog. The test clock gives the customer's "now" (a write's policy
# needs it) without reading the customer. Discounts come with their coupon's terms and the
# code the customer typed, so the portal can show what is taken off.
DISCOUNT_EXPAND = ["discounts.source.coupon", "discounts.promotion_code"]
LIST_EXPAND = ["data.schedule", "data.test_clock", *(f"data.{p}" for p in DISCOUNT_EXPAND)]
RETRIEVE_EXPAND = ["schedule", "test_clock", *DISCOUNT_EXPAND]
# One long-lived build function per document kind (see `Cache.customer_cached`).
_subscription = Subscription.from_stripe


async def list_subscriptions(billing: Billing, customer_id: str) -> tuple[Subscription, ...]:
    """The customer's subscriptions that have not ended (Stripe's default list), newest first."""

    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            data = await get_json(
                billing,
                "/v1/subscriptions",
                {"customer": customer_id, "limit": PAGE_SIZE, "expand": LIST_EXPAND},
            )
        await subscription_ids.remember_subscription_ids(billing, customer_id, data.get("data"))
        return data

    found = await billing.cache.customer_cached(
        customer_id, "subscriptions", billing.customer_ttl, load, parse_subscriptions
    )
    return tuple(sub for sub in found if sub.customer_id == customer_id)


def parse_subscriptions(page: Any) -> tuple[Subscription, ...]:
    return tuple(Subscription.from_stripe(obj) for obj in page.get("data", []))


async def fetch_subscription(
    billing: Billing, customer_id: str, subscription_id: str
) -> Subscription:
    """One of the customer's subscriptions, ended ones included.

    Missing and someone else's both raise the same `NotFound`. Reads the cached list
    first, so a subscription the page already showed costs no extra request.
    """
    if not is_stripe_id(subscription_id, ids.SUBSCRIPTION):
        raise NotFound("Subscription")
    for sub in await list_subscriptions(billing, customer_id):
        if sub.id == subscription_id:
            return sub

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Subscription"):
            return await get_json(
                billing,
                stripe_path("/v1/subscriptions/{}", subscription_id),
                {"expand": RETRIEVE_EXPAND},
            )

    subscription = await billing.cache.customer_cached(
        customer_id,
        f"subscription:{subscription_id}",
        billing.customer_ttl,
        load,
        _subscription,
        keep=owned_by(customer_id),
    )
    if subscription.customer_id != customer_id:
        raise NotFound("Subscription")
    return subscription
