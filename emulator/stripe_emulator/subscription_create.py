"""Starting a subscription: validation, trials, a future billing anchor, the first invoice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import discounts, invoicing
from .errors import invalid, missing_param
from .item_changes import (
    cadence,
    items_of,
    new_item,
    plan,
    unsupported,
)
from .lifecycle import (
    TRIAL_WILL_END_NOTICE,
    Result,
    apply_settings,
    collection_settings,
    issue,
    payment_error,
    reject_unmodelled,
)
from .periods import shift
from .resources.common import apply_metadata, referenced, require_payment_method_of
from .sandbox import scratch
from .subscription_cancel import apply_cancel_fields, check_cancel_fields
from .subscription_lines import full_line, partial_line, trial_line

if TYPE_CHECKING:
    from .state import Emulator, Obj


_MAX_TRIAL = 730 * 86_400


_CREATE_UNMODELLED = (
    "add_invoice_items",
    "application_fee_percent",
    "backdate_start_date",
    "billing_cycle_anchor_config",
    "billing_schedules",
    "billing_thresholds",
    "customer_account",
    "default_source",
    "default_tax_rates",
    "on_behalf_of",
    "pending_invoice_item_interval",
    "transfer_data",
)


def _trial_end(emu: Emulator, params: Obj, prices: list[Obj], now: int) -> int | None:
    value = params.get("trial_end")
    if value == "now":
        return None
    if value is not None:
        if value <= now:
            raise invalid(
                "Invalid timestamp: must be an integer Unix timestamp in the future.",
                param="trial_end",
            )
        if value - now > _MAX_TRIAL:
            raise invalid(
                "Invalid timestamp: can be no more than 730 days in the future.", param="trial_end"
            )
        return int(value)
    days = params.get("trial_period_days")
    if days is None and params.get("trial_from_plan"):
        days = max((p["recurring"].get("trial_period_days") or 0) for p in prices) or None
    if days is None or days == 0:
        return None
    if days < 0 or days > 730:
        raise invalid("trial_period_days must be between 0 and 730.", param="trial_period_days")
    return now + int(days) * 86_400


def create(emu: Emulator, params: Obj) -> Result:
    """Start a subscription and issue (and try to pay) its first invoice."""
    reject_unmodelled(params, _CREATE_UNMODELLED)
    if "customer" not in params:
        raise missing_param("customer")
    customer = referenced(emu, params["customer"], "customer", "customer", "customer")
    if not params.get("items"):
        raise missing_param("items")
    now = emu.now(customer["id"])
    changes = plan(emu, None, params["items"], "items")
    prices = [c.price for c in changes]
    currency = prices[0]["currency"]
    if params.get("currency") and params["currency"].lower() != currency:
        raise invalid(
            f"The price specified is in {currency}, which does not match currency "
            f"{params['currency'].lower()}.",
            param="currency",
        )
    pm = params.get("default_payment_method")
    if pm:
        require_payment_method_of(emu, pm, customer["id"], "default_payment_method")
    method, days = collection_settings(params)
    trial_end = _trial_end(emu, params, prices, now)
    anchor = params.get("billing_cycle_anchor")
    if anchor is not None:
        if anchor <= now:
            raise invalid(
                "billing_cycle_anchor must be a future Unix timestamp.",
                param="billing_cycle_anchor",
            )
        if trial_end is not None:
            raise unsupported("billing_cycle_anchor (with a trial)", "subscriptions")
        if anchor > shift(now, *cadence(prices[0]), 1):
            raise invalid(
                "billing_cycle_anchor cannot be later than one billing period from now.",
                param="billing_cycle_anchor",
            )
    behavior = params.get("payment_behavior", "allow_incomplete")
    if behavior == "pending_if_incomplete":
        raise invalid(
            "pending_if_incomplete is only supported for subscription updates.",
            param="payment_behavior",
        )
    check_cancel_fields(emu, params, now)
    resolved = discounts.resolve(
        emu, params.get("discounts"), customer["id"], currency, "discounts"
    )
    if behavior == "error_if_incomplete" and method == "charge_automatically":
        decline = scratch_create_decline(emu, params)
        if decline is not None:
            raise payment_error(decline)
    mode = (params.get("billing_mode") or {}).get("type", "flexible")
    sub = emu.create(
        "sub",
        "subscription",
        _new_fields(emu, customer, params, currency, method, days, now, mode),
        customer=customer["id"],
    )
    apply_settings(sub, params)
    interval, count = cadence(prices[0])
    if trial_end is not None:
        end, sub["billing_cycle_anchor"] = trial_end, trial_end
        sub.update(status="trialing", trial_start=now, trial_end=trial_end)
    elif anchor is not None:
        end, sub["billing_cycle_anchor"] = int(anchor), int(anchor)
    else:
        end = shift(now, interval, count, 1)
    for change in changes:
        new_item(emu, sub, change.price, change.quantity, change.metadata, (now, end))
    apply_cancel_fields(emu, sub, params, now)
    discounts.replace(emu, sub, params.get("discounts", []), resolved, now)
    emu.emit("customer.subscription.created", sub)
    invoice = invoicing.new_invoice(
        emu, sub, billing_reason="subscription_create", period=(now, now), at=now
    )
    # Prorations on create come from a billing_cycle_anchor: `none` bills nothing until it.
    free = params.get("proration_behavior") == "none"
    for item in items_of(emu, sub):
        if trial_end is not None:
            trial_line(emu, invoice, item, now, end)
        elif anchor is not None:
            partial_line(emu, invoice, item, now, end, free=free)
        else:
            full_line(emu, invoice, item, now, end)
    decline = issue(emu, invoice, now, charge=behavior != "default_incomplete")
    if trial_end is not None and trial_end - now <= TRIAL_WILL_END_NOTICE:
        sub["_trial_will_end_sent"] = True
        emu.emit("customer.subscription.trial_will_end", sub)
    return Result(sub, invoice, decline)


def _new_fields(
    emu: Emulator,
    customer: Obj,
    params: Obj,
    currency: str,
    method: str,
    days: int | None,
    now: int,
    mode: str,
) -> Obj:
    flexible = {"proration_discounts": "included"} if mode == "flexible" else None
    end_behavior = ((params.get("trial_settings") or {}).get("end_behavior") or {}).get(
        "missing_payment_method", "create_invoice"
    )
    save_default = (params.get("payment_settings") or {}).get("save_default_payment_method", "off")
    return {
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": now,
        "billing_cycle_anchor_config": None,
        # `updated_at` appears once the billing mode is migrated, never as null.
        "billing_mode": {"flexible": flexible, "type": mode},
        "billing_schedules": [],
        "billing_thresholds": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {
            "comment": None,
            "feedback": None,
            "feedback_option": None,
            "reason": None,
        },
        "collection_method": method,
        "currency": currency,
        "customer": customer["id"],
        "customer_account": None,
        "days_until_due": days,
        "default_payment_method": params.get("default_payment_method"),
        "default_source": None,
        "default_tax_rates": [],
        "description": params.get("description"),
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {
            "account_tax_ids": None,
            "custom_fields": None,
            "description": None,
            "footer": None,
            "issuer": {"type": "self"},
        },
        "latest_invoice": None,
        "managed_payments": None,
        "metadata": apply_metadata({}, params.get("metadata") or {}),
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": save_default,
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": now,
        "status": "active" if method == "send_invoice" else "incomplete",
        "status_details": None,
        "test_clock": customer.get("test_clock"),
        "transfer_data": None,
        "trial_end": None,
        "trial_settings": {
            "end_behavior": {"billing_cycle_anchor": None, "missing_payment_method": end_behavior}
        },
        "trial_start": None,
        "_items": [],
        "_trial_will_end_sent": False,
        "_cancel_prorate": False,
    }


def scratch_create_decline(emu: Emulator, params: Obj) -> str | None:
    """Would creating this subscription fail to pay? Decided on a throw-away copy."""
    copy_of = scratch(emu, params["customer"], settles=True)
    return create(copy_of, {**params, "payment_behavior": "allow_incomplete"}).decline
