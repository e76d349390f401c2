"""A customer's tax IDs (VAT numbers and the like)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import TaxId
from .errors import stripe_errors
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing

# Stripe allows at most this many tax IDs per customer, so one page holds them all.
MAX_TAX_IDS = 100


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
