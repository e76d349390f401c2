"""Stripe reads as plain JSON, without the SDK's object tree.

The typed SDK methods build a StripeObject for every object in an answer, and the cache
then wants JSON back (`as_json`): for a page of invoices that round trip was most of a
cold overview's CPU. Reads go through the same client (key, API version, retries,
timeouts, error classes) with `raw_request_async`, which stops at the parsed JSON.
Writes keep the typed methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .client import Billing


def stripe_path(template: str, *ids: str) -> str:
    """`template` with each `{}` replaced by an id, escaped so it stays one path segment."""
    return template.format(*(quote(i, safe="") for i in ids))


async def get_json(
    billing: Billing, path: str, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`GET path` (a `stripe_path`); Stripe's errors raise as the SDK's exceptions."""
    return await _request(billing, "get", path, params)


async def post_json(billing: Billing, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`POST path` for reads that Stripe spells as POST (invoice previews)."""
    return await _request(billing, "post", path, params)


async def _request(
    billing: Billing, method: str, path: str, params: Mapping[str, Any] | None
) -> dict[str, Any]:
    response = await billing.stripe.raw_request_async(method, path, **dict(params or {}))
    data: dict[str, Any] = response.data
    return data
