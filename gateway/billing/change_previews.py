"""What a subscription change costs, split the way Stripe bills it: due now, and next invoice.

Stripe's invoice preview answers with one invoice: the one the change issues at once
(`always_invoice`, a new billing period, a trial ended now), or else the next regular
invoice with the change's prorations on it. The caller says which case this is (the
policy knows the rules); this module reads the figures off Stripe's answers:

- nothing invoiced now: the preview *is* the next invoice, due at the period end;
- a new billing period now: the preview is the invoice paid now; the next one repeats its
  recurring lines (not its prorations) at the new period's end;
- prorations invoiced now (`always_invoice`): the preview is the invoice paid now; a second
  preview, of the same items without prorations, gives the next regular invoice.

A credit left over from the invoice paid now (a net credit becomes customer balance)
reduces the next invoice, as Stripe applies balance when it finalizes an invoice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .previews import preview_update

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..models import Invoice
    from .client import Billing


@dataclass(frozen=True)
class ChangePreview:
    """`invoice` is Stripe's preview: the invoice issued now, or else the next one."""

    invoice: Invoice
    invoiced_now: bool
    amount_due_now: int
    next_amount_due: int
    next_invoice_at: int


def _balance_after(invoice: Invoice) -> int:
    """The customer's balance once `invoice` is finalized (negative: credit left over)."""
    return min(invoice.total + invoice.starting_balance, 0)


def _recurring_total(invoice: Invoice) -> int:
    """What the invoice's non-proration lines come to (prorations are never discounted)."""
    return invoice.total - sum(line.amount for line in invoice.lines if line.proration)


def _new_period_end(invoice: Invoice, fallback: int) -> int:
    ends = [line.period_end for line in invoice.lines if not line.proration]
    return max(ends) if ends else fallback


async def preview_change(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    update: Mapping[str, Any],
    *,
    invoiced_now: bool,
    new_cycle: bool,
    period_end: int,
) -> ChangePreview:
    """Preview `update` (POST /v1/subscriptions parameters) as Stripe would bill it.

    `period_end`: when the current period ends (the next regular invoice when the period
    does not restart). One Stripe request, two (in parallel) for prorations invoiced now.
    """
    if not invoiced_now:
        invoice = await preview_update(billing, customer_id, subscription_id, update)
        return ChangePreview(invoice, False, 0, invoice.amount_due, period_end)
    if new_cycle:
        invoice = await preview_update(billing, customer_id, subscription_id, update)
        recurring = _recurring_total(invoice) + _balance_after(invoice)
        return ChangePreview(
            invoice,
            True,
            invoice.amount_due,
            max(recurring, 0),
            _new_period_end(invoice, period_end),
        )
    regular = {
        key: value
        for key, value in update.items()
        if key not in ("proration_behavior", "proration_date")
    }
    regular["proration_behavior"] = "none"
    invoice, following = await asyncio.gather(
        preview_update(billing, customer_id, subscription_id, update),
        preview_update(billing, customer_id, subscription_id, regular),
    )
    # Pending prorations of earlier changes go on the invoice issued now, not the next one.
    next_due = _recurring_total(following) + _balance_after(invoice)
    return ChangePreview(invoice, True, invoice.amount_due, max(next_due, 0), period_end)
