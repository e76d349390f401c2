"""Proration invoice items: pending `ii_...` objects until an invoice sweeps them in.

A credit remembers what it gives back (`Credited`): invoiced lines, or a
debit that is itself still pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .invoice_lines import Credited, add_line, pricing

if TYPE_CHECKING:
    from .state import Emulator, Obj


def create_invoice_item(
    emu: Emulator,
    *,
    subscription: Obj,
    item: Obj,
    price: Obj,
    amount: int,
    quantity: int,
    period: tuple[int, int],
    description: str,
    at: int,
    credited: Credited | None = None,
) -> Obj:
    """A pending proration invoice item (`proration=true`), billed with the next invoice."""
    credited_items: Obj | None = None
    if credited is not None and credited.invoice is not None:
        credited_items = {
            "invoice_line_item_details": {
                "invoice": credited.invoice,
                "invoice_line_items": list(credited.lines),
            },
            "type": "invoice_line_items",
        }
    elif credited is not None and credited.invoice_item is not None:
        credited_items = {"invoice_item": credited.invoice_item, "type": "invoice_item"}
    ii = emu.create(
        "ii",
        "invoiceitem",
        {
            "amount": amount,
            "currency": subscription["currency"],
            "customer": subscription["customer"],
            "customer_account": None,
            "date": at,
            "description": description,
            "discountable": False,
            "discounts": [],
            "invoice": None,
            "metadata": {},
            "net_amount": amount,
            "parent": {
                "subscription_details": {
                    "subscription": subscription["id"],
                    "subscription_item": item["id"],
                },
                "type": "subscription_details",
            },
            "period": {"end": period[1], "start": period[0]},
            "pricing": pricing(price, amount, quantity),
            "proration": True,
            "proration_details": {"credited_items": credited_items, "discount_amounts": []},
            "quantity": quantity,
            "quantity_decimal": str(quantity),
            "tax_rates": [],
            "test_clock": subscription["test_clock"],
            "_price": price["id"],
            "_credited": credited,
            "_line": None,
        },
        customer=subscription["customer"],
    )
    ii["created"] = at
    emu.emit("invoiceitem.created", ii)
    return ii


def pending_items(emu: Emulator, subscription_id: str) -> list[Obj]:
    """A subscription's invoice items not yet on an invoice, oldest first."""
    found = emu.find(
        "invoiceitem",
        lambda ii: (
            ii["invoice"] is None
            and ii["parent"]["subscription_details"]["subscription"] == subscription_id
        ),
    )
    return list(reversed(found))


def sweep_pending(emu: Emulator, invoice: Obj, subscription_id: str) -> list[Obj]:
    """Move the subscription's pending invoice items onto `invoice` as lines."""
    moved = pending_items(emu, subscription_id)
    for ii in moved:
        price = emu.objects[ii["_price"]]
        line = add_line(
            emu,
            invoice,
            price=price,
            amount=ii["amount"],
            quantity=ii["quantity"],
            period=(ii["period"]["start"], ii["period"]["end"]),
            description=ii["description"],
            subscription=subscription_id,
            item=ii["parent"]["subscription_details"]["subscription_item"],
            proration=ii["proration"],
            invoice_item=ii["id"],
            credited=ii["_credited"],
        )
        ii["invoice"] = invoice["id"]
        ii["_line"] = line["id"]
    return moved
