"""Customers: the portal's subject. Reads are cached briefly per customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Customer
from . import ids
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing


async def fetch_customer(billing: Billing, customer_id: str) -> Customer:
    """The customer, or `NotFound` when it is missing or deleted."""
    if not is_stripe_id(customer_id, ids.CUSTOMER):
        raise NotFound("Customer")

    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            # The test clock rides along: its time is "now" for this customer's policy.
            return await get_json(
                billing, stripe_path("/v1/customers/{}", customer_id), {"expand": ["test_clock"]}
            )

    customer = await billing.cache.customer_cached(
        customer_id, "customer", billing.customer_ttl, load, parse_customer
    )
    if customer is None:
        raise NotFound("Customer")
    return customer


def parse_customer(data: Any) -> Customer | None:
    """The customer, or None when Stripe answered with a deleted one."""
    if data.get("deleted") or data.get("object") != "customer":
        return None
    return Customer.from_stripe(data)
