"""Invoice history, one page at a time, and single invoices."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..models import Invoice, InvoicePage
from . import ids
from .cache_updates import remember_invoice_page
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .ownership import owned_by
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
# Discounts with their coupon's terms and code (what the invoice shows was taken off).
DISCOUNT_EXPAND = ["discounts.source.coupon", "discounts.promotion_code"]
# One long-lived build function per document kind (see `Cache.customer_cached`).
_invoice = Invoice.from_stripe


async def list_invoices(
    billing: Billing, customer_id: str, limit: int, starting_after: str | None = None
) -> InvoicePage:
    """Up to `limit` invoices after the invoice `starting_after`, newest first.

    A `starting_after` that is not one of this customer's invoices raises `NotFound`,
    whether it is missing or someone else's.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    params: dict[str, Any] = {
        "customer": customer_id,
        "limit": limit,
        "expand": [f"data.{path}" for path in DISCOUNT_EXPAND],
    }
    if starting_after is not None:
        if not is_stripe_id(starting_after, ids.INVOICE):
            raise NotFound("Invoice")
        params["starting_after"] = starting_after

    kind = f"invoices:{limit}:{starting_after or ''}"

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Invoice"):
            page = await get_json(billing, "/v1/invoices", params)
        try:
            # Invoice events update every cached page of the customer's (cache_updates.py).
            await remember_invoice_page(billing.cache, customer_id, kind)
        except Exception:
            logger.warning("cache write failed", exc_info=True)
        return page

    page = await billing.cache.customer_cached(
        customer_id, kind, billing.customer_ttl, load, _invoice_page
    )
    if any(invoice.customer_id != customer_id for invoice in page.invoices):
        # Stripe filtered by customer; anything else means the cursor was not theirs.
        raise NotFound("Invoice")
    return page


def _invoice_page(page: Any) -> InvoicePage:
    return InvoicePage(
        invoices=tuple(Invoice.from_stripe(obj) for obj in page.get("data", [])),
        has_more=bool(page.get("has_more")),
    )


async def fetch_invoice(billing: Billing, customer_id: str, invoice_id: str) -> Invoice:
    """One of the customer's invoices; missing and someone else's raise the same `NotFound`."""
    if not is_stripe_id(invoice_id, ids.INVOICE):
        raise NotFound("Invoice")

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Invoice"):
            return await get_json(
                billing, stripe_path("/v1/invoices/{}", invoice_id), {"expand": DISCOUNT_EXPAND}
            )

    invoice = await billing.cache.customer_cached(
        customer_id,
        f"invoice:{invoice_id}",
        billing.customer_ttl,
        load,
        _invoice,
        keep=owned_by(customer_id),
    )
    if invoice.customer_id != customer_id:
        raise NotFound("Invoice")
    return invoice
