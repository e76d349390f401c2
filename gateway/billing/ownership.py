"""Whose a Stripe object is, read from its JSON before anything is cached.

Reads by id ask Stripe for any object with that id; only the caller's own may be cached
under the caller, so someone else's answers like a missing one, in content and in time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


def owner_of(obj: Any) -> str | None:
    """The `customer` of a Stripe object's JSON (an id, or an expanded customer)."""
    if not isinstance(obj, dict):
        return None
    customer = obj.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    return customer if isinstance(customer, str) else None


def owned_by(customer_id: str) -> Callable[[Any], bool]:
    """A `keep` for `Cache.customer_cached`: store only objects of `customer_id`."""

    def keep(obj: Any) -> bool:
        return owner_of(obj) == customer_id

    return keep


__all__ = ["owned_by", "owner_of"]
