"""`POST /v1/subscriptions/{id}`: item changes with prorations, new billing cycles, trials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import discounts, invoicing, proration_items
from .errors import StripeError, invalid
from .item_changes import (
    ItemChange,
    apply,
    cadence,
    credit_unused,
    final_cadence,
    items_of,
    period_of,
    plan,
    price_of,
    unsupported,
)
from .lifecycle import (
    ENDED,
    Result,
    apply_settings,
    collection_settings,
    dry_run_decline,
    emit_changed,
    issue,
    now_for,
    payment_error,
    reject_unmodelled,
)
from .periods import shift
from .resources.common import apply_metadata, require_payment_method_of
from .subscription_cancel import (
    apply_cancel_fields,
    apply_cancellation_details,
    check_cancel_fields,
)
from .subscription_lines import full_line

if TYPE_CHECKING:
    from .state import Emulator, Obj


_UPDATE_UNMODELLED = (
    "add_invoice_items",
    "application_fee_percent",
    "billing_schedules",
    "billing_thresholds",
    "default_source",
    "default_tax_rates",
    "on_behalf_of",
    "pending_invoice_item_interval",
    "transfer_data",
    "trial_from_plan",
)


_CANCELED_MUTABLE = frozenset({"cancellation_details", "metadata", "expand"})


def _validate_update(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    if sub["status"] in ENDED:
        extra = sorted(set(params) - _CANCELED_MUTABLE)
        if extra:
            raise StripeError(
                "A canceled subscription can only update its cancellation_details and metadata.",
                param=extra[0],
                code="invalid_canceled_subscription_fields",
            )
    reject_unmodelled(params, _UPDATE_UNMODELLED)
    if params.get("payment_behavior") == "pending_if_incomplete":
        raise unsupported("payment_behavior=pending_if_incomplete", "subscription updates")
    if sub["schedule"] and ("cancel_at" in params or "cancel_at_period_end" in params):
        raise invalid(
            f"The subscription is managed by the subscription schedule `{sub['schedule']}`, and "
            "updating any cancelation behavior directly is not allowed. Please update the "
            "schedule instead.",
            param="cancel_at" if "cancel_at" in params else "cancel_at_period_end",
        )
    check_cancel_fields(emu, params, now)
    if "proration_date" in params:
        start, end = period_of(emu, sub)
        if not start <= params["proration_date"] <= end:
            raise invalid(
                "proration_date must be within the subscription's current billing period "
                f"({start} to {end}).",
                param="proration_date",
            )
    pause = params.get("pause_collection")
    if pause and pause.get("resumes_at") is not None and pause["resumes_at"] <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
            param="pause_collection[resumes_at]",
        )
    trial_end = params.get("trial_end")
    if trial_end is not None and trial_end != "now":
        if trial_end <= now:
            raise invalid(
                "Invalid timestamp: must be an integer Unix timestamp in the future.",
                param="trial_end",
            )
        if sub["status"] != "trialing":
            raise unsupported("trial_end (adding a trial to a subscription that is not trialing)")
    if params.get("default_payment_method"):
        require_payment_method_of(
            emu, params["default_payment_method"], sub["customer"], "default_payment_method"
        )


def update(emu: Emulator, sub: Obj, params: Obj) -> Result:
    """Apply `POST /v1/subscriptions/{id}`; all checks happen before anything changes."""
    now = now_for(emu, sub)
    _validate_update(emu, sub, params, now)
    changes = plan(emu, sub, params["items"], "items") if params.get("items") else []
    collection_settings(params, sub)
    resolved = discounts.resolve(
        emu, params.get("discounts"), sub["customer"], sub["currency"], "discounts", sub["id"]
    )
    if params.get("payment_behavior") == "error_if_incomplete":
        sub_id = sub["id"]
        rest = {k: v for k, v in params.items() if k != "payment_behavior"}
        decline = dry_run_decline(
            emu, sub["customer"], lambda copy_of: update(copy_of, copy_of.objects[sub_id], rest)
        )
        if decline is not None:
            raise payment_error(decline)
    before = emu.render(sub)
    result = Result(sub)
    _apply_simple(emu, sub, params, now)
    if "discounts" in params:
        discounts.replace(emu, sub, params["discounts"], resolved, now)
    behavior = params.get("proration_behavior", "create_prorations")
    at = int(params.get("proration_date", now))
    trial_end = params.get("trial_end")
    reset = (params.get("billing_cycle_anchor") or {}).get("type") == "now"
    # A new interval starts a new period now, except during a trial that continues: the
    # trial stays free up to `trial_end`, and the new interval applies from there.
    if (
        changes
        and sub["status"] != "trialing"
        and final_cadence(emu, sub, changes) != cadence(price_of(emu, items_of(emu, sub)[0]))
    ):
        reset = True
    if trial_end == "now" and sub["status"] == "trialing":
        reset = True
    elif isinstance(trial_end, int) and sub["status"] == "trialing":
        _move_trial_end(emu, sub, trial_end)
    charge = params.get("payment_behavior") != "default_incomplete"
    if reset:
        result = reset_cycle(emu, sub, changes, at=at, now=now, behavior=behavior, charge=charge)
    elif changes:
        result = change_items(emu, sub, changes, at=at, now=now, behavior=behavior, charge=charge)
    emit_changed(emu, sub, before, "customer.subscription.updated")
    return result


def _apply_simple(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    if "metadata" in params:
        sub["metadata"] = apply_metadata(sub["metadata"], params["metadata"])
    if "description" in params:
        sub["description"] = params["description"] or None
    if params.get("default_payment_method"):
        sub["default_payment_method"] = params["default_payment_method"]
    if "collection_method" in params or "days_until_due" in params:
        sub["collection_method"], sub["days_until_due"] = collection_settings(params, sub)
    if "pause_collection" in params:
        pause = params["pause_collection"]
        sub["pause_collection"] = (
            {"behavior": pause["behavior"], "resumes_at": pause.get("resumes_at")}
            if pause
            else None
        )
    apply_settings(sub, params)
    if "payment_settings" in params:
        save = params["payment_settings"].get("save_default_payment_method")
        if save:
            sub["payment_settings"]["save_default_payment_method"] = save
    behavior = ((params.get("trial_settings") or {}).get("end_behavior") or {}).get(
        "missing_payment_method"
    )
    if behavior is not None:
        sub["trial_settings"]["end_behavior"]["missing_payment_method"] = behavior
    if sub["status"] not in ENDED:
        apply_cancel_fields(emu, sub, params, now)
    elif "cancellation_details" in params:
        apply_cancellation_details(emu, sub, params["cancellation_details"])


def _move_trial_end(emu: Emulator, sub: Obj, trial_end: int) -> None:
    sub.update(trial_end=trial_end, billing_cycle_anchor=trial_end, _trial_will_end_sent=False)
    for item in items_of(emu, sub):
        item["current_period_end"] = trial_end
        for debit in item["_debits"]:
            debit["end"] = trial_end


def change_items(
    emu: Emulator,
    sub: Obj,
    changes: list[ItemChange],
    *,
    at: int,
    now: int,
    behavior: str,
    charge: bool = True,
) -> Result:
    """Item changes within the period: prorations pending, or invoiced now (`always_invoice`)."""
    prorate_changes = behavior != "none" and sub["status"] != "trialing"
    made = apply(emu, sub, changes, at=at, prorate_changes=prorate_changes)
    if behavior != "always_invoice" or not made.invoice_items:
        return Result(sub)
    invoice = invoicing.new_invoice(
        emu, sub, billing_reason="subscription_update", period=(now, now), at=now, proration_date=at
    )
    proration_items.sweep_pending(emu, invoice, sub["id"])
    decline = issue(emu, invoice, now, charge=charge)
    return Result(sub, invoice, decline)


def reset_cycle(
    emu: Emulator,
    sub: Obj,
    changes: list[ItemChange],
    *,
    at: int,
    now: int,
    behavior: str,
    charge: bool = True,
    billing_reason: str = "subscription_update",
) -> Result:
    """A new billing period from `now` (anchor reset, interval change, trial ended): bill it now."""
    trialing = sub["status"] == "trialing"
    if behavior != "none" and not trialing:
        for item in items_of(emu, sub):
            credit_unused(emu, sub, item, at)
    apply(emu, sub, changes, at=at, prorate_changes=False)
    interval, count = cadence(price_of(emu, items_of(emu, sub)[0]))
    end = shift(now, interval, count, 1)
    sub["billing_cycle_anchor"] = now
    if trialing:
        sub["trial_end"] = now
        sub["status"] = "active"
        if not sub["_trial_will_end_sent"]:
            sub["_trial_will_end_sent"] = True
            emu.emit("customer.subscription.trial_will_end", sub)
    invoice = invoicing.new_invoice(
        emu,
        sub,
        billing_reason=billing_reason,
        period=(now, now),
        at=now,
        proration_date=at if behavior != "none" and not trialing else None,
    )
    proration_items.sweep_pending(emu, invoice, sub["id"])
    for item in items_of(emu, sub):
        item.update(current_period_start=now, current_period_end=end, _debits=[])
        full_line(emu, invoice, item, now, end)
    decline = issue(emu, invoice, now, charge=charge)
    return Result(sub, invoice, decline)
