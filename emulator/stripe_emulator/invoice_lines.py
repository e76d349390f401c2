"""Invoice lines: what each bills, its pricing, and the invoice totals they add up to.

Lines only exist inside an invoice (stored in its `_lines`), as in Stripe; a
subscription line names its item in `parent.subscription_item_details`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import discounts

if TYPE_CHECKING:
    from .state import Emulator, Obj


@dataclass(frozen=True)
class Credited:
    """What a credit proration gives back: invoiced lines, or a still-pending invoice item."""

    invoice: str | None = None
    lines: tuple[str, ...] = ()
    invoice_item: str | None = None


def product_name(emu: Emulator, price: Obj) -> str:
    """The product name lines are described with."""
    product = emu.objects.get(price["product"])
    return str(product["name"]) if product else str(price["product"])


def pricing(price: Obj, amount: int, quantity: int) -> Obj:
    """A line's `pricing`: the price, and the unit amount the line works out to."""
    if (
        quantity
        and price.get("unit_amount") is not None
        and amount == price["unit_amount"] * quantity
    ):
        unit = Decimal(price["unit_amount"])
    else:
        unit = (Decimal(amount) / Decimal(quantity or 1)).quantize(Decimal("1.000000000000"))
    return {
        "price_details": {"price": price["id"], "product": price["product"]},
        "type": "price_details",
        "unit_amount_decimal": _decimal_text(unit),
    }


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def add_line(
    emu: Emulator,
    invoice: Obj,
    *,
    price: Obj,
    amount: int,
    quantity: int,
    period: tuple[int, int],
    description: str,
    subscription: str,
    item: str,
    proration: bool,
    invoice_item: str | None,
    credited: Credited | None,
) -> Obj:
    credited_items = None
    if credited is not None:
        lines = credited
        if credited.invoice_item is not None:
            source = emu.objects.get(credited.invoice_item)
            lines = (
                Credited(invoice=source["invoice"], lines=(source["_line"],))
                if source is not None and source.get("_line")
                else Credited()
            )
        if lines.invoice is not None:
            credited_items = {"invoice": lines.invoice, "invoice_line_items": list(lines.lines)}
    line = {
        "amount": amount,
        "currency": invoice["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": not proration,
        "discounts": [],
        "id": emu.new_id("il"),
        "invoice": invoice["id"],
        "livemode": False,
        "metadata": {},
        "object": "line_item",
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": invoice_item,
                "proration": proration,
                "proration_details": {"credited_items": credited_items},
                "subscription": subscription,
                "subscription_item": item,
            },
            "type": "subscription_item_details",
        },
        "period": {"end": period[1], "start": period[0]},
        "pretax_credit_amounts": [],
        "pricing": pricing(price, amount, quantity),
        "quantity": quantity,
        "quantity_decimal": None if quantity is None else str(quantity),
        "subscription": subscription,
        "subtotal": amount,
        "taxes": [],
    }
    invoice["_lines"].append(line)
    recompute(emu, invoice)
    return line


def add_item_line(
    emu: Emulator,
    invoice: Obj,
    item: Obj,
    price: Obj,
    *,
    amount: int,
    quantity: int,
    period: tuple[int, int],
    description: str,
) -> Obj:
    """A regular (non-proration) line billing a subscription item for `period`."""
    return add_line(
        emu,
        invoice,
        price=price,
        amount=amount,
        quantity=quantity,
        period=period,
        description=description,
        subscription=item["subscription"],
        item=item["id"],
        proration=False,
        invoice_item=None,
        credited=None,
    )


def recompute(emu: Emulator, invoice: Obj) -> None:
    subtotal = sum(line["amount"] for line in invoice["_lines"])
    total = subtotal - discounts.apply_to(emu, invoice)
    invoice.update(
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal,
        total=total,
        total_excluding_tax=total,
    )
    if invoice["status"] == "draft":
        due = max(total, 0)
        invoice.update(amount_due=due, amount_remaining=due)
