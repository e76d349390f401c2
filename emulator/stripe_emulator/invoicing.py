"""Invoices: drafts, finalization, payment, voiding, and what a payment does to a subscription.

Stored invoices keep their lines in `_lines` (see `invoice_lines`) and a
`_token` naming their hosted page and PDF. The
customer's credit balance is applied when an invoice is finalized: a net credit
(e.g. a downgrade invoiced at once) becomes a negative `customer.balance` that
the next invoice consumes.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from . import discounts
from .resources.cards import charge_outcome
from .sandbox import Scratch

if TYPE_CHECKING:
    from .state import Emulator, Obj


# An invoice with no way to pay it fails its attempt with this (not a card decline).
NO_PAYMENT_METHOD = "no_payment_method"


def _customer_snapshot(customer: Obj) -> Obj:
    address = customer.get("address")
    shipping = customer.get("shipping")
    return {
        "customer_address": dict(address) if address else None,
        "customer_email": customer.get("email"),
        "customer_name": customer.get("name"),
        "customer_phone": customer.get("phone"),
        "customer_shipping": dict(shipping) if shipping else None,
        "customer_tax_exempt": customer.get("tax_exempt", "none"),
    }


def new_invoice(
    emu: Emulator,
    subscription: Obj,
    *,
    billing_reason: str,
    period: tuple[int, int],
    at: int,
    proration_date: int | None = None,
) -> Obj:
    """An empty draft invoice for `subscription` (add lines, then `open_invoice`)."""
    customer = emu.objects[subscription["customer"]]
    send_invoice = subscription["collection_method"] == "send_invoice"
    invoice = emu.create(
        "in",
        "invoice",
        {
            "account_country": "US",
            "account_name": "Stripe emulator",
            "account_tax_ids": None,
            "amount_due": 0,
            "amount_overpaid": 0,
            "amount_paid": 0,
            "amount_remaining": 0,
            "amount_shipping": 0,
            "application": None,
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": True,
            "automatic_tax": {
                "disabled_reason": None,
                "enabled": False,
                "liability": None,
                "provider": None,
                "status": None,
            },
            "automatically_finalizes_at": None,
            "billing_reason": billing_reason,
            "collection_method": subscription["collection_method"],
            "confirmation_secret": None,
            "currency": subscription["currency"],
            "custom_fields": None,
            "customer": customer["id"],
            "customer_account": None,
            **_customer_snapshot(customer),
            "customer_tax_ids": [],
            "default_payment_method": None,
            "default_source": None,
            "default_tax_rates": [],
            "description": None,
            "discounts": discounts.active(emu, subscription, at),
            "due_date": at + 86_400 * (subscription["days_until_due"] or 0)
            if send_invoice
            else None,
            "effective_at": None,
            "ending_balance": None,
            "footer": None,
            "from_invoice": None,
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "issuer": {"type": "self"},
            "last_finalization_error": None,
            "latest_revision": None,
            "metadata": {},
            "next_payment_attempt": None,
            "number": None,
            "on_behalf_of": None,
            "parent": {
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(subscription["metadata"]),
                    "subscription": subscription["id"],
                    # Only an invoice made by a proration carries its date (never null).
                    **(
                        {"subscription_proration_date": proration_date}
                        if proration_date is not None
                        else {}
                    ),
                },
                "type": "subscription_details",
            },
            "payment_settings": {
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
            "period_end": period[1],
            "period_start": period[0],
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": None,
            "rendering": None,
            "shipping_cost": None,
            "shipping_details": None,
            "starting_balance": 0,
            "statement_descriptor": None,
            "status": "draft",
            "status_transitions": {
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "subtotal": 0,
            "subtotal_excluding_tax": 0,
            "test_clock": customer.get("test_clock"),
            "total": 0,
            "total_discount_amounts": [],
            "total_excluding_tax": 0,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "webhooks_delivered_at": at,
            "_lines": [],
            "_token": None,
        },
        customer=customer["id"],
    )
    invoice["created"] = at
    subscription["latest_invoice"] = invoice["id"]
    return invoice


def settles(emu: Emulator) -> bool:
    """Whether invoices created in `emu` are finalized and charged (not in previews)."""
    return not isinstance(emu, Scratch) or emu.settles


def open_invoice(emu: Emulator, invoice: Obj) -> None:
    """Announce a draft (`invoice.created`); a `once` discount it used is spent."""
    subscription = emu.objects.get(subscription_of(invoice) or "")
    if subscription is not None:
        discounts.after_invoice(emu, invoice, subscription)
    if invoice["status"] == "draft" and invoice["automatically_finalizes_at"] is None:
        invoice["automatically_finalizes_at"] = invoice["created"] + 3600
    emu.emit("invoice.created", invoice)


def finalize(emu: Emulator, invoice: Obj, at: int) -> None:
    """Draft -> open: number, hosted page, balance applied; a $0 result is paid at once."""
    if invoice["status"] != "draft":
        return
    customer = emu.objects[invoice["customer"]]
    balance = int(customer.get("balance") or 0)
    net = invoice["total"] + balance
    sequence = int(customer.get("next_invoice_sequence") or 1)
    customer["next_invoice_sequence"] = sequence + 1
    invoice.update(
        _customer_snapshot(customer),
        number=f"{customer['invoice_prefix']}-{sequence:04d}",
        status="open",
        starting_balance=balance,
        ending_balance=min(net, 0),
        amount_due=max(net, 0),
        amount_remaining=max(net, 0),
        effective_at=at,
        automatically_finalizes_at=None,
        _token="test_" + secrets.token_urlsafe(24),
    )
    invoice["status_transitions"]["finalized_at"] = at
    if min(net, 0) != balance:
        before = {"balance": balance}
        customer["balance"] = min(net, 0)
        emu.emit("customer.updated", customer, before)
    emu.emit("invoice.finalized", invoice)
    if invoice["amount_due"] == 0:
        mark_paid(emu, invoice, at)


def mark_paid(emu: Emulator, invoice: Obj, at: int) -> None:
    """Open -> paid: `invoice.paid` and `invoice.payment_succeeded`, then the subscription."""
    invoice.update(
        status="paid",
        amount_paid=invoice["amount_due"],
        amount_remaining=0,
        next_payment_attempt=None,
        auto_advance=False,
    )
    invoice["status_transitions"]["paid_at"] = at
    emu.emit("invoice.paid", invoice)
    emu.emit("invoice.payment_succeeded", invoice)
    _sync_subscription(emu, invoice, paid=True)


def payment_method_for(emu: Emulator, invoice: Obj, override: str | None = None) -> str | None:
    """Who pays: the explicit method, the invoice's, the subscription's, then the customer's."""
    if override:
        return override
    if invoice.get("default_payment_method"):
        return str(invoice["default_payment_method"])
    subscription = emu.objects.get(subscription_of(invoice) or "")
    if subscription is not None and subscription.get("default_payment_method"):
        return str(subscription["default_payment_method"])
    customer = emu.objects[invoice["customer"]]
    default = (customer.get("invoice_settings") or {}).get("default_payment_method")
    return str(default) if default else None


