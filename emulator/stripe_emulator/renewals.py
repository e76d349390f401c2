"""Moving time forward: what comes due on a test clock, processed in time order.

Advancing a clock walks from its frozen time to the target one due moment at a
time (the earliest renewal, trial end, scheduled cancellation, schedule phase,
pause end, ...), setting the clock to that moment first so everything created
is dated then. A year of monthly renewals is twelve steps, one invoice each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lifecycle, schedules, subscription_cancel, subscription_cycle
from .errors import StripeError
from .item_changes import period_of

if TYPE_CHECKING:
    from .state import Emulator, Obj

# A safety net: no realistic advance needs this many steps.
MAX_STEPS = 50_000


def due_at(emu: Emulator, sub: Obj) -> int | None:
    """The next moment this subscription acts on its own, if any."""
    status = sub["status"]
    if status == "incomplete":
        return int(sub["created"]) + lifecycle.INCOMPLETE_EXPIRES_AFTER
    if status in lifecycle.ENDED or not sub["_items"]:
        return None
    times: list[int] = []
    if sub["cancel_at"] is not None:
        times.append(int(sub["cancel_at"]))
    pause = sub["pause_collection"]
    if pause and pause.get("resumes_at") is not None:
        times.append(int(pause["resumes_at"]))
    if status == "trialing" and not sub["_trial_will_end_sent"] and sub["trial_end"]:
        times.append(int(sub["trial_end"]) - lifecycle.TRIAL_WILL_END_NOTICE)
    if status in lifecycle.BILLABLE:
        times.append(period_of(emu, sub)[1])
    times += [int(i["due_date"]) for i in subscription_cycle.overdue_invoices(emu, sub)]
    return min(times) if times else None


def step_subscription(emu: Emulator, sub: Obj, at: int) -> lifecycle.Result | None:
    """Do what this subscription has due at or before `at`; returns a renewal's result."""
    if sub["status"] == "incomplete":
        if int(sub["created"]) + lifecycle.INCOMPLETE_EXPIRES_AFTER <= at:
            subscription_cycle.expire_incomplete(emu, sub, at)
        return None
    if sub["status"] in lifecycle.ENDED:
        return None
    if sub["cancel_at"] is not None and sub["cancel_at"] <= at:
        subscription_cancel.cancel_when_due(emu, sub, int(sub["cancel_at"]))
        return None
    pause = sub["pause_collection"]
    if pause and pause.get("resumes_at") is not None and pause["resumes_at"] <= at:
        subscription_cycle.resume_collection(emu, sub)
    if (
        sub["status"] == "trialing"
        and not sub["_trial_will_end_sent"]
        and int(sub["trial_end"]) - lifecycle.TRIAL_WILL_END_NOTICE <= at
    ):
        subscription_cycle.warn_trial_end(emu, sub)
    for invoice in subscription_cycle.overdue_invoices(emu, sub):
        if invoice["due_date"] <= at:
            subscription_cycle.mark_overdue(emu, sub, invoice)
    end = period_of(emu, sub)[1]
    if sub["status"] in lifecycle.BILLABLE and end <= at:
        return subscription_cycle.renew(emu, sub, end)
    return None


def _customers_of(emu: Emulator, clock_id: str) -> set[str]:
    return {
        c["id"]
        for c in emu.of_type("customer")
        if c.get("test_clock") == clock_id and not c.get("deleted")
    }


def _owned(emu: Emulator, object_type: str, customers: set[str]) -> list[Obj]:
    return sorted(
        (o for o in emu.of_type(object_type) if o["customer"] in customers),
        key=lambda o: (o["created"], emu._sequence[o["id"]]),
    )


def advance(emu: Emulator, clock: Obj, target: int) -> None:
    """Move `clock` to `target`, running everything that comes due on the way, in order."""
    customers = _customers_of(emu, clock["id"])
    for _ in range(MAX_STEPS):
        subs = _owned(emu, "subscription", customers)
        plans = _owned(emu, "subscription_schedule", customers)
        times = [t for t in (due_at(emu, s) for s in subs) if t is not None]
        times += [t for t in (schedules.next_due(p) for p in plans) if t is not None]
        moment = min((t for t in times if t <= target), default=None)
        if moment is None:
            clock["frozen_time"] = target
            return
        clock["frozen_time"] = max(int(clock["frozen_time"]), moment)
        for schedule in plans:
            schedules.step(emu, schedule, moment)
        for sub in subs:
            step_subscription(emu, sub, moment)
    raise StripeError(
        "The test clock could not reach its target: too many billing events on the way.",
        status=500,
        type="api_error",
    )
