"""A subscription schedule's `pause_schedules`: when its subscription pauses, and when Stripe
attempts to resume it.

Pause schedules do not apply to subscriptions directly: they live on a schedule (created
`from_subscription` with `pause_schedules` in the same request, or set by an update). One
entry is supported. Its pause runs at `pause_at` (now, or a timestamp) through the same path
as `POST /v1/subscriptions/{id}/pause`; its resume runs at `resume_at` (now, a timestamp, or
a duration counted from the pause) like `POST /v1/subscriptions/{id}/resume`, with
`billing_cycle_anchor=resume_at` starting a new period then. Both need flexible billing mode
and `charge_automatically` collection. The statuses say what happened: `scheduled`, then
`succeeded` (or `error`, with the reason, when the subscription could not be paused or
resumed, or the resumption payment failed while `resume_on_payment_success` holds it).

While a resume is still scheduled the schedule does not end: its phase boundary (the end
behaviour of a schedule made from a subscription, usually `release`) waits for the resume.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import subscription_pause
from .errors import StripeError, invalid, missing_param
from .periods import shift
from .schedule_phases import timestamp

if TYPE_CHECKING:
    from .state import Emulator, Obj

PARAM = "pause_schedules"
# Durations beyond this would never come due (and overflow the calendar): refused by name.
MAX_RESUME_SECONDS = 5 * 366 * 86_400
PAUSABLE = ("active", "trialing", "past_due")
# The most of each interval a duration may count (five years).
MAX_COUNT = {"day": 5 * 366, "week": 5 * 53, "month": 5 * 12, "year": 5}


def _pause_settings(spec: Obj, current: Obj | None) -> Obj:
    """The pause's settings: given ones, else the current entry's, else Stripe's defaults."""
    settings = spec.get("settings") or {}
    base = (current or {}).get("settings") or {
        "bill_for": {
            "outstanding_usage_through": {"type": "pause_at"},
            "unused_time_from": {"type": "pause_at"},
        },
        "invoicing_behavior": "pending_invoice_item",
        "type": "subscription",
    }
    bill_for = settings.get("bill_for") or {}
    if settings.get("type", "subscription") != "subscription":
        raise invalid(
            "Only `type=subscription` pauses are supported.",
            param=f"{PARAM}[0][pause][settings][type]",
        )
    return {
        "bill_for": {
            # No metered prices are billed here, so outstanding usage is always nothing.
            "outstanding_usage_through": {
                "type": (bill_for.get("outstanding_usage_through") or {}).get(
                    "type", base["bill_for"]["outstanding_usage_through"]["type"]
                )
            },
            "unused_time_from": {
                "type": (bill_for.get("unused_time_from") or {}).get(
                    "type", base["bill_for"]["unused_time_from"]["type"]
                )
            },
        },
        "invoicing_behavior": settings.get("invoicing_behavior", base["invoicing_behavior"]),
        "type": "subscription",
    }


def _resume_settings(spec: Obj, current: Obj | None) -> Obj:
    settings = spec.get("settings") or {}
    base = (current or {}).get("settings") or {
        "billing_cycle_anchor": "resume_at",
        "payment_behavior": "resume_on_payment_success",
        "proration_behavior": "create_prorations",
    }
    return {key: settings.get(key, base[key]) for key in base}


def _resume_at(spec: Obj, pause_at: int, now: int) -> int:
    when = spec.get("resume_at")
    name = f"{PARAM}[0][resume][resume_at]"
    if not when:
        raise missing_param(name)
    kind = when.get("type")
    if kind == "now":
        at = now
    elif kind == "timestamp":
        if "timestamp" not in when:
            raise missing_param(f"{name}[timestamp]")
        at = int(when["timestamp"])
    elif kind == "duration":
        duration = when.get("duration")
        if not duration:
            raise missing_param(f"{name}[duration]")
        count = int(duration.get("interval_count", 1))
        interval = duration.get("interval")
        if interval not in MAX_COUNT:
            raise invalid(f"Invalid interval: {interval}.", param=f"{name}[duration][interval]")
        if not 1 <= count <= MAX_COUNT[interval]:
            raise invalid(
                "The resume duration must be at least one interval and at most five years.",
                param=f"{name}[duration][interval_count]",
            )
        at = shift(pause_at, interval, count, 1)
    else:
        raise invalid(f"Invalid resume_at type: {kind}.", param=f"{name}[type]")
    if at < pause_at:
        raise invalid("A subscription cannot resume before it pauses.", param=name)
    if at - now > MAX_RESUME_SECONDS:
        raise invalid("The resume date must be within five years.", param=name)
    return at


def _check_subscription(sub: Obj) -> None:
    if sub["billing_mode"]["type"] != "flexible":
        raise invalid(
            "Pause schedules require the subscription to use billing_mode.type=flexible.",
            param=PARAM,
        )
    if sub["collection_method"] != "charge_automatically":
        raise invalid(
            "Pause schedules require collection_method=charge_automatically.", param=PARAM
        )


