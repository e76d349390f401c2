"""Invoice previews (`POST /v1/invoices/create_preview`): the next invoice, or a change's effect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from .client import Billing, as_json
from .errors import BillingError, NotFound, stripe_errors
from .models import Invoice

if TYPE_CHECKING:
    from stripe.params import InvoiceCreatePreviewParams

ProrationBehavior = Literal["always_invoice", "create_prorations", "none"]
# Stripe's answer when a subscription will not invoice again (ending, canceled).
NO_UPCOMING_INVOICE = "invoice_upcoming_none"


@dataclass(frozen=True)
class ItemChange:
    """One subscription item's new price and/or quantity (None keeps the current one)."""

    item_id: str
    price_id: str | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class SubscriptionChange:
    """A price/quantity change as Stripe's `subscription_details` (preview) or update takes it."""

    items: tuple[ItemChange, ...]
    proration_behavior: ProrationBehavior = "create_prorations"
    proration_date: int | None = None
    reset_billing_cycle_anchor: bool = False
    end_trial: bool = False

    def stripe_params(self) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for change in self.items:
            item: dict[str, Any] = {"id": change.item_id}
            if change.price_id is not None:
                item["price"] = change.price_id
            if change.quantity is not None:
                item["quantity"] = change.quantity
            items.append(item)
        params: dict[str, Any] = {"items": items, "proration_behavior": self.proration_behavior}
        if self.proration_date is not None:
            params["proration_date"] = self.proration_date
        if self.reset_billing_cycle_anchor:
            params["billing_cycle_anchor"] = {"type": "now"}
        if self.end_trial:
            params["trial_end"] = "now"
        return params


async def upcoming_invoice(
    billing: Billing, customer_id: str, subscription_id: str
) -> Invoice | None:
    """The subscription's next invoice as Stripe would draft it now; None when there is none."""

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Subscription"):
            preview = await billing.stripe.v1.invoices.create_preview_async(
                {"customer": customer_id, "subscription": subscription_id}
            )
        return as_json(preview)

    try:
        data = await billing.cache.customer_cached(
            customer_id, f"upcoming:{subscription_id}", billing.customer_ttl, load
        )
    except BillingError as exc:
        if exc.stripe_code == NO_UPCOMING_INVOICE:
            return None
        raise
    invoice = Invoice.from_stripe(data)
    if invoice.customer_id not in (None, customer_id):
        raise NotFound("Subscription")
    return invoice


async def preview_change(
    billing: Billing, customer_id: str, subscription_id: str, change: SubscriptionChange
) -> Invoice:
    """The invoice Stripe would issue if `change` were applied (not cached: it depends on now)."""
    with stripe_errors(noun="Subscription"):
        preview = await billing.stripe.v1.invoices.create_preview_async(
            cast(
                "InvoiceCreatePreviewParams",
                {
                    "customer": customer_id,
                    "subscription": subscription_id,
                    "subscription_details": change.stripe_params(),
                },
            )
        )
    return Invoice.from_stripe(as_json(preview))
