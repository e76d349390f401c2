"""A subscription's life: start, change, new periods, trials, pauses, cancellation.

Handlers, schedules, the test-clock engine, previews and the demo seed all go
through these functions, so a preview, a clock advance and a live update
produce the same objects. Every function takes the time it acts at (`at`),
because on a test clock "now" is the clock's frozen time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import invoicing
from .errors import StripeError, invalid, missing_param
from .item_changes import (
    ItemChange,
    apply,
    cadence,
    charge_remaining,
    credit_unused,
    final_cadence,
    items_of,
    new_item,
    period_of,
    plan,
    price_of,
    record_debit,
    unsupported,
)
from .periods import next_boundary, previous_boundary, shift
from .proration import period_description, prorate, remaining_description, trial_description
from .resources.cards import decline_error
from .resources.common import apply_metadata, referenced, require_payment_method_of
from .sandbox import scratch

if TYPE_CHECKING:
    from collections.abc import Callable

    from .state import Emulator, Obj

ENDED = ("canceled", "incomplete_expired")
BILLABLE = ("active", "trialing", "past_due", "unpaid")
TRIAL_WILL_END_NOTICE = 3 * 86_400
INCOMPLETE_EXPIRES_AFTER = 23 * 3600
_MAX_TRIAL = 730 * 86_400


@dataclass
class Result:
    """What an operation did: the subscription, any invoice it issued, any decline."""

    subscription: Obj
    invoice: Obj | None = None
    decline: str | None = None


def now_for(emu: Emulator, subscription: Obj) -> int:
    return emu.now(str(subscription["customer"]))


def render_items(emu: Emulator, subscription: Obj) -> list[Obj]:
    return [emu.render(item) for item in items_of(emu, subscription)]


def _emit_changed(emu: Emulator, subscription: Obj, before: Obj, event: str) -> None:
    after = emu.render(subscription)
    previous = {key: before.get(key) for key in after if before.get(key) != after[key]}
    if previous:
        emu.emit(event, subscription, previous)


# -- lines ----------------------------------------------------------------------


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
    line = invoicing.add_item_line(
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


def _full_line(emu: Emulator, invoice: Obj, item: Obj, start: int, end: int) -> None:
    price = price_of(emu, item)
    interval, count = cadence(price)
    name = invoicing.product_name(emu, price)
    description = period_description(
        name, item["quantity"], price["unit_amount"], price["currency"], interval, count
    )
    _bill(emu, invoice, item, (start, end), price["unit_amount"] * item["quantity"], description)


def _trial_line(emu: Emulator, invoice: Obj, item: Obj, start: int, end: int) -> None:
    name = invoicing.product_name(emu, price_of(emu, item))
    _bill(emu, invoice, item, (start, end), 0, trial_description(name, item["quantity"]))


def _partial_line(
    emu: Emulator, invoice: Obj, item: Obj, start: int, end: int, *, free: bool = False
) -> None:
    """A period shorter than the cadence (a future anchor, a cancel_at inside the next
    period): billed pro rata against the full period that starts at `start`."""
    price = price_of(emu, item)
    full = price["unit_amount"] * item["quantity"]
    interval, count = cadence(price)
    full_end = shift(start, interval, count, 1)
    amount = 0 if free else full - prorate(full, start, full_end, end)
    name = invoicing.product_name(emu, price)
    description = remaining_description(name, item["quantity"], start)
    _bill(emu, invoice, item, (start, end), amount, description, proration=True)


def _settle(emu: Emulator, invoice: Obj, at: int, *, charge: bool = True) -> str | None:
    invoicing.open_invoice(emu, invoice)
    return invoicing.settle(emu, invoice, at, charge=charge)


# -- create -----------------------------------------------------------------------

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


def _reject_unmodelled(params: Obj, names: tuple[str, ...]) -> None:
    for name in names:
        if name in params and params[name] not in ("", None, []):
            raise unsupported(name, "subscriptions")
    if (params.get("automatic_tax") or {}).get("enabled"):
        raise unsupported("automatic_tax[enabled]", "subscriptions")
    if params.get("discounts"):
        raise unsupported("discounts", "subscriptions")


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


def _collection(params: Obj, current: Obj | None = None) -> tuple[str, int | None]:
    method = params.get("collection_method", current["collection_method"] if current else None)
    method = method or "charge_automatically"
    days = params.get("days_until_due", current["days_until_due"] if current else None)
    if method == "send_invoice" and days is None:
        raise missing_param("days_until_due")
    if method == "charge_automatically" and "days_until_due" in params:
        raise invalid(
            "days_until_due can only be set when collection_method is send_invoice.",
            param="days_until_due",
        )
    return method, days if method == "send_invoice" else None


def create(emu: Emulator, params: Obj) -> Result:
    """Start a subscription and issue (and try to pay) its first invoice."""
    _reject_unmodelled(params, _CREATE_UNMODELLED)
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
    method, days = _collection(params)
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
    if "cancel_at" in params and params.get("cancel_at_period_end"):
        raise invalid(
            "You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
            code="parameters_exclusive",
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
    _apply_cancel_fields(emu, sub, params, now)
    emu.emit("customer.subscription.created", sub)
    invoice = invoicing.new_invoice(
        emu, sub, billing_reason="subscription_create", period=(now, now), at=now
    )
    for item in items_of(emu, sub):
        if trial_end is not None:
            _trial_line(emu, invoice, item, now, end)
        elif anchor is not None:
            free = params.get("proration_behavior") == "none"
            _partial_line(emu, invoice, item, now, end, free=free)
        else:
            _full_line(emu, invoice, item, now, end)
    decline = _settle(emu, invoice, now, charge=behavior != "default_incomplete")
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
        "billing_mode": {"flexible": flexible, "type": mode, "updated_at": None},
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
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "latest_invoice": None,
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
        "trial_settings": {"end_behavior": {"missing_payment_method": end_behavior}},
        "trial_start": None,
        "_items": [],
        "_trial_will_end_sent": False,
        "_cancel_prorate": False,
    }


def payment_error(decline: str) -> StripeError:
    """The error a failed all-or-nothing payment answers with."""
    if decline == invoicing.NO_PAYMENT_METHOD:
        return StripeError(
            "This customer has no attached payment source or default payment method. Please "
            "consider adding a default payment method.",
            code="resource_missing",
        )
    return decline_error(decline)


def scratch_create_decline(emu: Emulator, params: Obj) -> str | None:
    """Would creating this subscription fail to pay? Decided on a throw-away copy."""
    copy_of = scratch(emu, params["customer"], settles=True)
    return create(copy_of, {**params, "payment_behavior": "allow_incomplete"}).decline


def dry_run_decline(
    emu: Emulator, customer: str, operation: Callable[[Emulator], Result]
) -> str | None:
    return operation(scratch(emu, customer, settles=True)).decline


# -- update -----------------------------------------------------------------------

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


def _apply_cancellation_details(emu: Emulator, sub: Obj, details: Obj) -> None:
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


def _cancel_at_value(emu: Emulator, sub: Obj, value: Any, now: int) -> int | None:
    if value == "":
        return None
    if value in ("min_period_end", "max_period_end", "max_billed_until"):
        return period_of(emu, sub)[1]
    if isinstance(value, str):
        raise invalid(
            "Invalid cancel_at: must be a Unix timestamp, min_period_end, max_period_end or "
            "max_billed_until.",
            param="cancel_at",
            code="parameter_invalid_enum",
        )
    if value <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
            param="cancel_at",
        )
    return int(value)


def _apply_cancel_fields(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    if "cancellation_details" in params:
        _apply_cancellation_details(emu, sub, params["cancellation_details"])
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


def _validate_update(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    if sub["status"] in ENDED:
        extra = sorted(set(params) - _CANCELED_MUTABLE)
        if extra:
            raise StripeError(
                "A canceled subscription can only update its cancellation_details and metadata.",
                param=extra[0],
                code="invalid_canceled_subscription_fields",
            )
    _reject_unmodelled(params, _UPDATE_UNMODELLED)
    if params.get("payment_behavior") == "pending_if_incomplete":
        raise unsupported("payment_behavior=pending_if_incomplete", "subscription updates")
    if sub["schedule"] and ("cancel_at" in params or "cancel_at_period_end" in params):
        raise invalid(
            f"The subscription is managed by the subscription schedule `{sub['schedule']}`, and "
            "updating any cancelation behavior directly is not allowed. Please update the "
            "schedule instead.",
            param="cancel_at" if "cancel_at" in params else "cancel_at_period_end",
        )
    if params.get("cancel_at_period_end") is True and params.get("cancel_at") not in (None, ""):
        raise invalid(
            "You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
            code="parameters_exclusive",
        )
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
    _collection(params, sub)
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
    behavior = params.get("proration_behavior", "create_prorations")
    at = int(params.get("proration_date", now))
    trial_end = params.get("trial_end")
    reset = (params.get("billing_cycle_anchor") or {}).get("type") == "now"
    if changes and final_cadence(emu, sub, changes) != cadence(
        price_of(emu, items_of(emu, sub)[0])
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
    _emit_changed(emu, sub, before, "customer.subscription.updated")
    return result


def _apply_simple(emu: Emulator, sub: Obj, params: Obj, now: int) -> None:
    if "metadata" in params:
        sub["metadata"] = apply_metadata(sub["metadata"], params["metadata"])
    if "description" in params:
        sub["description"] = params["description"] or None
    if params.get("default_payment_method"):
        sub["default_payment_method"] = params["default_payment_method"]
    if "collection_method" in params or "days_until_due" in params:
        sub["collection_method"], sub["days_until_due"] = _collection(params, sub)
    if "pause_collection" in params:
        pause = params["pause_collection"]
        sub["pause_collection"] = (
            {"behavior": pause["behavior"], "resumes_at": pause.get("resumes_at")}
            if pause
            else None
        )
    if "payment_settings" in params:
        save = params["payment_settings"].get("save_default_payment_method")
        if save:
            sub["payment_settings"]["save_default_payment_method"] = save
    if "trial_settings" in params:
        behavior = params["trial_settings"]["end_behavior"]["missing_payment_method"]
        sub["trial_settings"] = {"end_behavior": {"missing_payment_method": behavior}}
    if sub["status"] not in ENDED:
        _apply_cancel_fields(emu, sub, params, now)
    elif "cancellation_details" in params:
        _apply_cancellation_details(emu, sub, params["cancellation_details"])


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
    invoicing.sweep_pending(emu, invoice, sub["id"])
    decline = _settle(emu, invoice, now, charge=charge)
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
    invoicing.sweep_pending(emu, invoice, sub["id"])
    for item in items_of(emu, sub):
        item.update(current_period_start=now, current_period_end=end, _debits=[])
        _full_line(emu, invoice, item, now, end)
    decline = _settle(emu, invoice, now, charge=charge)
    return Result(sub, invoice, decline)


# -- renewal, trial end, expiry, scheduled cancellation -------------------------------


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
                _pause(emu, sub, at, "trial_end_without_payment_method")
                _emit_changed(emu, sub, before, "customer.subscription.updated")
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
            _partial_line(emu, invoice, item, at, cancel_at)
        else:
            item.update(current_period_start=at, current_period_end=end)
            _full_line(emu, invoice, item, at, end)
    invoicing.sweep_pending(emu, invoice, sub["id"])
    invoicing.open_invoice(emu, invoice)
    decline = _collect_renewal(emu, sub, invoice, at)
    _emit_changed(emu, sub, before, "customer.subscription.updated")
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
    _emit_changed(emu, sub, before, "customer.subscription.updated")


def resume_collection(emu: Emulator, sub: Obj) -> None:
    """`pause_collection.resumes_at` arrived: collection resumes."""
    before = emu.render(sub)
    sub["pause_collection"] = None
    _emit_changed(emu, sub, before, "customer.subscription.updated")


def warn_trial_end(emu: Emulator, sub: Obj) -> None:
    sub["_trial_will_end_sent"] = True
    emu.emit("customer.subscription.trial_will_end", sub)


# -- cancel -----------------------------------------------------------------------


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
    pending = invoicing.pending_items(emu, sub["id"])
    if invoice_now and pending:
        invoice = invoicing.new_invoice(
            emu, sub, billing_reason="subscription_update", period=(at, at), at=at
        )
        invoicing.sweep_pending(emu, invoice, sub["id"])
        decline = _settle(emu, invoice, at)
    elif not prorate_unused:
        for ii in pending:
            if ii["proration"]:
                ii["deleted"] = True
                emu.emit("invoiceitem.deleted", ii)
                emu.delete(ii["id"])
    if details:
        _apply_cancellation_details(emu, sub, details)
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


# -- pause and resume ---------------------------------------------------------------


def _pause(emu: Emulator, sub: Obj, at: int, why: str) -> None:
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


def pause(emu: Emulator, sub: Obj, params: Obj) -> Result:
    """`POST /v1/subscriptions/{id}/pause`: no invoices and no new periods until resumed."""
    at = now_for(emu, sub)
    if sub["billing_mode"]["type"] != "flexible":
        raise invalid(
            "Pausing a subscription requires billing_mode.type=flexible.", param="billing_mode"
        )
    if sub["schedule"]:
        raise invalid(
            "You cannot pause a subscription that has an attached subscription schedule.",
        )
    if sub["status"] not in ("active", "trialing", "past_due"):
        raise invalid(f"A subscription with status `{sub['status']}` cannot be paused.")
    bill_for = params.get("bill_for") or {}
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
    if behavior == "invoice" and invoicing.pending_items(emu, sub["id"]):
        invoice = invoicing.new_invoice(
            emu, sub, billing_reason="subscription_update", period=(at, at), at=at
        )
        invoicing.sweep_pending(emu, invoice, sub["id"])
        decline = _settle(emu, invoice, at)
    _pause(emu, sub, at, "pause_requested")
    _emit_changed(emu, sub, before, "customer.subscription.updated")
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
        if behavior == "always_invoice" and invoicing.pending_items(emu, sub["id"]):
            invoice = invoicing.new_invoice(
                emu, sub, billing_reason="subscription_update", period=(now, now), at=now
            )
            invoicing.sweep_pending(emu, invoice, sub["id"])
            result = Result(sub, invoice, _settle(emu, invoice, now))
    if sub["status"] != "paused":
        emu.emit("customer.subscription.resumed", sub)
    _emit_changed(emu, sub, before, "customer.subscription.updated")
    return result
