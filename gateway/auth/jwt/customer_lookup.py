"""The Stripe customer a token stands for: named by a claim, or found by the app's user id.

A named customer must exist (a deleted or unknown id is refused); the read is the one the
portal's queries make anyway, cached per customer. A user id is looked up as
`metadata['<key>']:'<user id>'` by customer search and remembered for a while (a miss for a
tenth of that), so a signed-in user costs Stripe one search now and then, not one a request.
None or several matches are refused, and no customer is ever created here.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from ...billing import BillingError, NotFound, customers_with_metadata, fetch_customer
from .refusal import JwtRefusal, RefusalReason

if TYPE_CHECKING:
    from ...billing import Billing

logger = logging.getLogger(__name__)

CACHE_PREFIX = "jwt-customer:"
# Remembered as "no such customer" (a JSON string the cache stores as is).
_NONE = "-"


def _cache_key(metadata_key: str, user_id: str) -> str:
    digest = hashlib.sha256(f"{metadata_key}\0{user_id}".encode()).hexdigest()[:40]
    return CACHE_PREFIX + digest


async def require_customer(billing: Billing, customer_id: str) -> None:
    """Refuse a token naming a customer that is missing or deleted. A Stripe failure is not
    a refusal: the customer's own reads will report it."""
    try:
        await fetch_customer(billing, customer_id)
    except NotFound:
        raise JwtRefusal(
            RefusalReason.UNKNOWN_CUSTOMER, f"the token names customer {customer_id!r}, not found"
        ) from None
    except BillingError as exc:
        logger.warning("cannot check that customer %s exists: %s", customer_id, exc.message)


async def customer_for_user(billing: Billing, metadata_key: str, user_id: str, ttl: float) -> str:
    """The one customer whose `metadata[metadata_key]` is `user_id` (else `JwtRefusal`).
    Stripe failures raise `BillingError`."""
    key = _cache_key(metadata_key, user_id)
    remembered = await _recall(billing, key) if ttl > 0 else None
    if remembered == _NONE:
        raise _no_customer(metadata_key)
    if remembered is not None:
        return remembered
    found = await customers_with_metadata(billing, metadata_key, user_id)
    if len(found) > 1:
        logger.warning(
            "sign-in refused: customers %s all have metadata[%r] set to the same user id",
            ", ".join(found),
            metadata_key,
        )
        raise JwtRefusal(
            RefusalReason.AMBIGUOUS_CUSTOMER,
            f"several customers have metadata[{metadata_key!r}] = this user id",
        )
    if ttl > 0:
        await _remember(billing, key, found[0] if found else _NONE, ttl if found else ttl / 10)
    if not found:
        raise _no_customer(metadata_key)
    return found[0]


def _no_customer(metadata_key: str) -> JwtRefusal:
    return JwtRefusal(
        RefusalReason.UNKNOWN_CUSTOMER,
        f"no customer has metadata[{metadata_key!r}] = this user id (search may lag behind "
        "a customer created under a minute ago)",
    )


async def _recall(billing: Billing, key: str) -> str | None:
    try:
        value = await billing.cache.get(key)
    except Exception:  # the cache backend's own errors vary; a failed read just searches
        logger.warning("cannot read the user -> customer cache", exc_info=True)
        return None
    return value if isinstance(value, str) else None


async def _remember(billing: Billing, key: str, value: str, ttl: float) -> None:
    try:
        await billing.cache.set(key, value, max(ttl, 1.0))
    except Exception:  # a failed write only costs a search next time
        logger.warning("cannot write the user -> customer cache", exc_info=True)


__all__ = ["customer_for_user", "require_customer"]
