"""Which cached data a Stripe event touches: one customer's, the catalog, or configurations.

Pure (no I/O), so the table is tested on its own. The customer is the object itself for
`customer.*` events about a customer, else the object's `customer`. A detached payment
method has `customer: null`; the customer it left is in `previous_attributes.customer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..live_bus import LiveEventKind

# Longest prefix first: `customer.subscription.` before `customer.`.
CUSTOMER_EVENTS: tuple[tuple[str, LiveEventKind], ...] = (
    ("customer.subscription.", LiveEventKind.SUBSCRIPTION),
    ("subscription_schedule.", LiveEventKind.SUBSCRIPTION),
    ("customer.tax_id.", LiveEventKind.CUSTOMER),
    ("customer.source.", LiveEventKind.PAYMENT_METHOD),
    ("customer.", LiveEventKind.CUSTOMER),
    ("invoiceitem.", LiveEventKind.INVOICE),
    ("invoice.", LiveEventKind.INVOICE),
    ("payment_method.", LiveEventKind.PAYMENT_METHOD),
    ("setup_intent.", LiveEventKind.PAYMENT_METHOD),
)
# Coupons are cached with the catalog (a retention offer's terms).
CATALOG_EVENTS = ("product.", "price.", "plan.", "coupon.")
CONFIGURATION_EVENTS = ("billing_portal.configuration.",)
# The per-price entry billing/prices.py caches (`Cache.cached(f"price:{id}", ...)`).
PRICE_KEY = "price:{}"


@dataclass(frozen=True)
class Impact:
    """What one event makes stale. An event that touches nothing has every field empty."""

    customer_id: str | None = None
    kind: LiveEventKind | None = None
    catalog: bool = False
    configurations: bool = False
    # Shared cache keys to delete outright (entries cached before scoped generations).
    keys: tuple[str, ...] = ()

    @property
    def touches_nothing(self) -> bool:
        return self.customer_id is None and not self.catalog and not self.configurations


def impact_of(event_type: str, obj: dict[str, Any], previous: dict[str, Any]) -> Impact:
    """What `event_type` about `obj` (and its `previous_attributes`) makes stale."""
    if event_type.startswith(CATALOG_EVENTS):
        object_id = obj.get("id")
        keys = (
            (PRICE_KEY.format(object_id),)
            if obj.get("object") in ("price", "plan") and isinstance(object_id, str)
            else ()
        )
        return Impact(catalog=True, keys=keys)
    if event_type.startswith(CONFIGURATION_EVENTS):
        return Impact(configurations=True)
    for prefix, kind in CUSTOMER_EVENTS:
        if event_type.startswith(prefix):
            customer_id = customer_of(obj, previous)
            return Impact(customer_id=customer_id, kind=kind) if customer_id else Impact()
    return Impact()


def customer_of(obj: dict[str, Any], previous: dict[str, Any]) -> str | None:
    """The customer an object belongs to (or just left), or None when it has none."""
    if obj.get("object") == "customer":
        return _id(obj.get("id"))
    return _id(obj.get("customer")) or _id(previous.get("customer"))


def _id(value: object) -> str | None:
    """An id, whether Stripe sent it bare or as an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None