def build(emu: Emulator, sub: Obj, specs: Any, current: list[Obj]) -> list[Obj]:
    """The schedule's `pause_schedules` after `specs` (a list of one entry, or '' to clear)."""
    if specs == "":
        return []
    if not isinstance(specs, list) or len(specs) != 1:
        raise invalid("Only one pause schedule is supported.", param=PARAM)
    _check_subscription(sub)
    spec = specs[0]
    now = emu.now(sub["customer"])
    key = spec.get("key")
    existing = next((e for e in current if key is not None and e["key"] == key), None)
    pause_spec = spec.get("pause")
    if pause_spec:
        when = pause_spec.get("pause_at") or {}
        if existing is not None and existing["pause"]["status"]["type"] == "succeeded":
            raise invalid(
                "This pause has already happened; its pause_at cannot change.",
                param=f"{PARAM}[0][pause][pause_at]",
            )
        if not when:
            raise missing_param(f"{PARAM}[0][pause][pause_at]")
        if when.get("type") == "timestamp" and "timestamp" not in when:
            raise missing_param(f"{PARAM}[0][pause][pause_at][timestamp]")
        pause_at = timestamp("now" if when.get("type") == "now" else when["timestamp"], now)
        if pause_at < now:
            raise invalid(
                "pause_at cannot be in the past.", param=f"{PARAM}[0][pause][pause_at][timestamp]"
            )
        if sub["status"] not in PAUSABLE:
            raise invalid(
                f"A subscription with status `{sub['status']}` cannot be paused.", param=PARAM
            )
        pause = {
            "pause_at": pause_at,
            "settings": _pause_settings(pause_spec, existing and existing["pause"]),
            "status": {"type": "scheduled"},
        }
    elif existing is not None:
        pause = existing["pause"]
    elif sub["status"] == "paused":
        # A resume date for a subscription that is paused already.
        details = (sub.get("status_details") or {}).get("paused") or {}
        pause = {
            "pause_at": int(details.get("transitioned_at") or now),
            "settings": None,
            "status": {"type": "succeeded"},
        }
    else:
        raise missing_param(f"{PARAM}[0][pause]")
    resume = None
    resume_spec = spec.get("resume")
    if resume_spec:
        resume = {
            "resume_at": _resume_at(resume_spec, int(str(pause["pause_at"])), now),
            "settings": _resume_settings(
                resume_spec, existing["resume"] if existing is not None else None
            ),
            "status": {"type": "scheduled"},
        }
    elif resume_spec != "" and existing is not None:
        resume = existing["resume"]
    return [
        {
            "key": key if key is not None else emu.new_id("pausesched"),
            "pause": pause,
            "resume": resume,
        }
    ]


def due(schedule: Obj) -> int | None:
    """When the schedule's pause or resume next runs, if one is scheduled."""
    for entry in schedule.get("pause_schedules") or []:
        if entry["pause"]["status"]["type"] == "scheduled":
            return int(entry["pause"]["pause_at"])
        resume = entry["resume"]
        if resume is not None and resume["status"]["type"] == "scheduled":
            return int(resume["resume_at"])
    return None


def holds_phases(schedule: Obj) -> bool:
    """Whether a scheduled pause or resume keeps the schedule from ending for now."""
    return due(schedule) is not None


def run(emu: Emulator, schedule: Obj, at: int) -> bool:
    """Run the pause or resume due at or before `at`; whether anything ran."""
    moment = due(schedule)
    sub = emu.objects.get(schedule.get("subscription") or "")
    if moment is None or moment > at or sub is None:
        return False
    before = emu.render(schedule)
    entry = schedule["pause_schedules"][0]
    if entry["pause"]["status"]["type"] == "scheduled":
        _run_pause(emu, sub, entry["pause"])
    else:
        _run_resume(emu, sub, entry["resume"])
    after = emu.render(schedule)
    emu.emit(
        "subscription_schedule.updated",
        schedule,
        {k: before[k] for k in after if before.get(k) != after[k]},
    )
    return True


def _run_pause(emu: Emulator, sub: Obj, pause: Obj) -> None:
    settings = pause["settings"]
    unused = settings["bill_for"]["unused_time_from"]["type"]
    params: Obj = {
        "invoicing_behavior": settings["invoicing_behavior"],
        "bill_for": {"unused_time_from": {"type": "now" if unused == "pause_at" else unused}},
    }
    try:
        subscription_pause.pause(emu, sub, params, by_schedule=True)
    except StripeError as exc:
        pause["status"] = {"error": {"code": exc.code, "message": exc.message}, "type": "error"}
        return
    pause["status"] = {"type": "succeeded"}


def _run_resume(emu: Emulator, sub: Obj, resume: Obj) -> None:
    settings = resume["settings"]
    params: Obj = {
        "billing_cycle_anchor": {
            "type": "now" if settings["billing_cycle_anchor"] == "resume_at" else "unchanged"
        },
        "proration_behavior": settings["proration_behavior"],
        "payment_behavior": settings["payment_behavior"],
    }
    try:
        result = subscription_pause.resume(emu, sub, params)
    except StripeError as exc:
        resume["status"] = {"error": {"code": exc.code, "message": exc.message}, "type": "error"}
        return
    if sub["status"] == "paused":
        resume["status"] = {
            "error": {
                "code": result.decline,
                "message": "The resumption invoice could not be paid; the subscription "
                "stays paused.",
            },
            "type": "error",
        }
        return
    resume["status"] = {"type": "succeeded"}
