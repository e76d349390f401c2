"""What happens at a period end: the next period and its invoice, trial ends, expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import invoicing, proration_items
from .item_changes import (
    cadence,
    items_of,
    period_of,
    price_of,
)
from .lifecycle import Result, emit_changed
from .periods import next_boundary
from .subscription_cancel import cancel
from .subscription_lines import full_line, partial_line
from .subscription_pause import enter_paused

if TYPE_CHECKING:
    from .state import Emulator, Obj


def renew(emu: Emulator, sub: Obj, at: int) -> Result:
    """The period ended at `at`: start the next one and invoice it (a trial's end too)."""
    before = emu.render(sub)
    old_start, old_end = period_of(emu, sub)
    if sub["status"] == "trialing":
        sub["status"] = "active"
        if _missing_payment_method(emu, sub):
            outcome = sub["trial_settings"]["end_behavior"]["missing_payment_method"]
            if outcome == "cancel":
                cancel(emu, sub, at, reason="cancellation_requested")
                return Result(sub)
            if outcome == "pause":
                enter_paused(emu, sub, at, "trial_end_without_payment_method")
                emit_changed(emu, sub, before, "customer.subscription.updated")
                return Result(sub)
    interval, count = cadence(price_of(emu, items_of(emu, sub)[0]))
    end = next_boundary(int(sub["billing_cycle_anchor"]), interval, count, at)
    invoice = invoicing.new_invoice(
        emu, sub, billing_reason="subscription_cycle", period=(old_start, old_end), at=at
    )
    cancel_at = sub["cancel_at"]
    for item in items_of(emu, sub):
        item["_debits"] = []
        if cancel_at is not None and at < cancel_at < end:
            item.update(current_period_start=at, current_period_end=cancel_at)
            partial_line(emu, invoice, item, at, cancel_at)
        else:
            item.update(current_period_start=at, current_period_end=end)
            full_line(emu, invoice, item, at, end)
    proration_items.sweep_pending(emu, invoice, sub["id"])
    invoicing.open_invoice(emu, invoice)
    decline = _collect_renewal(emu, sub, invoice, at)
    emit_changed(emu, sub, before, "customer.subscription.updated")
    return Result(sub, invoice, decline)


def _missing_payment_method(emu: Emulator, sub: Obj) -> bool:
    if sub["collection_method"] != "charge_automatically" or sub["default_payment_method"]:
        return False
    customer = emu.objects[sub["customer"]]
    return not (customer.get("invoice_settings") or {}).get("default_payment_method")


def _collect_renewal(emu: Emulator, sub: Obj, invoice: Obj, at: int) -> str | None:
    if not invoicing.settles(emu):
        return None
    pause = sub["pause_collection"]
    if pause is None:
        return invoicing.settle(emu, invoice, at)
    invoice["auto_advance"] = False
    if pause["behavior"] == "keep_as_draft":
        return None
    invoicing.finalize(emu, invoice, at)
    if invoice["status"] != "open":
        return None
    if pause["behavior"] == "void":
        invoicing.void(emu, invoice, at)
    else:
        invoicing.mark_uncollectible(emu, invoice, at)
    return None


def expire_incomplete(emu: Emulator, sub: Obj, at: int) -> None:
    """An incomplete subscription whose first invoice went unpaid for 23 hours."""
    before = emu.render(sub)
    for invoice in invoicing.open_invoices_of(emu, sub["id"]):
        invoicing.void(emu, invoice, at)
    sub.update(status="incomplete_expired", ended_at=at)
    emit_changed(emu, sub, before, "customer.subscription.updated")


def resume_collection(emu: Emulator, sub: Obj) -> None:
    """`pause_collection.resumes_at` arrived: collection resumes."""
    before = emu.render(sub)
    sub["pause_collection"] = None
    emit_changed(emu, sub, before, "customer.subscription.updated")


def warn_trial_end(emu: Emulator, sub: Obj) -> None:
    """`customer.subscription.trial_will_end`, once per trial."""
    sub["_trial_will_end_sent"] = True
    emu.emit("customer.subscription.trial_will_end", sub)


def overdue_invoices(emu: Emulator, sub: Obj) -> list[Obj]:
    """Open `send_invoice` invoices of the subscription not yet reported overdue."""
    return [
        invoice
        for invoice in invoicing.open_invoices_of(emu, sub["id"])
        if invoice["due_date"] is not None and not invoice.get("_overdue")
    ]


def mark_overdue(emu: Emulator, sub: Obj, invoice: Obj) -> None:
    """An invoice passed its due date unpaid: `invoice.overdue`; the subscription is past_due."""
    invoice["_overdue"] = True
    emu.emit("invoice.overdue", invoice)
    if sub["status"] == "active":
        before = emu.render(sub)
        sub["status"] = "past_due"
        emit_changed(emu, sub, before, "customer.subscription.updated")
