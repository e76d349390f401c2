"""Invoice history, and paying what is due.

History is shown when the feature is on, whatever state the subscriptions are in: a
customer whose subscriptions have all ended still needs their invoices, so nothing about
subscriptions is checked. A session limited to a flow does not browse invoices. Paying an
open invoice is how a past-due subscription becomes active again (see `pay_invoice_refusal`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import AccountAction
from ..decisions import PayInvoiceDecision
from ..refusals import Refusal
from .gates import gate
from .payment_methods import view_payment_methods_refusal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gateway.models import (
        Customer,
        Invoice,
        InvoiceStatus,
        PaymentMethod,
        Subscription,
        SubscriptionStatus,
    )

    from ..context import PolicyContext


def invoice_history_refusal(ctx: PolicyContext) -> Refusal | None:
    return gate(
        ctx,
        AccountAction.VIEW_INVOICES,
        enabled=ctx.configuration.features.invoice_history.enabled,
        feature="Invoice history",
    )


# Invoices a customer can pay: open ones, and uncollectible ones (Stripe still takes payment
# for those, and paying is how an `unpaid` subscription gets going again).
PAYABLE_STATUSES: frozenset[InvoiceStatus] = frozenset({"open", "uncollectible"})
# Subscriptions whose latest invoice is waiting for payment.
OWING_STATUSES: frozenset[SubscriptionStatus] = frozenset({"past_due", "unpaid", "incomplete"})
_NOT_PAYABLE: dict[str, str] = {
    "draft": "This invoice is not finalized yet, so it cannot be paid.",
    "paid": "This invoice is already paid.",
    "void": "This invoice was voided; nothing is due.",
}


def pay_invoice_refusal(ctx: PolicyContext, subscription_id: str | None = None) -> Refusal | None:
    """May this session pay invoices at all?

    The hosted portal lists open invoices in the invoice history, each with the page that
    pays it, and asks a customer whose payment failed to update their card and pay what is
    due. So paying needs `invoice_history` or `payment_method_update`; inside a flow, only
    the `payment_method_update` flow (the link a failed-payment email opens) pays.
    """
    features = ctx.configuration.features
    return gate(
        ctx,
        AccountAction.PAY_INVOICE,
        enabled=features.invoice_history.enabled or features.payment_method_update.enabled,
        feature="Paying invoices",
        subscription_id=subscription_id,
    )


def invoice_pay_refusal(ctx: PolicyContext, invoice: Invoice) -> Refusal | None:
    """Why this invoice cannot be paid now (which card aside), or None."""
    refusal = pay_invoice_refusal(ctx)
    if refusal is not None:
        return refusal
    if invoice.status not in PAYABLE_STATUSES or invoice.amount_remaining <= 0:
        message = _NOT_PAYABLE.get(invoice.status or "", "Nothing is due on this invoice.")
        return Refusal(ErrorCode.INVOICE_NOT_PAYABLE, message, "invoiceId")
    return None


def subscription_pay_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    """PAY_INVOICE on a subscription: its latest invoice waits for payment (past due, unpaid,
    or a first payment that failed)."""
    refusal = pay_invoice_refusal(ctx, subscription.id)
    if refusal is not None:
        return refusal
    if subscription.status not in OWING_STATUSES or subscription.latest_invoice_id is None:
        return Refusal(
            ErrorCode.INVOICE_NOT_PAYABLE,
            "Nothing is due on this subscription.",
            "subscriptionId",
        )
    return None


def decide_pay_invoice(
    ctx: PolicyContext,
    invoice: Invoice,
    customer: Customer,
    payment_methods: Sequence[PaymentMethod],
    subscriptions: Sequence[Subscription],
    payment_method_id: str | None = None,
) -> PayInvoiceDecision | Refusal:
    """Pay `invoice` (the customer's own) with the card they chose, else the one Stripe would
    charge: the invoice's default, its subscription's, then the customer's.

    Choosing a card means seeing the saved ones, so it follows the `paymentMethods` rule.
    A card that is not one of the customer's reads like a missing one (NOT_FOUND, decided
    by the caller before this).
    """
    refusal = invoice_pay_refusal(ctx, invoice)
    if refusal is not None:
        return refusal
    owned = {pm.id for pm in payment_methods if pm.customer_id == customer.id}
    chosen = payment_method_id.strip() if payment_method_id is not None else None
    if chosen:
        seen = view_payment_methods_refusal(ctx)
        if seen is not None:
            return Refusal(seen.code, seen.message, "paymentMethodId")
        if chosen not in owned:
            # Someone else's reads exactly like a missing one.
            return Refusal(ErrorCode.NOT_FOUND, "Payment method not found.", "paymentMethodId")
        return PayInvoiceDecision(invoice.id, chosen, {"payment_method": chosen})
    subscription = next((s for s in subscriptions if s.id == invoice.subscription_id), None)
    candidates = (
        invoice.default_payment_method_id,
        subscription.default_payment_method_id if subscription is not None else None,
        customer.default_payment_method_id,
    )
    default = next((pm for pm in candidates if pm is not None), None)
    if default is None or default not in owned:
        return Refusal(
            ErrorCode.PAYMENT_METHOD_REQUIRED,
            "There is no card to charge: add a payment method, or choose one.",
            "paymentMethodId",
        )
    return PayInvoiceDecision(invoice.id, default, {"payment_method": default})
