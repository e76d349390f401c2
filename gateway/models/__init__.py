"""The gateway's shared vocabulary: typed, immutable views of the Stripe objects it works with.

The policy engine decides on these (it never sees SDK objects or does I/O), the API
renders them and `billing/` builds them from what Stripe returns. It imports nothing
else of the gateway, so every layer may depend on it.
"""

from .addresses import Address, Shipping
from .catalog import Interval, Price, Product
from .customers import Card, Customer, PaymentMethod, TaxId
from .discounts import Coupon, Discount
from .invoices import Invoice, InvoiceLine, InvoicePage, InvoiceStatus
from .schedules import (
    PAUSE_METADATA,
    QUEUED_CHANGE_METADATA,
    PhaseItem,
    ScheduledChange,
    is_gateway_schedule,
)
from .setup_intents import SetupIntent, SetupIntentStatus
from .subscriptions import PauseCollection, Subscription, SubscriptionItem, SubscriptionStatus

__all__ = [
    "PAUSE_METADATA",
    "QUEUED_CHANGE_METADATA",
    "Address",
    "Card",
    "Coupon",
    "Customer",
    "Discount",
    "Interval",
    "Invoice",
    "InvoiceLine",
    "InvoicePage",
    "InvoiceStatus",
    "PauseCollection",
    "PaymentMethod",
    "PhaseItem",
    "Price",
    "Product",
    "ScheduledChange",
    "SetupIntent",
    "SetupIntentStatus",
    "Shipping",
    "Subscription",
    "SubscriptionItem",
    "SubscriptionStatus",
    "TaxId",
    "is_gateway_schedule",
]