def subscription_of(invoice: Obj) -> str | None:
    """The subscription an invoice bills, if any."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    value = details.get("subscription")
    return str(value) if value else None


def attempt_payment(
    emu: Emulator, invoice: Obj, at: int, payment_method: str | None = None
) -> str | None:
    """Charge an open invoice; None when paid, else the decline (or NO_PAYMENT_METHOD)."""
    if invoice["status"] != "open":
        return None
    if invoice["amount_remaining"] == 0:
        mark_paid(emu, invoice, at)
        return None
    pm = payment_method_for(emu, invoice, payment_method)
    outcome = charge_outcome(emu, pm) if pm else NO_PAYMENT_METHOD
    invoice["attempted"] = True
    invoice["attempt_count"] += 1
    if outcome is None:
        _record_payment(emu, invoice, at)
        mark_paid(emu, invoice, at)
        return None
    invoice["next_payment_attempt"] = None
    emu.emit("invoice.payment_failed", invoice)
    _sync_subscription(emu, invoice, paid=False)
    return outcome


def _record_payment(emu: Emulator, invoice: Obj, at: int) -> None:
    """The `invoice_payment` of a successful charge.

    PaymentIntents are not modelled: `payment.payment_intent` is a stand-in id
    that names the charge but cannot be retrieved.
    """
    payment = emu.create(
        "inpay",
        "invoice_payment",
        {
            "amount_paid": invoice["amount_remaining"],
            "amount_requested": invoice["amount_remaining"],
            "currency": invoice["currency"],
            "invoice": invoice["id"],
            "is_default": True,
            "payment": {
                "payment_intent": emu.new_id("pi"),
                "type": "payment_intent",
            },
            "status": "paid",
            "status_transitions": {"canceled_at": None, "paid_at": at},
        },
        customer=invoice["customer"],
    )
    payment["created"] = at
    emu.emit("invoice_payment.paid", payment)


def settle(emu: Emulator, invoice: Obj, at: int, *, charge: bool = True) -> str | None:
    """Finalize and (for automatic collection) charge a new invoice; returns any decline."""
    if not settles(emu):
        return None
    finalize(emu, invoice, at)
    if charge and invoice["collection_method"] == "charge_automatically":
        return attempt_payment(emu, invoice, at)
    return None


def void(emu: Emulator, invoice: Obj, at: int) -> None:
    """Void an invoice; credit balance it consumed (or a net credit it added) is undone."""
    if invoice["ending_balance"] is not None:
        customer = emu.objects[invoice["customer"]]
        before = {"balance": customer["balance"]}
        customer["balance"] += invoice["starting_balance"] - invoice["ending_balance"]
        if customer["balance"] != before["balance"]:
            emu.emit("customer.updated", customer, before)
    invoice.update(status="void", amount_remaining=0, auto_advance=False, next_payment_attempt=None)
    invoice["status_transitions"]["voided_at"] = at
    emu.emit("invoice.voided", invoice)


def mark_uncollectible(emu: Emulator, invoice: Obj, at: int) -> None:
    """Open -> uncollectible (no further collection attempts)."""
    invoice.update(status="uncollectible", auto_advance=False, next_payment_attempt=None)
    invoice["status_transitions"]["marked_uncollectible_at"] = at
    emu.emit("invoice.marked_uncollectible", invoice)


def open_invoices_of(emu: Emulator, subscription_id: str) -> list[Obj]:
    """A subscription's invoices still waiting for payment."""
    return emu.find(
        "invoice", lambda i: i["status"] == "open" and subscription_of(i) == subscription_id
    )


