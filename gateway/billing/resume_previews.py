"""What resuming a paused subscription now charges, as Stripe previews it.

`POST /v1/invoices/create_preview` with `subscription_details[resume_at]=now` drafts the
invoice `POST /v1/subscriptions/{id}/resume` would issue: a new billing period from now,
less the credit the pause left for the unused time. Not cached: it depends on the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ErrorCode
from ..models import Invoice, Subscription
from . import ids
from .errors import BillingError, NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import post_json
from .subscription_truth import read_subscription
from .writes import forget_customer

if TYPE_CHECKING:
    from .client import Billing


@dataclass(frozen=True)
class ResumePreview:
    """`invoice` is the one the resume issues at once; `period_end` ends the new period."""

    invoice: Invoice
    amount_due_now: int
    period_end: int


def resume_preview_params(customer_id: str, subscription_id: str) -> dict[str, object]:
    return {
        "customer": customer_id,
        "subscription": subscription_id,
        "subscription_details": {"resume_at": "now"},
    }


def _new_period_end(invoice: Invoice) -> int:
    ends = [line.period_end for line in invoice.lines if not line.proration]
    return max(ends) if ends else invoice.period_end


async def preview_resume(
    billing: Billing, customer_id: str, subscription_id: str
) -> ResumePreview | Subscription:
    """The invoice resuming `subscription_id` now would issue (one Stripe request).

    When Stripe refuses because the subscription is no longer paused (it resumed by itself
    at its date, while the cache still showed the pause), the subscription as Stripe holds
    it, read past the cache, which is forgotten."""
    if not is_stripe_id(subscription_id, ids.SUBSCRIPTION):
        raise NotFound("Subscription")
    try:
        with stripe_errors(noun="Subscription"):
            answer = await post_json(
                billing,
                "/v1/invoices/create_preview",
                resume_preview_params(customer_id, subscription_id),
            )
    except BillingError as exc:
        if exc.code is not ErrorCode.INVALID_INPUT:
            raise
        current = await read_subscription(billing, subscription_id)
        if current.status == "paused" or current.customer_id != customer_id:
            raise
        await forget_customer(billing, customer_id)
        return current
    invoice = Invoice.from_stripe(answer)
    if invoice.customer_id not in (None, customer_id):
        raise NotFound("Subscription")
    return ResumePreview(invoice, invoice.amount_due, _new_period_end(invoice))
