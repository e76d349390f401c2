"""Invoice lines that bill a subscription item for a period, remembered as its debits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import invoice_lines
from .item_changes import cadence, price_of, record_debit
from .periods import shift
from .proration import period_description, prorate, remaining_description, trial_description

if TYPE_CHECKING:
    from .state import Emulator, Obj


def _bill(
    emu: Emulator,
    invoice: Obj,
    item: Obj,
    period: tuple[int, int],
    amount: int,
    description: str,
    *,
    proration: bool = False,
) -> None:
    """One line billing `item` for `period`, remembered as the item's debit for that time."""
    price = price_of(emu, item)
    line = invoice_lines.add_item_line(
        emu,
        invoice,
        item,
        price,
        amount=amount,
        quantity=item["quantity"],
        period=period,
        description=description,
    )
    if proration:
        line["parent"]["subscription_item_details"]["proration"] = True
        line["discountable"] = False
    record_debit(item, amount, period[0], period[1], invoice=invoice["id"], line=line["id"])


def full_line(emu: Emulator, invoice: Obj, item: Obj, start: int, end: int) -> None:
    """`1 x Pro (at $20.00 / month)`: the item billed for a whole period."""
    price = price_of(emu, item)
    interval, count = cadence(price)
    name = invoice_lines.product_name(emu, price)
    description = period_description(
        name, item["quantity"], price["unit_amount"], price["currency"], interval, count
    )
    _bill(emu, invoice, item, (start, end), price["unit_amount"] * item["quantity"], description)


def trial_line(emu: Emulator, invoice: Obj, item: Obj, start: int, end: int) -> None:
    """`Trial period for Pro`: the $0 line of a trialing period."""
    name = invoice_lines.product_name(emu, price_of(emu, item))
    _bill(emu, invoice, item, (start, end), 0, trial_description(name, item["quantity"]))


def partial_line(
    emu: Emulator, invoice: Obj, item: Obj, start: int, end: int, *, free: bool = False
) -> None:
    """A period shorter than the cadence (a future anchor, a cancel_at inside the next
    period): billed pro rata against the full period that starts at `start`."""
    price = price_of(emu, item)
    full = price["unit_amount"] * item["quantity"]
    interval, count = cadence(price)
    full_end = shift(start, interval, count, 1)
    amount = 0 if free else full - prorate(full, start, full_end, end)
    name = invoice_lines.product_name(emu, price)
    description = remaining_description(name, item["quantity"], start)
    _bill(emu, invoice, item, (start, end), amount, description, proration=True)