def _sync_subscription(emu: Emulator, invoice: Obj, *, paid: bool) -> None:
    """A payment's effect on its subscription: its latest invoice paid -> active again, a
    failed renewal -> past_due."""
    subscription = emu.objects.get(subscription_of(invoice) or "")
    if subscription is None or subscription["status"] in ("canceled", "incomplete_expired"):
        return
    before: dict[str, Any] = {"status": subscription["status"]}
    if paid and subscription.get("_resume_invoice") == invoice["id"]:
        # A resume that waited for payment (`resume_on_payment_success`) completes now.
        before["status_details"] = subscription["status_details"]
        subscription.update(status="active", status_details=None, _resume_invoice=None)
        emu.emit("customer.subscription.resumed", subscription)
    elif paid:
        # Stripe's past_due/unpaid describe the latest invoice: paying it (or the last open
        # one) makes the subscription active; an older one paid leaves a failed latest as is.
        owing = subscription["status"] in ("incomplete", "past_due", "unpaid")
        latest = subscription.get("latest_invoice") == invoice["id"]
        if owing and (latest or not open_invoices_of(emu, subscription["id"])):
            subscription["status"] = "active"
    elif subscription["status"] in ("active", "trialing"):
        subscription["status"] = "past_due"
    if subscription["status"] != before["status"]:
        emu.emit("customer.subscription.updated", subscription, before)
