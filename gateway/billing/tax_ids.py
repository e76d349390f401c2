"""A customer's tax IDs (VAT numbers and the like)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import TaxId
from .customers import existing_customer, fetch_record
from .errors import stripe_errors
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing
    from .customers import CustomerRecord

# Stripe allows at most this many tax IDs per customer, so one page holds them all.
MAX_TAX_IDS = 100


async def tax_ids_of(
    billing: Billing, customer_id: str, record: CustomerRecord
) -> tuple[TaxId, ...]:
    """The customer's tax IDs: those that came with the customer, or (more than Stripe
    includes with it) the full list, one more request."""
    found = record.tax_ids
    if found is None:
        return await list_tax_ids(billing, customer_id)
    return tuple(tax_id for tax_id in found if tax_id.customer_id in (None, customer_id))


async def list_tax_ids(billing: Billing, customer_id: str) -> tuple[TaxId, ...]:
    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            return await get_json(
                billing,
                stripe_path("/v1/customers/{}/tax_ids", customer_id),
                {"limit": MAX_TAX_IDS},
            )

    found = await billing.cache.customer_cached(
        customer_id, "tax_ids", billing.customer_ttl, load, _tax_ids
    )
    return tuple(tax_id for tax_id in found if tax_id.customer_id in (None, customer_id))


def _tax_ids(page: Any) -> tuple[TaxId, ...]:
    return tuple(TaxId.from_stripe(obj) for obj in page.get("data", []))


async def customer_tax_ids(billing: Billing, customer_id: str) -> tuple[TaxId, ...]:
    """The customer's tax IDs, read with the customer (cached with it); `NotFound` when the
    customer is deleted."""
    record = await fetch_record(billing, customer_id)
    existing_customer(record)
    return await tax_ids_of(billing, customer_id, record)
