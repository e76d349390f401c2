"""Customers: the portal's subject, read with their tax IDs. Reads are cached per customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import Customer, TaxId
from . import ids
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing

# The test clock rides along: its time is "now" for this customer's policy. The tax IDs
# too (Stripe includes the first ten when asked), so the portal's customer section is one
# request, not two.
EXPAND = ["test_clock", "tax_ids"]


@dataclass(frozen=True)
class CustomerRecord:
    """The customer (None when deleted) and the tax IDs that came with it; None when the
    customer has more than Stripe includes (then `tax_ids.list_tax_ids` reads them all)."""

    customer: Customer | None
    tax_ids: tuple[TaxId, ...] | None


async def fetch_record(billing: Billing, customer_id: str) -> CustomerRecord:
    """The customer with its tax IDs, or `NotFound` when the id cannot be a customer's."""
    if not is_stripe_id(customer_id, ids.CUSTOMER):
        raise NotFound("Customer")

    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            return await get_json(
                billing, stripe_path("/v1/customers/{}", customer_id), {"expand": EXPAND}
            )

    return await billing.cache.customer_cached(
        customer_id, "customer", billing.customer_ttl, load, parse_record
    )


async def fetch_customer(billing: Billing, customer_id: str) -> Customer:
    """The customer, or `NotFound` when it is missing or deleted."""
    return existing_customer(await fetch_record(billing, customer_id))


def existing_customer(record: CustomerRecord) -> Customer:
    if record.customer is None:
        raise NotFound("Customer")
    return record.customer


def parse_customer(data: Any) -> Customer | None:
    """The customer, or None when Stripe answered with a deleted one."""
    if data.get("deleted") or data.get("object") != "customer":
        return None
    return Customer.from_stripe(data)


def parse_record(data: Any) -> CustomerRecord:
    listed = data.get("tax_ids")
    complete = isinstance(listed, dict) and not listed.get("has_more")
    return CustomerRecord(
        parse_customer(data),
        tuple(TaxId.from_stripe(obj) for obj in listed.get("data") or []) if complete else None,
    )


async def customer_exists(billing: Billing, customer_id: str) -> bool:
    """Whether Stripe still holds the customer, asked past the cache (after a write found
    something missing that the cached customer still had)."""
    with stripe_errors(noun="Customer"):
        data = await get_json(billing, stripe_path("/v1/customers/{}", customer_id))
    return parse_customer(data) is not None
