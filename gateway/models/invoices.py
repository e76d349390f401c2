"""Invoices, their lines and pages of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .discounts import Discount, discounts_of
from .stripe_fields import id_of, value_of

InvoiceStatus = Literal["draft", "open", "paid", "uncollectible", "void"]


@dataclass(frozen=True)
class InvoiceLine:
    id: str
    amount: int
    currency: str
    description: str | None
    quantity: int | None
    period_start: int
    period_end: int
    price_id: str | None
    product_id: str | None
    # True for the credit/debit lines a mid-period change produces.
    proration: bool
    subscription_item_id: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> InvoiceLine:
        parent = value_of(obj, "parent")
        details = value_of(parent, "subscription_item_details") or value_of(
            parent, "invoice_item_details"
        )
        price_details = value_of(value_of(obj, "pricing"), "price_details")
        period = value_of(obj, "period")
        return cls(
            id=value_of(obj, "id"),
            amount=int(value_of(obj, "amount", 0)),
            currency=value_of(obj, "currency", "usd"),
            description=value_of(obj, "description"),
            quantity=value_of(obj, "quantity"),
            period_start=int(value_of(period, "start", 0)),
            period_end=int(value_of(period, "end", 0)),
            price_id=id_of(value_of(price_details, "price")),
            product_id=id_of(value_of(price_details, "product")),
            proration=bool(value_of(details, "proration", False)),
            subscription_item_id=id_of(value_of(details, "subscription_item")),
        )


@dataclass(frozen=True)
class Invoice:
    """A finalized or draft invoice, or a preview (`id` starts with `upcoming_in`)."""

    id: str
    customer_id: str | None
    number: str | None
    status: InvoiceStatus | None
    currency: str
    amount_due: int
    amount_paid: int
    amount_remaining: int
    subtotal: int
    total: int
    created: int
    period_start: int
    period_end: int
    lines: tuple[InvoiceLine, ...]
    has_more_lines: bool = False
    subscription_id: str | None = None
    billing_reason: str | None = None
    due_date: int | None = None
    paid_at: int | None = None
    next_payment_attempt: int | None = None
    hosted_invoice_url: str | None = None
    invoice_pdf: str | None = None
    starting_balance: int = 0
    default_payment_method_id: str | None = None
    discounts: tuple[Discount, ...] = ()
    # What each discount took off this invoice, by discount id.
    discount_amounts: dict[str, int] = field(default_factory=dict)

    @property
    def is_preview(self) -> bool:
        return not self.id.startswith("in_")

    @property
    def tax(self) -> int:
        return self.total - self.subtotal if self.total > self.subtotal else 0

    @classmethod
    def from_stripe(cls, obj: Any) -> Invoice:
        lines = value_of(obj, "lines")
        subscription = value_of(
            value_of(value_of(obj, "parent"), "subscription_details"), "subscription"
        )
        return cls(
            id=value_of(obj, "id") or "",
            customer_id=id_of(value_of(obj, "customer")),
            number=value_of(obj, "number"),
            status=value_of(obj, "status"),
            currency=value_of(obj, "currency", "usd"),
            amount_due=int(value_of(obj, "amount_due", 0)),
            amount_paid=int(value_of(obj, "amount_paid", 0)),
            amount_remaining=int(value_of(obj, "amount_remaining", 0)),
            subtotal=int(value_of(obj, "subtotal", 0)),
            total=int(value_of(obj, "total", 0)),
            created=int(value_of(obj, "created", 0)),
            period_start=int(value_of(obj, "period_start", 0)),
            period_end=int(value_of(obj, "period_end", 0)),
            lines=tuple(
                InvoiceLine.from_stripe(line) for line in value_of(lines, "data", []) or []
            ),
            has_more_lines=bool(value_of(lines, "has_more", False)),
            subscription_id=id_of(subscription),
            billing_reason=value_of(obj, "billing_reason"),
            due_date=value_of(obj, "due_date"),
            paid_at=value_of(value_of(obj, "status_transitions"), "paid_at"),
            next_payment_attempt=value_of(obj, "next_payment_attempt"),
            hosted_invoice_url=value_of(obj, "hosted_invoice_url"),
            invoice_pdf=value_of(obj, "invoice_pdf"),
            starting_balance=int(value_of(obj, "starting_balance", 0)),
            default_payment_method_id=id_of(value_of(obj, "default_payment_method")),
            discounts=discounts_of(obj),
            discount_amounts={
                id_of(value_of(total, "discount")) or "": int(value_of(total, "amount", 0))
                for total in value_of(obj, "total_discount_amounts", []) or []
            },
        )


@dataclass(frozen=True)
class InvoicePage:
    """One page of a customer's invoices, newest first."""

    invoices: tuple[Invoice, ...]
    has_more: bool
