"""The pause and resume endpoints (status `paused`), distinct from pause_collection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import invoicing, proration_items
from .errors import invalid
from .item_changes import (
    cadence,
    charge_remaining,
    credit_unused,
    items_of,
    price_of,
    unsupported,
)
from .lifecycle import Result, emit_changed, issue, now_for
from .periods import next_boundary, previous_boundary
from .subscription_update import reset_cycle

if TYPE_CHECKING:
    from .state import Emulator, Obj


def enter_paused(emu: Emulator, sub: Obj, at: int, why: str) -> None:
    """Status `paused`, with why (`pause_requested`, a trial ending without a card...)."""
    sub.update(
        status="paused",
        status_details={
            "paused": {
                "subscription": {"type": why},
                "transitioned_at": at,
                "type": "subscription",
            }
        },
    )
    emu.emit("customer.subscription.paused", sub)


def pause(emu: Emulator, sub: Obj, params: Obj, *, by_schedule: bool = False) -> Result:
    """`POST /v1/subscriptions/{id}/pause`: no invoices and no new periods until resumed.

    `by_schedule`: the subscription's own schedule pauses it (its pause schedule), which
    the endpoint's rule against attached schedules does not stop.
    """
    at = now_for(emu, sub)
    if sub["billing_mode"]["type"] != "flexible":
        raise invalid(
            "Pausing a subscription requires billing_mode.type=flexible.", param="billing_mode"
        )
    if sub["schedule"] and not by_schedule:
        raise invalid(
            "You cannot pause a subscription that has an attached subscription schedule.",
        )
    if sub["status"] not in ("active", "trialing", "past_due"):
        raise invalid(f"A subscription with status `{sub['status']}` cannot be paused.")
    bill_for = params.get("bill_for") or {}
    if "outstanding_usage_through" in bill_for:
        raise unsupported("bill_for[outstanding_usage_through]", "subscription pauses")
    if params.get("type", "subscription") != "subscription":
        raise invalid("Only `type=subscription` pauses are supported.", param="type")
    unused_from = (bill_for.get("unused_time_from") or {}).get("type", "now")
    behavior = params.get("invoicing_behavior", "pending_invoice_item")
    before = emu.render(sub)
    if unused_from != "none" and sub["status"] != "trialing":
        for item in items_of(emu, sub):
            start = int(item["current_period_start"])
            credit_unused(
                emu, sub, item, start if unused_from == "item_current_period_start" else at
            )
    invoice = None
    decline = None
    if behavior == "invoice" and proration_items.pending_items(emu, sub["id"]):
        invoice = invoicing.new_invoice(
            emu, sub, billing_reason="subscription_update", period=(at, at), at=at
        )
        proration_items.sweep_pending(emu, invoice, sub["id"])
        decline = issue(emu, invoice, at)
    enter_paused(emu, sub, at, "pause_requested")
    emit_changed(emu, sub, before, "customer.subscription.updated")
    return Result(sub, invoice, decline)


def resume(emu: Emulator, sub: Obj, params: Obj) -> Result:
    """`POST /v1/subscriptions/{id}/resume`: a new period from now, or the old anchor kept."""
    now = now_for(emu, sub)
    if sub["status"] != "paused":
        raise invalid(f"Only a paused subscription can be resumed; this one is `{sub['status']}`.")
    if sub["collection_method"] != "charge_automatically":
        raise invalid(
            "Resume is only available for subscriptions with collection_method="
            "charge_automatically.",
        )
    anchor = (params.get("billing_cycle_anchor") or {}).get("type", "now")
    behavior = params.get("proration_behavior", "create_prorations")
    at = int(params.get("proration_date", now))
    on_success = params.get("payment_behavior") == "resume_on_payment_success"
    before = emu.render(sub)
    result = Result(sub)
    if anchor == "now":
        sub.update(status="active", status_details=None)
        result = reset_cycle(emu, sub, [], at=at, now=now, behavior="none", charge=True)
        if result.decline is not None and on_success and result.invoice is not None:
            sub.update(
                status="paused",
                status_details=before["status_details"],
                _resume_invoice=result.invoice["id"],
            )
    else:
        interval, count = cadence(price_of(emu, items_of(emu, sub)[0]))
        anchor_at = int(sub["billing_cycle_anchor"])
        start = previous_boundary(anchor_at, interval, count, now)
        end = next_boundary(anchor_at, interval, count, now)
        sub.update(status="active", status_details=None)
        for item in items_of(emu, sub):
            item.update(current_period_start=start, current_period_end=end, _debits=[])
        if behavior != "none":
            for item in items_of(emu, sub):
                charge_remaining(emu, sub, item, at)
        if behavior == "always_invoice" and proration_items.pending_items(emu, sub["id"]):
            invoice = invoicing.new_invoice(
                emu, sub, billing_reason="subscription_update", period=(now, now), at=now
            )
            proration_items.sweep_pending(emu, invoice, sub["id"])
            result = Result(sub, invoice, issue(emu, invoice, now))
    if sub["status"] != "paused":
        emu.emit("customer.subscription.resumed", sub)
    emit_changed(emu, sub, before, "customer.subscription.updated")
    return result
