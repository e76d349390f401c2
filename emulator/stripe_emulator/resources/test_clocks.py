"""Test clocks: frozen time for the customers on them, moved forward on request.

Advancing runs every renewal, trial end, scheduled cancellation and schedule
phase that falls inside the jump, in time order (`renewals.advance`). The work
is done before the call returns; the response still says `advancing`, as
Stripe's does, and the clock reads `ready` from the next request on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe.params.test_helpers import (
    TestClockAdvanceParams,
    TestClockCreateParams,
    TestClockDeleteParams,
    TestClockListParams,
    TestClockRetrieveParams,
)

from .. import renewals
from ..clone import clone
from ..errors import invalid
from ..public_urls import with_origin
from ..router import Call, route
from .common import referenced

if TYPE_CHECKING:
    from ..state import Obj

CLOCK = "test_helpers.test_clock"
DELETES_AFTER = 30 * 86_400
_BILLING_TYPES = (
    "subscription",
    "subscription_item",
    "subscription_schedule",
    "invoice",
    "invoiceitem",
)


def _stored(call: Call) -> Obj:
    return call.emu.get(call.path["test_clock"], CLOCK, noun="test_clock", param="test_clock")


@route("POST", "/v1/test_helpers/test_clocks", TestClockCreateParams)
def create_clock(call: Call) -> Obj:
    params = call.params
    customer = None
    if "customer" in params:
        customer = referenced(call.emu, params["customer"], "customer", "customer", "customer")
        if customer.get("test_clock"):
            raise invalid("This customer is already attached to a test clock.", param="customer")
        if call.emu.find("subscription", lambda s: s["customer"] == customer["id"]):
            raise invalid(
                "Only customers without subscriptions can be attached to a test clock.",
                param="customer",
            )
    clock = call.emu.create(
        "clock",
        CLOCK,
        {
            "deletes_after": 0,
            "frozen_time": params["frozen_time"],
            "name": params.get("name"),
            "status": "ready",
            "status_details": {},
        },
    )
    clock["deletes_after"] = clock["created"] + DELETES_AFTER
    if customer is not None:
        customer["test_clock"] = clock["id"]
    call.emu.emit("test_helpers.test_clock.created", clock)
    return call.emu.render(clock)


@route("GET", "/v1/test_helpers/test_clocks", TestClockListParams)
def list_clocks(call: Call) -> Obj:
    found = call.emu.find(CLOCK, lambda clock: not clock.get("deleted"))
    return call.emu.page(found, call.params, "/v1/test_helpers/test_clocks")


@route("GET", "/v1/test_helpers/test_clocks/{test_clock}", TestClockRetrieveParams)
def retrieve_clock(call: Call) -> Obj:
    return call.emu.render(_stored(call))


@route("POST", "/v1/test_helpers/test_clocks/{test_clock}/advance", TestClockAdvanceParams)
@with_origin
def advance_clock(call: Call) -> Obj:
    clock = _stored(call)
    target = call.params["frozen_time"]
    if clock["status"] != "ready":
        raise invalid(
            f"The test clock {clock['id']} is {clock['status']}; wait until it is ready.",
            param="test_clock",
        )
    if target <= clock["frozen_time"]:
        raise invalid(
            "The frozen_time must be after the test clock's current frozen_time "
            f"({clock['frozen_time']}); test clocks only move forward.",
            param="frozen_time",
        )
    clock.update(status="advancing", status_details={"advancing": {"target_frozen_time": target}})
    answer = clone(clock)
    call.emu.emit("test_helpers.test_clock.advancing", clock)
    try:
        renewals.advance(call.emu, clock, target)
    finally:
        clock.update(status="ready", status_details={})
    call.emu.emit("test_helpers.test_clock.ready", clock)
    return answer


@route("DELETE", "/v1/test_helpers/test_clocks/{test_clock}", TestClockDeleteParams)
def delete_clock(call: Call) -> Obj:
    """Deleting a clock deletes its customers and everything they own, as Stripe does."""
    clock = _stored(call)
    emu = call.emu
    customers = {
        c["id"] for c in emu.find("customer", lambda c: c.get("test_clock") == clock["id"])
    }
    subscriptions = {
        s["id"] for s in emu.find("subscription", lambda s: s["customer"] in customers)
    }
    invoices = {i["id"] for i in emu.find("invoice", lambda i: i["customer"] in customers)}
    for obj in list(emu.objects.values()):
        owner = obj.get("customer") if obj["object"] != "subscription_item" else None
        if (
            obj["object"] in _BILLING_TYPES
            and (owner in customers or obj.get("subscription") in subscriptions)
        ) or (obj["object"] == "invoice_payment" and obj["invoice"] in invoices):
            emu.delete(obj["id"])
    for customer_id in customers:
        emu.objects[customer_id]["deleted"] = True
    clock["deleted"] = True
    emu.emit("test_helpers.test_clock.deleted", clock)
    return {"deleted": True, "id": clock["id"], "object": CLOCK}
