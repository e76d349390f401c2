"""Coupons: a percentage or amount off, once, for some months, or forever.

`valid` turns false once `redeem_by` has passed or `max_redemptions` is used
up; `redeem` is how billing code records a use.
"""

from __future__ import annotations

import secrets
import string

from stripe.params import (
    CouponCreateParams,
    CouponDeleteParams,
    CouponListParams,
    CouponRetrieveParams,
    CouponUpdateParams,
)

from ..errors import StripeError, invalid, missing_param
from ..router import Call, route
from ..state import Emulator, Obj, includable, renderer, require
from .common import apply_metadata, created_filter, emit_update, exclusive, referenced


@renderer("coupon")
def render_coupon(emu: Emulator, coupon: Obj) -> Obj:
    # `applies_to` is includable: Stripe sends it only when a request expands it.
    shape = {**coupon, "valid": is_valid(emu, coupon)}
    shape.pop("applies_to", None)
    return shape


@includable("coupon", "applies_to")
def coupon_applies_to(emu: Emulator, coupon: Obj) -> Obj:
    stored = emu.objects[coupon["id"]]["applies_to"] if coupon["id"] in emu.objects else None
    return {"products": list((stored or {}).get("products") or [])}


def is_valid(emu: Emulator, coupon: Obj) -> bool:
    """Whether the coupon can still be applied to new customers and subscriptions."""
    if coupon["redeem_by"] is not None and emu.now() > coupon["redeem_by"]:
        return False
    limit = coupon["max_redemptions"]
    return limit is None or coupon["times_redeemed"] < limit


def usable_coupon(emu: Emulator, coupon_id: str, param: str) -> Obj:
    """A coupon a request may apply, or Stripe's error naming `param`."""
    coupon = referenced(emu, coupon_id, "coupon", "coupon", param)
    if not is_valid(emu, coupon):
        raise invalid(f"Coupon expired: {coupon_id}", param=param, code="coupon_expired")
    return coupon


def redeem(emu: Emulator, coupon_id: str) -> None:
    """Count one use of a coupon (when a discount using it is applied)."""
    emu.objects[coupon_id]["times_redeemed"] += 1


def _amounts(params: Obj) -> tuple[float | None, int | None, str | None]:
    exclusive(params, "percent_off", "amount_off")
    if "percent_off" in params:
        percent = params["percent_off"]
        require(0 < percent <= 100, "percent_off must be between 0 and 100.", param="percent_off")
        currency = params.get("currency")
        return percent, None, currency.lower() if currency else None
    if "amount_off" not in params:
        raise missing_param("percent_off")
    require(params["amount_off"] > 0, "amount_off must be greater than 0.", param="amount_off")
    if "currency" not in params:
        raise invalid("You must pass currency when passing amount_off.", param="currency")
    return None, params["amount_off"], params["currency"].lower()


@route("POST", "/v1/coupons", CouponCreateParams)
def create_coupon(call: Call) -> Obj:
    params = call.params
    for key in ("currency_options",):
        if key in params:
            raise invalid(f"This emulator does not model {key} on coupons.", param=key)
    coupon_id = params.get("id") or "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(8)
    )
    if coupon_id in call.emu.objects:
        raise StripeError("Coupon already exists.", code="resource_already_exists", param="id")
    percent, amount, currency = _amounts(params)
    duration = params.get("duration", "once")
    months = params.get("duration_in_months")
    if duration == "repeating" and months is None:
        raise missing_param("duration_in_months")
    require(
        duration == "repeating" or months is None,
        "duration_in_months can only be set when duration is repeating.",
        param="duration_in_months",
    )
    products = (params.get("applies_to") or {}).get("products")
    for index, product in enumerate(products or []):
        referenced(call.emu, product, "product", "product", f"applies_to[products][{index}]")
    require(
        params.get("redeem_by", call.emu.now() + 1) > call.emu.now(),
        "redeem_by must be in the future.",
        param="redeem_by",
    )
    coupon = call.emu.create(
        "co",
        "coupon",
        {
            "amount_off": amount,
            "applies_to": {"products": list(products)} if products else None,
            "currency": currency,
            "duration": duration,
            "duration_in_months": months,
            "max_redemptions": params.get("max_redemptions"),
            "metadata": apply_metadata({}, params.get("metadata", {})),
            "name": params.get("name"),
            "percent_off": percent,
            "redeem_by": params.get("redeem_by"),
            "times_redeemed": 0,
        },
    )
    call.emu.delete(coupon["id"])
    coupon["id"] = coupon_id
    call.emu.put(coupon)
    call.emu.emit("coupon.created", coupon)
    return call.emu.render(coupon)


@route("GET", "/v1/coupons", CouponListParams)
def list_coupons(call: Call) -> Obj:
    created = created_filter(call.params.get("created"))
    found = call.emu.find("coupon", lambda c: created(c["created"]) and not c.get("deleted"))
    return call.emu.page(found, call.params, "/v1/coupons")


def _coupon(call: Call) -> Obj:
    return call.emu.get(call.path["coupon"], "coupon")


@route("GET", "/v1/coupons/{coupon}", CouponRetrieveParams)
def retrieve_coupon(call: Call) -> Obj:
    return call.emu.render(_coupon(call))


@route("POST", "/v1/coupons/{coupon}", CouponUpdateParams)
def update_coupon(call: Call) -> Obj:
    coupon = _coupon(call)
    if "currency_options" in call.params:
        raise invalid(
            "This emulator does not model currency_options on coupons.", param="currency_options"
        )
    before = call.emu.render(coupon)
    if "name" in call.params:
        coupon["name"] = call.params["name"]
    if "metadata" in call.params:
        coupon["metadata"] = apply_metadata(coupon["metadata"], call.params["metadata"])
    return emit_update(call.emu, "coupon.updated", coupon, before)


@route("DELETE", "/v1/coupons/{coupon}", CouponDeleteParams)
def delete_coupon(call: Call) -> Obj:
    coupon = _coupon(call)
    call.emu.emit("coupon.deleted", coupon)
    coupon["deleted"] = True
    return {"id": coupon["id"], "object": "coupon", "deleted": True}
