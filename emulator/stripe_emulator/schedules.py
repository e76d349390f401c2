"""Subscription schedules: phases of items over time, applied when the clock reaches them.

The common use is a downgrade at period end: phase 0 mirrors the subscription
until its period ends, phase 1 holds the new price, and when the last phase ends
the schedule releases the subscription (`end_behavior=release`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    discounts,
    lifecycle,
    pause_schedules,
    subscription_cancel,
    subscription_create,
    subscription_update,
)
from .errors import StripeError, invalid, missing_param
from .item_changes import cadence, items_of, period_of, price_of, unsupported
from .resources.common import apply_metadata, referenced, require_payment_method_of
from .schedule_phases import build_phases, changes_to, changes_to_needed, current_index, timestamp

if TYPE_CHECKING:
    from .state import Emulator, Obj


LIVE = ("active", "not_started")


def _new_schedule(emu: Emulator, customer: Obj, params: Obj, phases: list[Obj]) -> Obj:
    return emu.create(
        "sub_sched",
        "subscription_schedule",
        {
            "application": None,
            "billing_mode": {
                "flexible": {"proration_discounts": "included"},
                "type": "flexible",
            },
            "canceled_at": None,
            "completed_at": None,
            "current_phase": None,
            "customer": customer["id"],
            "customer_account": None,
            "default_settings": {
                "application_fee_percent": None,
                "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
                "billing_cycle_anchor": "automatic",
                "billing_thresholds": None,
                "collection_method": "charge_automatically",
                "default_payment_method": None,
                "description": None,
                "invoice_settings": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "days_until_due": None,
                    "description": None,
                    "footer": None,
                    "issuer": {"type": "self"},
                },
                "on_behalf_of": None,
                "transfer_data": None,
            },
            "end_behavior": params.get("end_behavior", "release"),
            "metadata": apply_metadata({}, params.get("metadata") or {}),
            "pause_schedules": [],
            "phases": phases,
            "released_at": None,
            "released_subscription": None,
            "status": "not_started",
            "subscription": None,
            "test_clock": customer.get("test_clock"),
        },
        customer=customer["id"],
    )


def _reject_unmodelled(params: Obj) -> None:
    if params.get("customer_account"):
        raise unsupported("customer_account", "subscription schedules")
    mode = params.get("billing_mode") or {}
    if mode.get("type", "flexible") != "flexible":
        raise unsupported("billing_mode[type]", "subscription schedules (flexible only)")
    if (mode.get("flexible") or {}).get("proration_discounts", "included") != "included":
        raise unsupported("billing_mode[flexible][proration_discounts]", "subscription schedules")
    settings = params.get("default_settings") or {}
    for key in settings:
        if key not in ("collection_method", "default_payment_method", "description"):
            raise unsupported(f"default_settings[{key}]", "subscription schedules")


def create(emu: Emulator, params: Obj) -> Obj:
    """`POST /v1/subscription_schedules`: from a subscription, or a customer and phases."""
    _reject_unmodelled(params)
    if "from_subscription" in params:
        for key in ("customer", "phases", "start_date", "end_behavior"):
            if key in params:
                raise invalid(f"You cannot set `{key}` if `from_subscription` is set.", param=key)
        return _from_subscription(emu, params)
    if "pause_schedules" in params:
        raise invalid(
            "Pause schedules need a subscription: create the schedule with "
            "`from_subscription`, or add them once the schedule has started.",
            param="pause_schedules",
        )
    if "customer" not in params:
        raise missing_param("customer")
    customer = referenced(emu, params["customer"], "customer", "customer", "customer")
    now = emu.now(customer["id"])
    start = timestamp(params.get("start_date", "now"), now)
    if start < now:
        raise invalid("start_date cannot be in the past.", param="start_date")
    schedule = _new_schedule(
        emu,
        customer,
        params,
        build_phases(emu, params.get("phases") or [], start, customer["id"], now),
    )
    _apply_default_settings(emu, schedule, params.get("default_settings") or {})
    emu.emit("subscription_schedule.created", schedule)
    if start <= now:
        start_schedule(emu, schedule, now)
    return schedule


def _apply_default_settings(emu: Emulator, schedule: Obj, settings: Obj) -> None:
    target = schedule["default_settings"]
    if "collection_method" in settings:
        target["collection_method"] = settings["collection_method"]
    if settings.get("default_payment_method"):
        require_payment_method_of(
            emu,
            settings["default_payment_method"],
            schedule["customer"],
            "default_settings[default_payment_method]",
        )
        target["default_payment_method"] = settings["default_payment_method"]
    if "description" in settings:
        target["description"] = settings["description"] or None


def _from_subscription(emu: Emulator, params: Obj) -> Obj:
    sub = referenced(
        emu, params["from_subscription"], "subscription", "subscription", "from_subscription"
    )
    if sub["status"] in lifecycle.ENDED:
        raise invalid(
            "You cannot create a subscription schedule from a canceled subscription.",
            param="from_subscription",
        )
    if sub["schedule"]:
        raise invalid(
            "You cannot migrate a subscription that is already attached to a schedule: "
            f"`{sub['schedule']}`.",
            param="from_subscription",
        )
    pauses = (
        pause_schedules.build(emu, sub, params["pause_schedules"], [])
        if "pause_schedules" in params
        else []
    )
    start, end = period_of(emu, sub)
    customer = emu.objects[sub["customer"]]
    phase = {
        "add_invoice_items": [],
        "application_fee_percent": None,
        "billing_cycle_anchor": None,
        "collection_method": sub["collection_method"],
        "currency": sub["currency"],
        "default_payment_method": sub["default_payment_method"],
        "default_tax_rates": [],
        "description": None,
        # The phase holds the subscription's discounts as they are.
        "discounts": [
            {"coupon": None, "discount": d, "promotion_code": None}
            for d in discounts.active(emu, sub, emu.now(sub["customer"]))
        ],
        "end_date": end,
        "billing_thresholds": None,
        "invoice_settings": None,
        "items": [
            {
                "billing_thresholds": None,
                "discounts": [],
                "metadata": {},
                "plan": item["price"],
                "price": item["price"],
                "quantity": item["quantity"],
                "tax_rates": [],
            }
            for item in items_of(emu, sub)
        ],
        "metadata": {},
        "on_behalf_of": None,
        "proration_behavior": "create_prorations",
        "start_date": start,
        "transfer_data": None,
        "trial_end": sub["trial_end"] if sub["status"] == "trialing" else None,
    }
    schedule = _new_schedule(emu, customer, params, [phase])
    schedule.update(
        status="active",
        subscription=sub["id"],
        current_phase={"end_date": end, "start_date": start},
        pause_schedules=pauses,
    )
    before = emu.render(sub)
    sub["schedule"] = schedule["id"]
    emu.emit("subscription_schedule.created", schedule)
    emu.emit("customer.subscription.updated", sub, {"schedule": before["schedule"]})
    # A pause due now happens in the same request.
    pause_schedules.run(emu, schedule, emu.now(sub["customer"]))
    return schedule


def start_schedule(emu: Emulator, schedule: Obj, at: int) -> None:
    """The first phase begins: the schedule creates its subscription."""
    phase = schedule["phases"][0]
    settings = schedule["default_settings"]
    params: Obj = {
        "customer": schedule["customer"],
        "items": [{"price": i["price"], "quantity": i["quantity"]} for i in phase["items"]],
        "collection_method": phase["collection_method"] or settings["collection_method"],
    }
    pm = phase["default_payment_method"] or settings["default_payment_method"]
    if pm:
        params["default_payment_method"] = pm
    if params["collection_method"] == "send_invoice":
        params["days_until_due"] = settings["invoice_settings"]["days_until_due"] or 30
    if phase["discounts"]:
        params["discounts"] = _specs(phase)
    result = subscription_create.create(emu, params)
    sub = result.subscription
    sub["schedule"] = schedule["id"]
    schedule.update(
        status="active",
        subscription=sub["id"],
        current_phase={"end_date": phase["end_date"], "start_date": phase["start_date"]},
    )
    emu.emit("subscription_schedule.updated", schedule)


def _enter_phase(emu: Emulator, schedule: Obj, sub: Obj, phase: Obj, at: int) -> None:
    """Make the subscription match `phase`, from `at` (a phase boundary or an edit)."""
    changes = changes_to(emu, sub, phase)
    before = emu.render(sub)
    behavior = phase["proration_behavior"]
    _, end = period_of(emu, sub)
    kept = [c.price for c in changes if not c.deleted]
    new_cadence = cadence(kept[0])
    old_cadence = cadence(price_of(emu, items_of(emu, sub)[0]))
    if phase["default_payment_method"]:
        sub["default_payment_method"] = phase["default_payment_method"]
    if phase["collection_method"]:
        sub["collection_method"] = phase["collection_method"]
    resets = new_cadence != old_cadence or phase["billing_cycle_anchor"] == "phase_start"
    if at == end:
        # At a period boundary nothing is left to prorate; a new cadence starts here.
        subscription_update.change_items(emu, sub, changes, at=at, now=at, behavior="none")
        if resets:
            sub["billing_cycle_anchor"] = at
    elif resets:
        subscription_update.reset_cycle(emu, sub, changes, at=at, now=at, behavior=behavior)
    else:
        subscription_update.change_items(emu, sub, changes, at=at, now=at, behavior=behavior)
    apply_phase_discounts(emu, sub, phase, at)
    after = emu.render(sub)
    previous = {k: before.get(k) for k in after if before.get(k) != after[k]}
    if previous:
        emu.emit("customer.subscription.updated", sub, previous)


def _specs(phase: Obj) -> list[Obj]:
    return [{k: v for k, v in d.items() if v is not None} for d in phase["discounts"]]


def apply_phase_discounts(emu: Emulator, sub: Obj, phase: Obj, at: int) -> None:
    """Give the subscription the phase's discounts (kept ones stay as they are); a code
    that can no longer be redeemed when the phase starts is left out."""
    specs = _specs(phase)
    if [spec.get("discount") for spec in specs] == sub["discounts"]:
        return
    usable: list[Obj] = []
    for spec in specs:
        try:
            discounts.resolve(emu, [spec], sub["customer"], sub["currency"], "discounts", sub["id"])
        except StripeError:
            continue
        usable.append(spec)
    resolved = discounts.resolve(
        emu, usable, sub["customer"], sub["currency"], "discounts", sub["id"]
    )
    discounts.replace(emu, sub, usable or "", resolved, at)


def advance_phase(emu: Emulator, schedule: Obj, at: int) -> None:
    """The current phase ended at `at`: enter the next one, or end the schedule."""
    index = current_index(schedule)
    sub = emu.objects.get(schedule["subscription"] or "")
    if sub is None or sub["status"] in lifecycle.ENDED:
        schedule.update(status="completed", completed_at=at, current_phase=None)
        emu.emit("subscription_schedule.completed", schedule)
        return
    if index + 1 < len(schedule["phases"]):
        phase = schedule["phases"][index + 1]
        schedule["current_phase"] = {
            "end_date": phase["end_date"],
            "start_date": phase["start_date"],
        }
        _enter_phase(emu, schedule, sub, phase, at)
        emu.emit("subscription_schedule.updated", schedule)
        return
    behavior = schedule["end_behavior"]
    if behavior == "renew":
        last = dict(schedule["phases"][-1])
        length = last["end_date"] - last["start_date"]
        last.update(start_date=last["end_date"], end_date=last["end_date"] + length)
        schedule["phases"].append(last)
        schedule["current_phase"] = {"end_date": last["end_date"], "start_date": last["start_date"]}
        emu.emit("subscription_schedule.updated", schedule)
        return
    if behavior == "release":
        release(emu, schedule, at)
        return
    schedule.update(status="completed", completed_at=at, current_phase=None)
    before = {"schedule": sub["schedule"]}
    sub["schedule"] = None
    emu.emit("subscription_schedule.completed", schedule)
    if behavior == "cancel":
        subscription_cancel.cancel(emu, sub, at)
    else:
        emu.emit("customer.subscription.updated", sub, before)


def release(emu: Emulator, schedule: Obj, at: int, *, preserve_cancel_date: bool = True) -> None:
    """Detach the subscription; it keeps its current items and carries on by itself."""
    if schedule["status"] not in LIVE:
        raise invalid(
            "You cannot release a subscription schedule that is currently in the "
            f"`{schedule['status']}` status. It must be in one of the following statuses: "
            "`not_started`, `active`."
        )
    sub = emu.objects.get(schedule["subscription"] or "")
    schedule.update(
        status="released",
        released_at=at,
        released_subscription=schedule["subscription"],
        subscription=None,
        current_phase=None,
    )
    emu.emit("subscription_schedule.released", schedule)
    if sub is not None:
        before = {"schedule": sub["schedule"]}
        sub["schedule"] = None
        if not preserve_cancel_date and sub["cancel_at"] is not None:
            before.update(
                cancel_at=sub["cancel_at"], cancel_at_period_end=sub["cancel_at_period_end"]
            )
            sub.update(cancel_at=None, cancel_at_period_end=False, canceled_at=None)
        emu.emit("customer.subscription.updated", sub, before)


def cancel(emu: Emulator, schedule: Obj, at: int, *, invoice_now: bool, prorate: bool) -> None:
    """Cancel the schedule and, if it has one, its subscription."""
    if schedule["status"] not in LIVE:
        raise invalid(
            "You cannot cancel a subscription schedule that is currently in the "
            f"`{schedule['status']}` status."
        )
    sub = emu.objects.get(schedule["subscription"] or "")
    if sub is not None and sub["status"] not in lifecycle.ENDED:
        subscription_cancel.cancel(emu, sub, at, prorate_unused=prorate, invoice_now=invoice_now)
    if schedule["status"] in LIVE:
        schedule.update(status="canceled", canceled_at=at, current_phase=None)
        emu.emit("subscription_schedule.canceled", schedule)


def update(emu: Emulator, schedule: Obj, params: Obj) -> Obj:
    """`POST /v1/subscription_schedules/{id}`: phases from the current one on, end_behavior."""
    if schedule["status"] not in LIVE:
        raise invalid(
            "You cannot update a subscription schedule that is currently in the "
            f"`{schedule['status']}` status. It must be in one of the following statuses: "
            "`not_started`, `active`."
        )
    _reject_unmodelled(params)
    now = emu.now(schedule["customer"])
    # How a change to the current phase prorates; with no such change there is nothing to do.
    proration = params.get("proration_behavior")
    phases = schedule["phases"]
    if "phases" in params:
        specs = params["phases"]
        if not specs:
            raise missing_param("phases")
        active = schedule["status"] == "active"
        index = current_index(schedule) if active else 0
        first_start = phases[index]["start_date"]
        if "start_date" not in specs[0]:
            if not active:
                raise missing_param("phases[0][start_date]")
        elif active and timestamp(specs[0]["start_date"], now) != first_start:
            raise invalid(
                "You can not modify the start date of the current phase.",
                param="phases[0][start_date]",
            )
        else:
            first_start = timestamp(specs[0]["start_date"], now)
        new = build_phases(
            emu,
            specs,
            first_start,
            schedule["customer"],
            now,
            subscription=schedule["subscription"],
        )
        if active and new[0]["end_date"] <= now:
            raise invalid(
                "The end_date of the current phase must be in the future.",
                param="phases[0][end_date]",
            )
        phases = [*phases[:index], *new]
    before = emu.render(schedule)
    if "end_behavior" in params:
        schedule["end_behavior"] = params["end_behavior"]
    if "metadata" in params:
        schedule["metadata"] = apply_metadata(schedule["metadata"], params["metadata"])
    _apply_default_settings(emu, schedule, params.get("default_settings") or {})
    if "pause_schedules" in params:
        sub = emu.objects.get(schedule["subscription"] or "")
        if sub is None:
            raise invalid(
                "Pause schedules need the schedule's subscription: add them once the "
                "schedule has started.",
                param="pause_schedules",
            )
        schedule["pause_schedules"] = pause_schedules.build(
            emu, sub, params["pause_schedules"], schedule["pause_schedules"]
        )
    if "phases" in params:
        schedule["phases"] = phases
        if schedule["status"] == "active":
            current = phases[current_index(schedule)]
            schedule["current_phase"] = {
                "end_date": current["end_date"],
                "start_date": current["start_date"],
            }
            sub = emu.objects[schedule["subscription"]]
            if proration is not None:
                current = {**current, "proration_behavior": proration}
            if changes_to_needed(emu, sub, current):
                _enter_phase(emu, schedule, sub, current, now)
            else:
                before_sub = emu.render(sub)
                apply_phase_discounts(emu, sub, current, now)
                if before_sub["discounts"] != emu.render(sub)["discounts"]:
                    emu.emit(
                        "customer.subscription.updated",
                        sub,
                        {"discounts": before_sub["discounts"]},
                    )
        elif phases[0]["start_date"] <= now:
            start_schedule(emu, schedule, now)
    after = emu.render(schedule)
    previous = {k: before.get(k) for k in after if before.get(k) != after[k]}
    if previous:
        emu.emit("subscription_schedule.updated", schedule, previous)
    pause_schedules.run(emu, schedule, now)
    return schedule


def next_due(schedule: Obj) -> int | None:
    """When this schedule next acts on its own: its start, a pause or resume of its pause
    schedule, or its current phase's end (which waits for a scheduled resume)."""
    if schedule["status"] == "not_started":
        return int(schedule["phases"][0]["start_date"])
    if schedule["status"] != "active":
        return None
    pausing = pause_schedules.due(schedule)
    if pausing is not None:
        return pausing
    if schedule["current_phase"]:
        return int(schedule["current_phase"]["end_date"])
    return None


def step(emu: Emulator, schedule: Obj, at: int) -> None:
    """Do whatever this schedule has due at or before `at`."""
    for _ in range(len(schedule["phases"]) + 4):
        due = next_due(schedule)
        if due is None or due > at:
            return
        if schedule["status"] == "not_started":
            start_schedule(emu, schedule, at)
        elif not pause_schedules.run(emu, schedule, due):
            # A phase end that waited for a resume is acted on now.
            advance_phase(emu, schedule, max(due, emu.now(schedule["customer"])))
    raise StripeError("Subscription schedule did not settle.", status=500, type="api_error")
