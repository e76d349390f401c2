"""Paying an open invoice now: `POST /v1/invoices/{id}/pay`.

The answer comes with the invoice's subscription expanded (and its schedule), so the
subscription the payment brought back to `active` renders without another read. A decline
is Stripe's 402 card_error, which `stripe_errors` turns into CARD_DECLINED with Stripe's
message. The paid invoice and its subscription go into the customer's cache in place
(webhooks keeping it); otherwise, and after any failure (a payment that timed out may still
have gone through; a decline changes the invoice too), the cache is emptied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..models import Invoice, Subscription
from .client import Billing, as_json
from .invoices import DISCOUNT_EXPAND
from .writes import answered, forget_customer, stripe_write, versions_before, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stripe.params import InvoicePayParams

    from .writes import Versions
    from .written_answers import Written

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
    *,
    subscription_id: str | None = None,
) -> InvoicePayment:
    """Charge the invoice with `params` (the decision's `payment_method`); `subscription_id`
    is the invoice's subscription, whose state the payment may change."""
    versions = await versions_before(
        billing, invoice_id, *filter(None, [subscription_id]), key=idempotency_key
    )
    try:
        with stripe_write(noun="Invoice"):
            answer = await billing.stripe.v1.invoices.pay_async(
                invoice_id,
                cast("InvoicePayParams", {**params, "expand": EXPAND}),
                with_key(idempotency_key),
            )
    except BaseException:
        await forget_customer(billing, customer_id)
        raise
    body: dict[str, Any] = as_json(answer)
    details = (body.get("parent") or {}).get("subscription_details") or {}
    expanded = details.get("subscription")
    subscription = Subscription.from_stripe(expanded) if isinstance(expanded, dict) else None
    await forget_customer(
        billing, customer_id, *_in_place(versions, body, expanded, idempotency_key)
    )
    return InvoicePayment(Invoice.from_stripe(body), subscription)


def _in_place(
    versions: Versions, invoice: dict[str, Any], subscription: object, key: str
) -> list[Written | None]:
    """The invoice (naming its subscription by id, as cached invoices do) and the
    subscription, as the payment left them."""
    if not isinstance(subscription, dict):
        return [answered(versions, invoice, key=key)]
    details = {**invoice["parent"]["subscription_details"], "subscription": subscription["id"]}
    plain = {**invoice, "parent": {**invoice["parent"], "subscription_details": details}}
    return [answered(versions, plain, key=key), answered(versions, subscription, key=key)]
