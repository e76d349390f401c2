"""The whole product catalog (every product and price, active or not), read page by page.

Configuration checks need it: a listed price must exist, be recurring and belong to the
product it is listed under, and an archived product or price must be named as such.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ..models import Price, Product
from .errors import stripe_errors

if TYPE_CHECKING:
    import stripe

PAGE_SIZE = 100


async def _products(client: stripe.StripeClient, page_size: int) -> list[Product]:
    page = await client.v1.products.list_async({"limit": page_size})
    return [Product.from_stripe(product) async for product in page.auto_paging_iter()]


async def _prices(client: stripe.StripeClient, page_size: int) -> list[Price]:
    page = await client.v1.prices.list_async({"limit": page_size})
    return [Price.from_stripe(price) async for price in page.auto_paging_iter()]


async def fetch_catalog(
    client: stripe.StripeClient, *, page_size: int = PAGE_SIZE
) -> tuple[list[Product], list[Price]]:
    """Every product and every price; Stripe failures surface as `BillingError`."""
    with stripe_errors(noun="Catalog"):
        products, prices = await asyncio.gather(
            _products(client, page_size), _prices(client, page_size)
        )
    return products, prices
