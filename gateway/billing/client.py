"""The Stripe side's handle: one async `StripeClient` per app plus the cache in front of it.

Resource modules (`customers.py`, `subscriptions.py`, ...) are plain functions that take a
`Billing` first; they are the only code that talks to Stripe.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import stripe

from .breaker import Breaker
from .stripe_http import ObservedHTTPClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from stripe._base_address import BaseAddresses

    from ..settings import Settings
    from ..store import Cache
    from .account_budget import AccountBudget

# The catalog (products, prices) changes rarely and is the same for every customer.
CATALOG_TTL_SECONDS = 300.0


@dataclass(frozen=True)
class Billing:
    stripe: stripe.StripeClient
    cache: Cache
    customer_ttl: float = 30.0
    catalog_ttl: float = CATALOG_TTL_SECONDS
    # Stripe's webhooks keep the cached customer data up to date (cache_updates.py), so a
    # write puts its answer in place instead of emptying the customer's cache.
    kept_by_webhooks: bool = False

    async def invalidate_customer(self, customer_id: str) -> None:
        """Every write for a customer ends with this, so the next read sees the change."""
        await self.cache.invalidate_customer(customer_id)


@asynccontextmanager
async def open_stripe(
    settings: Settings, breaker: Breaker | None = None, account: AccountBudget | None = None
) -> AsyncIterator[stripe.StripeClient]:
    """A `StripeClient` over one aiohttp session, closed when the block ends.

    Every attempt is bounded by `stripe_timeout_seconds`; the SDK retries connection
    failures, 409s and 5xx up to `stripe_max_retries` times with the same idempotency key;
    `breaker` (one from the settings if not given) makes calls fail fast during an outage;
    `account` bounds the requests per second the whole account is sent.
    """
    http_client = ObservedHTTPClient(
        account=account,
        breaker=breaker
        or Breaker(settings.stripe_breaker_threshold, settings.stripe_breaker_seconds),
        timeout=aiohttp.ClientTimeout(
            total=settings.stripe_timeout_seconds, connect=min(5.0, settings.stripe_timeout_seconds)
        ),
    )
    base: BaseAddresses = {}
    if settings.stripe_api_base:
        base["api"] = settings.stripe_api_base.rstrip("/")
    client = stripe.StripeClient(
        settings.stripe_api_key.get_secret_value(),
        http_client=http_client,
        max_network_retries=settings.stripe_max_retries,
        base_addresses=base,
    )
    try:
        yield client
    finally:
        await http_client.close_async()  # type: ignore[no-untyped-call]


def as_json(obj: stripe.StripeObject) -> dict[str, object]:
    """An SDK object as plain JSON (what the cache stores and the models read)."""
    return obj.to_dict(recursive=True, for_json=True)
