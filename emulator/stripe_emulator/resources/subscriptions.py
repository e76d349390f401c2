"""Subscriptions: create, list, retrieve, update, cancel, pause, resume.

The work happens in `lifecycle` (shared with schedules, test clocks and
previews); handlers only look objects up and render them. Billing periods live
on the items (`items.data[].current_period_start/end`), as in API 2026-10-28.
"""

from __future__ import annotations

from stripe.params import (
    SubscriptionCancelParams,
    SubscriptionCreateParams,
    SubscriptionDeleteDiscountParams,
    SubscriptionListParams,
    SubscriptionPauseParams,
    SubscriptionResumeParams,
    SubscriptionRetrieveParams,
    SubscriptionUpdateParams,
)

from .. import (
    discounts,
    lifecycle,
    subscription_cancel,
    subscription_create,
    subscription_pause,
    subscription_update,
)
from ..clone import clone
from ..errors import invalid
from ..item_changes import items_of, price_of, unsupported
from ..public_urls import with_origin
from ..router import Call, route
from ..state import Emulator, Obj, includable, renderer
from .common import created_filter


def plan_of(price: Obj) -> Obj:
    """The legacy `plan` view of a recurring price (subscription items still carry one)."""
    recurring = price["recurring"] or {}
    return {
        "active": price["active"],
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": price["billing_scheme"],
        "created": price["created"],
        "currency": price["currency"],
        "id": price["id"],
        "interval": recurring.get("interval"),
        "interval_count": recurring.get("interval_count", 1),
        "livemode": False,
        "metadata": dict(price["metadata"]),
        "meter": recurring.get("meter"),
        "nickname": price["nickname"],
        "object": "plan",
        "product": price["product"],
        "tiers_mode": price["tiers_mode"],
        "transform_usage": None,
        "trial_period_days": recurring.get("trial_period_days"),
        "usage_type": recurring.get("usage_type", "licensed"),
    }


@renderer("subscription_item")
def render_item(emu: Emulator, item: Obj) -> Obj:
    body = clone(item)
    price = price_of(emu, item)
    body["price"] = emu.render(price)
    body["plan"] = plan_of(price)
    # Subscription items carry no `livemode` (unlike most objects).
    body.pop("deleted", None)
    body.pop("livemode", None)
    return body


@renderer("discount")
def render_discount(emu: Emulator, discount: Obj) -> Obj:
    # Discounts carry `start`, not `created`, and no `livemode`.
    body = clone(discount)
    body.pop("created", None)
    body.pop("livemode", None)
    return body


@renderer("subscription")
def render_subscription(emu: Emulator, sub: Obj) -> Obj:
    body = clone(sub)
    body["items"] = {
        "data": [emu.render(item) for item in items_of(emu, sub)],
        "has_more": False,
        "object": "list",
        "url": f"/v1/subscription_items?subscription={sub['id']}",
    }
    # Stripe sends `status_details` only while there are details (a pause), never null.
    if body.get("status_details") is None:
        body.pop("status_details", None)
    return body


def stored(call: Call, param: str = "id") -> Obj:
    return call.emu.get(call.path["subscription"], "subscription", param=param)


def _listed(emu: Emulator, sub: Obj, params: Obj) -> bool:
    status = params.get("status")
    if status is None and sub["status"] == "canceled":
        return False
    if status == "ended" and sub["status"] not in lifecycle.ENDED:
        return False
    if status not in (None, "all", "ended") and sub["status"] != status:
        return False
    items = items_of(emu, sub)
    for key in ("customer", "collection_method", "test_clock"):
        if key in params and sub[key] != params[key]:
            return False
    price = params.get("price") or params.get("plan")
    if price is not None and all(item["price"] != price for item in items):
        return False
    for key in ("current_period_start", "current_period_end"):
        if key in params and not any(created_filter(params[key])(i[key]) for i in items):
            return False
    return created_filter(params.get("created"))(sub["created"])


@includable("customer", "subscriptions")
def customer_subscriptions(emu: Emulator, customer: Obj) -> Obj:
    """A customer's `subscriptions` when expanded: its current ones (not canceled), a page
    of ten as Stripe gives them."""
    found = emu.find("subscription", lambda s: _listed(emu, s, {"customer": customer["id"]}))
    return emu.page(found, {}, f"/v1/customers/{customer['id']}/subscriptions")


@route("POST", "/v1/subscriptions", SubscriptionCreateParams, inert=("off_session",))
@with_origin
def create_subscription(call: Call) -> Obj:
    return call.emu.render(subscription_create.create(call.emu, call.params).subscription)


@route("GET", "/v1/subscriptions", SubscriptionListParams)
@with_origin
def list_subscriptions(call: Call) -> Obj:
    params = call.params
    if params.get("automatic_tax", {}).get("enabled"):
        raise unsupported("automatic_tax[enabled]", "subscription lists")
    found = call.emu.find("subscription", lambda s: _listed(call.emu, s, params))
    return call.emu.page(found, params, "/v1/subscriptions")


@route("GET", "/v1/subscriptions/{subscription}", SubscriptionRetrieveParams)
@with_origin
def retrieve_subscription(call: Call) -> Obj:
    return call.emu.render(stored(call))


@route(
    "POST",
    "/v1/subscriptions/{subscription}",
    SubscriptionUpdateParams,
    inert=("off_session",),
)
@with_origin
def update_subscription(call: Call) -> Obj:
    sub = stored(call)
    subscription_update.update(call.emu, sub, call.params)
    return call.emu.render(sub)


@route("DELETE", "/v1/subscriptions/{subscription}", SubscriptionCancelParams)
@with_origin
def cancel_subscription(call: Call) -> Obj:
    sub = stored(call)
    params = call.params
    subscription_cancel.cancel(
        call.emu,
        sub,
        lifecycle.now_for(call.emu, sub),
        prorate_unused=bool(params.get("prorate")),
        invoice_now=bool(params.get("invoice_now")),
        details=params.get("cancellation_details"),
    )
    return call.emu.render(sub)


@route("POST", "/v1/subscriptions/{subscription}/pause", SubscriptionPauseParams)
@with_origin
def pause_subscription(call: Call) -> Obj:
    sub = stored(call, param="subscription")
    subscription_pause.pause(call.emu, sub, call.params)
    return call.emu.render(sub)


@route("POST", "/v1/subscriptions/{subscription}/resume", SubscriptionResumeParams)
@with_origin
def resume_subscription(call: Call) -> Obj:
    sub = stored(call, param="subscription")
    subscription_pause.resume(call.emu, sub, call.params)
    return call.emu.render(sub)


@route("DELETE", "/v1/subscriptions/{subscription}/discount", SubscriptionDeleteDiscountParams)
@with_origin
def delete_discount(call: Call) -> Obj:
    """Remove the subscription's discounts; answers with the (first) discount, deleted."""
    sub = stored(call, param="subscription")
    if not sub["discounts"]:
        raise invalid(f"The subscription {sub['id']} has no discount.", param="subscription")
    first = call.emu.objects[sub["discounts"][0]]
    discounts.replace(call.emu, sub, "", [], lifecycle.now_for(call.emu, sub))
    # A deleted discount has no `end` (Stripe's DeletedDiscount).
    body = {**call.emu.render(first), "deleted": True}
    body.pop("end", None)
    return body
