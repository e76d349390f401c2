"""Invoice, its lines, and the cursor connection `invoices(first, after)` returns."""

import base64
import binascii
from datetime import datetime
from enum import Enum
from typing import Self

import strawberry

from ... import models
from ...billing import BillingError
from ...portal import InvoiceAction, invoice_pay_refusal
from ..catalog.types import Price
from ..common.converted import Converted
from ..common.types import PageInfo, required_timestamp, timestamp
from ..context import Info
from ..discounts.types import Discount
from ..errors import billing_failure
from ..fields import field


@strawberry.enum
class InvoiceStatus(Enum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    UNCOLLECTIBLE = "uncollectible"
    VOID = "void"


InvoiceActionType = strawberry.enum(
    InvoiceAction,
    name="InvoiceAction",
    description="What a customer can do with an invoice (see `availableActions`).",
)


@strawberry.type
class InvoiceLine:
    id: strawberry.ID
    description: str | None
    amount: int = strawberry.field(
        description="In the currency's smallest unit; negative = credit."
    )
    currency: str
    quantity: int | None
    period_start: datetime
    period_end: datetime
    proration: bool = strawberry.field(
        description="A credit or charge for part of a period, from a mid-period change."
    )
    price_id: strawberry.ID | None

    @classmethod
    def from_model(cls, line: models.InvoiceLine) -> Self:
        return cls(
            id=strawberry.ID(line.id),
            description=line.description,
            amount=line.amount,
            currency=line.currency,
            quantity=line.quantity,
            period_start=required_timestamp(line.period_start),
            period_end=required_timestamp(line.period_end),
            proration=line.proration,
            price_id=strawberry.ID(line.price_id) if line.price_id else None,
        )

    @field(description="The price billed, with its product.")
    async def price(self, info: Info) -> Price | None:
        if self.price_id is None:
            return None
        try:
            price = await info.context.loaders.price(str(self.price_id))
        except BillingError as exc:
            raise billing_failure(exc) from None
        return Price.from_model(price) if price is not None else None


def _lines(root: "Invoice") -> list[InvoiceLine]:
    # Built when asked for: a page of invoices rarely shows their lines.
    return [InvoiceLine.from_model(line) for line in root.model.lines]


@strawberry.type
class Invoice:
    id: strawberry.ID | None = strawberry.field(description="Null for a preview.")
    number: str | None
    status: InvoiceStatus | None
    currency: str
    amount_due: int
    amount_paid: int
    amount_remaining: int
    subtotal: int
    total: int
    tax: int = strawberry.field(description="Total minus subtotal: taxes on this invoice.")
    created: datetime
    period_start: datetime
    period_end: datetime
    due_date: datetime | None
    paid_at: datetime | None
    next_payment_attempt: datetime | None
    billing_reason: str | None
    subscription_id: strawberry.ID | None
    hosted_invoice_url: str | None = strawberry.field(
        description="Stripe's page to view and pay the invoice (null until finalized)."
    )
    invoice_pdf: str | None = strawberry.field(description="PDF download (null until finalized).")
    lines: list[InvoiceLine] = strawberry.field(resolver=_lines)
    has_more_lines: bool
    model: strawberry.Private[models.Invoice]

    @classmethod
    def from_model(cls, invoice: models.Invoice) -> "Invoice":
        """Built once per invoice model (`Converted`)."""
        return _INVOICES(invoice)

    @classmethod
    def build(cls, invoice: models.Invoice) -> "Invoice":
        return cls(
            id=None if invoice.is_preview else strawberry.ID(invoice.id),
            number=invoice.number,
            status=InvoiceStatus(invoice.status) if invoice.status else None,
            currency=invoice.currency,
            amount_due=invoice.amount_due,
            amount_paid=invoice.amount_paid,
            amount_remaining=invoice.amount_remaining,
            subtotal=invoice.subtotal,
            total=invoice.total,
            tax=invoice.tax,
            created=required_timestamp(invoice.created),
            period_start=required_timestamp(invoice.period_start),
            period_end=required_timestamp(invoice.period_end),
            due_date=timestamp(invoice.due_date),
            paid_at=timestamp(invoice.paid_at),
            next_payment_attempt=timestamp(invoice.next_payment_attempt),
            billing_reason=invoice.billing_reason,
            subscription_id=strawberry.ID(invoice.subscription_id)
            if invoice.subscription_id
            else None,
            hosted_invoice_url=invoice.hosted_invoice_url,
            invoice_pdf=invoice.invoice_pdf,
            has_more_lines=invoice.has_more_lines,
            model=invoice,
        )

    @field(description="The coupons applied to it, each with what it took off (`amount`).")
    def discounts(self) -> list[Discount]:
        amounts = self.model.discount_amounts
        return [Discount.from_model(d, amounts.get(d.id)) for d in self.model.discounts]

    @field(description="PAY when `payInvoice` would accept this invoice now (which card aside).")
    def available_actions(self, info: Info) -> list[InvoiceActionType]:  # type: ignore[valid-type]
        if self.model.is_preview:
            return []
        refusal = invoice_pay_refusal(info.context.read_policy(), self.model)
        return [InvoiceAction.PAY] if refusal is None else []


_INVOICES: Converted[models.Invoice, Invoice] = Converted(Invoice.build)


@strawberry.type
class InvoiceEdge:
    cursor: str
    node: Invoice


@strawberry.type
class InvoiceConnection:
    edges: list[InvoiceEdge]
    nodes: list[Invoice]
    page_info: PageInfo


CURSOR_PREFIX = "invoice:"


def encode_cursor(customer_id: str, invoice_id: str) -> str:
    """An opaque cursor naming the customer too, so it only works in its own session."""
    raw = f"{CURSOR_PREFIX}{customer_id}:{invoice_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(customer_id: str, cursor: str) -> str | None:
    """The invoice id in `cursor`, or None when it is malformed or another customer's."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix = f"{CURSOR_PREFIX}{customer_id}:"
    if not raw.startswith(prefix) or not raw[len(prefix) :].startswith("in_"):
        return None
    return raw[len(prefix) :]


def connection(customer_id: str, page: models.InvoicePage) -> InvoiceConnection:
    nodes = [Invoice.from_model(invoice) for invoice in page.invoices]
    edges = [
        InvoiceEdge(cursor=encode_cursor(customer_id, invoice.id), node=node)
        for invoice, node in zip(page.invoices, nodes, strict=True)
    ]
    return InvoiceConnection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None
        ),
    )
