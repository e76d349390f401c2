"""Subscription schedules: create, list, retrieve, update, release, cancel (see `schedules`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe.params import (
    SubscriptionScheduleCancelParams,
    SubscriptionScheduleCreateParams,
    SubscriptionScheduleListParams,
    SubscriptionScheduleReleaseParams,
    SubscriptionScheduleRetrieveParams,
    SubscriptionScheduleUpdateParams,
)

from .. import schedules
from ..public_urls import with_origin
from ..router import Call, route
from .common import created_filter

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..state import Obj


def _stored(call: Call) -> Obj:
    return call.emu.get(
        call.path["schedule"], "subscription_schedule", noun="subscription schedule"
    )


def _listing(params: Obj) -> Callable[[Obj], bool]:
    """The list's filters, read once: which schedules it answers with."""
    customer, scheduled = params.get("customer"), params.get("scheduled")
    windows = {
        key: created_filter(params[key])
        for key in ("canceled_at", "completed_at", "released_at")
        if key in params
    }
    created = created_filter(params.get("created"))

    def listed(schedule: Obj) -> bool:
        if customer is not None and schedule["customer"] != customer:
            return False
        if scheduled is not None and (schedule["status"] == "not_started") != scheduled:
            return False
        for key, window in windows.items():
            if schedule[key] is None or not window(schedule[key]):
                return False
        return created(schedule["created"])

    return listed


@route("POST", "/v1/subscription_schedules", SubscriptionScheduleCreateParams)
@with_origin
def create_schedule(call: Call) -> Obj:
    return call.emu.render(schedules.create(call.emu, call.params))


@route("GET", "/v1/subscription_schedules", SubscriptionScheduleListParams)
def list_schedules(call: Call) -> Obj:
    found = call.emu.find("subscription_schedule", _listing(call.params))
    return call.emu.page(found, call.params, "/v1/subscription_schedules")


@route("GET", "/v1/subscription_schedules/{schedule}", SubscriptionScheduleRetrieveParams)
def retrieve_schedule(call: Call) -> Obj:
    return call.emu.render(_stored(call))


@route("POST", "/v1/subscription_schedules/{schedule}", SubscriptionScheduleUpdateParams)
@with_origin
def update_schedule(call: Call) -> Obj:
    return call.emu.render(schedules.update(call.emu, _stored(call), call.params))


@route("POST", "/v1/subscription_schedules/{schedule}/release", SubscriptionScheduleReleaseParams)
@with_origin
def release_schedule(call: Call) -> Obj:
    schedule = _stored(call)
    schedules.release(
        call.emu,
        schedule,
        call.emu.now(schedule["customer"]),
        preserve_cancel_date=call.params.get("preserve_cancel_date", True),
    )
    return call.emu.render(schedule)


@route("POST", "/v1/subscription_schedules/{schedule}/cancel", SubscriptionScheduleCancelParams)
@with_origin
def cancel_schedule(call: Call) -> Obj:
    schedule = _stored(call)
    schedules.cancel(
        call.emu,
        schedule,
        call.emu.now(schedule["customer"]),
        invoice_now=call.params.get("invoice_now", True),
        prorate=call.params.get("prorate", True),
    )
    return call.emu.render(schedule)
