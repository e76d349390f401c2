"""Which subscriptions a customer had when their list was last read from Stripe.

A subscription's next-invoice preview needs its id, so a cold overview would wait for the
subscription list before asking for previews: two Stripe round trips. Ids change rarely
(a subscription is created or ends), so they are kept far longer than the data and let
the previews start beside the list. They are only a prefetch hint, never served: every
answer still comes from the fresh list, a stale id costs one unused preview, and a new
subscription is previewed after the list as before. Each read of the list refreshes them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Billing

logger = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600.0
# Subscriptions Stripe will not invoice again: nothing to preview.
_ENDED = frozenset({"canceled", "incomplete_expired"})


def ids_key(customer_id: str) -> str:
    return f"subscription-ids:{customer_id}"


async def remember_subscription_ids(
    billing: Billing, customer_id: str, subscriptions: object
) -> None:
    """Keep the ids of the listed subscriptions (a list page's wire JSON `data`) that may
    invoice again."""
    listed: list[Any] = subscriptions if isinstance(subscriptions, list) else []
    ids = [
        str(sub["id"])
        for sub in listed
        if isinstance(sub, dict) and sub.get("status") not in _ENDED and sub.get("id")
    ]
    try:
        await billing.cache.set(ids_key(customer_id), ids, ttl=TTL_SECONDS)
    except Exception:  # a hint: a failing cache must not fail the read
        logger.warning("cache write failed", exc_info=True)


async def recall_subscription_ids(billing: Billing, customer_id: str) -> tuple[str, ...]:
    """The ids kept for this customer (none when unknown or the cache fails)."""
    try:
        ids = await billing.cache.get(ids_key(customer_id))
    except Exception:
        logger.warning("cache read failed", exc_info=True)
        return ()
    if not isinstance(ids, list):
        return ()
    return tuple(str(i) for i in ids if isinstance(i, str) and i.startswith("sub_"))
