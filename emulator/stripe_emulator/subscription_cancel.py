"""Ending a subscription now or later: cancel_at, cancel_at_period_end, DELETE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import invoicing, proration_items
from .errors import invalid
from .item_changes import credit_unused, items_of, period_of
from .lifecycle import ENDED, Result, issue
from .resources.common import referenced

if TYPE_CHECKING:
    from .state import Emulator, Obj

_PERIOD_END_ENUMS = ("min_period_end", "max_period_end", "max_billed_until")
# Stripe's limit for `cancellation_details[comment]`.
MAX_COMMENT = 5000


def apply_cancellation_details(emu: Emulator, sub: Obj, details: Obj) -> None:
    """Record the customer's feedback and comment (the reason is set when it ends)."""
    target = sub["cancellation_details"]
    if "comment" in details:
        target["comment"] = details["comment"] or None
    if "feedback" in details:
        target["feedback"] = details["feedback"] or None
    if details.get("feedback_option"):
        target["feedback_option"] = referenced(
            emu,
            details["feedback_option"],
            "billing.feedback_option",
            "feedback option",
            "cancellation_details[feedback_option]",
        )["id"]


def check_cancel_fields(emu: Emulator, params: Obj, now: int) -> None:
    """Validate cancel_at / cancel_at_period_end / cancellation_details before any change."""
    value = params.get("cancel_at")
    if params.get("cancel_at_period_end") is True and value not in (None, ""):
        raise invalid(
            "You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
            code="parameters_exclusive",
        )
    if isinstance(value, str) and value not in ("", *_PERIOD_END_ENUMS):
        raise invalid(
            "Invalid cancel_at: must be a Unix timestamp, min_period_end, max_period_end or "
            "max_billed_until.",
            param="cancel_at",
            code="parameter_invalid_enum",
        )
    if isinstance(value, int) and value <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
            param="cancel_at",
        )
    comment = (params.get("cancellation_details") or {}).get("comment")
    if isinstance(comment, str) and len(comment) > MAX_COMMENT:
        raise invalid(
            f"Invalid string: {comment[:20]}...; must be at most {MAX_COMMENT} characters",
            param="cancellation_details[comment]",
        )
    option = (params.get("cancellation_details") or {}).get("feedback_option")
    if option:
        referenced(
            emu,
            option,
            "billing.feedback_option",
            "feedback option",
            "cancellation_details[feedback_option]",
        )


def _cancel_at_value(emu: Emulator, sub: Obj, value: Any, now: int) -> int | None:
    if value == "":
        return None
    if value in _PERIOD_END_ENUMS:
        # One cadence per subscription: every item's period ends at the same time.
        return period_of(emu, sub)[1]
    return int(value)


def apply_cancel_fields(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    """Schedule or unschedule the end: cancel_at_period_end, cancel_at (a time or enum)."""
    if "cancellation_details" in params:
        apply_cancellation_details(emu, sub, params["cancellation_details"])
    if params.get("cancel_at_period_end") is True:
        sub.update(cancel_at_period_end=True, cancel_at=period_of(emu, sub)[1], canceled_at=now)
    elif params.get("cancel_at_period_end") is False:
        if sub["cancel_at_period_end"]:
            sub["cancel_at"] = None
        sub["cancel_at_period_end"] = False
    if "cancel_at" in params:
        value = _cancel_at_value(emu, sub, params["cancel_at"], now)
        # Scheduling by timestamp leaves the flag false (what the hosted portal does).
        sub.update(cancel_at=value, cancel_at_period_end=False)
        behavior = params.get("proration_behavior", "create_prorations")
        sub["_cancel_prorate"] = behavior != "none"
    if sub["cancel_at"] is None:
        sub["canceled_at"] = None
    elif sub["canceled_at"] is None:
        sub["canceled_at"] = now


def cancel(
    emu: Emulator,
    sub: Obj,
    at: int,
    *,
    prorate_unused: bool = False,
    invoice_now: bool = False,
    details: Obj | None = None,
    reason: str = "cancellation_requested",
) -> Result:
    """End the subscription at `at` (`DELETE`, or a scheduled cancel coming due)."""
    if sub["status"] in ENDED:
        raise invalid("This subscription has already been canceled.")
    if prorate_unused and sub["status"] != "trialing":
        for item in items_of(emu, sub):
            credit_unused(emu, sub, item, at)
    invoice = None
    decline = None
    pending = proration_items.pending_items(emu, sub["id"])
    if invoice_now and pending:
        invoice = invoicing.new_invoice(
            emu, sub, billing_reason="subscription_update", period=(at, at), at=at
        )
        proration_items.sweep_pending(emu, invoice, sub["id"])
        decline = issue(emu, invoice, at)
    elif not prorate_unused:
        for ii in pending:
            if ii["proration"]:
                ii["deleted"] = True
                emu.emit("invoiceitem.deleted", ii)
                emu.delete(ii["id"])
    if details:
        apply_cancellation_details(emu, sub, details)
    sub["cancellation_details"]["reason"] = reason
    sub.update(status="canceled", ended_at=at, canceled_at=sub["canceled_at"] or at)
    for open_invoice in invoicing.open_invoices_of(emu, sub["id"]):
        open_invoice["auto_advance"] = False
    schedule = emu.objects.get(sub["schedule"] or "")
    if schedule is not None and schedule["status"] in ("active", "not_started"):
        schedule.update(status="canceled", canceled_at=at, current_phase=None)
        emu.emit("subscription_schedule.canceled", schedule)
    emu.emit("customer.subscription.deleted", sub)
    return Result(sub, invoice, decline)


def cancel_when_due(emu: Emulator, sub: Obj, at: int) -> Result:
    """`cancel_at` arrived: cancel, crediting the unused part of the period if it asked to."""
    _, end = period_of(emu, sub)
    prorate_unused = bool(sub["_cancel_prorate"]) and at < end
    return cancel(emu, sub, at, prorate_unused=prorate_unused, invoice_now=prorate_unused)
