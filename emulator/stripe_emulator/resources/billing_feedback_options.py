"""Billing feedback options (`billing.feedback_option`, API 2026-10-28): custom reasons a
portal configuration offers a customer who cancels, beside Stripe's eight built-in ones.

Created active with a `description`; the description can be changed; there is no delete,
only `deactivate` (status `inactive`, `status_transitions.deactivated_at` set). A
configuration names them in `features.subscription_cancel.cancellation_reason
.feedback_options` (expandable), and a cancel records the choice as
`cancellation_details.feedback_option`. Stripe documents no events for them; none are sent.
"""

from __future__ import annotations

from stripe.params.billing import (
    FeedbackOptionCreateParams,
    FeedbackOptionDeactivateParams,
    FeedbackOptionListParams,
    FeedbackOptionModifyParams,
    FeedbackOptionRetrieveParams,
)

from ..errors import invalid, missing_param
from ..router import Call, route
from ..state import Emulator, Obj, renderer

OBJECT = "billing.feedback_option"
PREFIX = "bfo"
PATH = "/v1/billing/feedback_options"
# Stripe's limit for short strings.
MAX_DESCRIPTION = 5000


@renderer(OBJECT)
def render_feedback_option(emu: Emulator, option: Obj) -> Obj:
    """Stripe's shape has no `created` (kept here only to list newest first)."""
    return {key: value for key, value in option.items() if key != "created"}


def _description(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("The description of a feedback option cannot be empty.", param="description")
    if len(value) > MAX_DESCRIPTION:
        raise invalid(
            f"Invalid string: must be at most {MAX_DESCRIPTION} characters", param="description"
        )
    return value


@route("POST", PATH, FeedbackOptionCreateParams)
def create_feedback_option(call: Call) -> Obj:
    if "description" not in call.params:
        raise missing_param("description")
    option = call.emu.create(
        PREFIX,
        OBJECT,
        {
            "description": _description(call.params["description"]),
            "status": "active",
            "status_transitions": {"deactivated_at": None},
        },
    )
    return call.emu.render(option)


@route("GET", PATH, FeedbackOptionListParams)
def list_feedback_options(call: Call) -> Obj:
    status = call.params.get("status")
    found = call.emu.find(OBJECT, lambda o: status is None or o["status"] == status)
    return call.emu.page(found, call.params, PATH)


def _option(call: Call) -> Obj:
    return call.emu.get(call.path["option"], OBJECT, noun="feedback option")


@route("GET", PATH + "/{option}", FeedbackOptionRetrieveParams)
def retrieve_feedback_option(call: Call) -> Obj:
    return call.emu.render(_option(call))


@route("POST", PATH + "/{option}", FeedbackOptionModifyParams)
def update_feedback_option(call: Call) -> Obj:
    option = _option(call)
    if "description" in call.params:
        option["description"] = _description(call.params["description"])
    return call.emu.render(option)


@route("POST", PATH + "/{option}/deactivate", FeedbackOptionDeactivateParams)
def deactivate_feedback_option(call: Call) -> Obj:
    option = _option(call)
    if option["status"] == "active":
        option["status"] = "inactive"
        option["status_transitions"] = {"deactivated_at": call.emu.now()}
    return call.emu.render(option)
