"""Paying an open invoice now: `POST /v1/invoices/{id}/pay`.

The answer comes with the invoice's subscription expanded (and its schedule), so the
subscription the payment brought back to `active` renders without another read. A decline
is Stripe's 402 card_error, which `stripe_errors` turns into CARD_DECLINED with Stripe's
message. The customer's cache is invalidated afterwards, failures too (a payment that timed
out may still have gone through).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..models import Invoice, Subscription
from .client import Billing, as_json
from .invoices import DISCOUNT_EXPAND
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stripe.params import InvoicePayParams

_SUBSCRIPTION = "parent.subscription_details.subscription"
EXPAND = [_SUBSCRIPTION, f"{_SUBSCRIPTION}.schedule", *DISCOUNT_EXPAND]


@dataclass(frozen=True)
class InvoicePayment:
    invoice: Invoice
    # The invoice's subscription as the payment left it (None for an invoice without one).
    subscription: Subscription | None


async def pay_invoice(
    billing: Billing,
    customer_id: str,
    invoice_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
) -> InvoicePayment:
    """Charge the invoice with `params` (the decision's `payment_method`)."""
    try:
        with stripe_write(noun="Invoice"):
            answer = await billing.stripe.v1.invoices.pay_async(
                invoice_id,
                cast("InvoicePayParams", {**params, "expand": EXPAND}),
                with_key(idempotency_key),
            )
    finally:
        await forget_customer(billing, customer_id)
    body: dict[str, Any] = as_json(answer)
    details = (body.get("parent") or {}).get("subscription_details") or {}
    expanded = details.get("subscription")
    subscription = Subscription.from_stripe(expanded) if isinstance(expanded, dict) else None
    return InvoicePayment(Invoice.from_stripe(body), subscription)
