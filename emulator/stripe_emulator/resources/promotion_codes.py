"""Promotion codes: customer-facing codes (`FALL20`) that apply a coupon.

Codes are case-insensitive and unique among active codes. Under API endive the
coupon sits in `promotion: {type: "coupon", coupon}`. `usable_promotion_code`
is what billing code calls before applying `discounts[][promotion_code]`.
"""

from __future__ import annotations

import re
import secrets
import string

from stripe.params import (
    PromotionCodeCreateParams,
    PromotionCodeListParams,
    PromotionCodeRetrieveParams,
    PromotionCodeUpdateParams,
)

from ..errors import invalid, missing_param
from ..router import Call, route
from ..state import Emulator, Obj, renderer, require
from .common import apply_metadata, created_filter, emit_update, referenced
from .coupons import is_valid, usable_coupon

_CODE = re.compile(r"[A-Za-z0-9]{1,500}")


def _active(emu: Emulator, code: Obj) -> bool:
    expired = code["expires_at"] is not None and emu.now() >= code["expires_at"]
    limit = code["max_redemptions"]
    used_up = limit is not None and code["times_redeemed"] >= limit
    coupon = emu.objects.get(code["promotion"]["coupon"])
    coupon_ok = coupon is not None and not coupon.get("deleted") and is_valid(emu, coupon)
    return bool(code["active"]) and not expired and not used_up and coupon_ok


@renderer("promotion_code")
def render_promotion_code(emu: Emulator, code: Obj) -> Obj:
    shape = {**code, "active": _active(emu, code)}
    shape["promotion"] = dict(code["promotion"])
    shape["restrictions"] = dict(code["restrictions"])
    return shape


def usable_promotion_code(emu: Emulator, code_id: str, customer: str | None, param: str) -> Obj:
    """An active promotion code `customer` may use, or Stripe's error naming `param`."""
    code = referenced(emu, code_id, "promotion_code", "promotion code", param)
    require(_active(emu, code), f"This promotion code is not active: {code['code']}", param=param)
    require(
        code["customer"] in (None, customer),
        "This promotion code cannot be redeemed by this customer.",
        param=param,
    )
    if code["restrictions"]["first_time_transaction"] and customer is not None:
        # Stripe: only for customers "without any successful payments or invoices".
        require(
            not _has_transactions(emu, customer),
            "This promotion code cannot be redeemed because the associated customer has "
            "prior transactions.",
            param=param,
        )
    return code


def _has_transactions(emu: Emulator, customer: str) -> bool:
    """Any finalized invoice (open, paid or uncollectible) of `customer`."""
    return bool(
        emu.find(
            "invoice",
            lambda i: (
                i["customer"] == customer and i["status"] in ("open", "paid", "uncollectible")
            ),
        )
    )


def _ensure_unique(emu: Emulator, code: str, own_id: str | None) -> None:
    clash = emu.find(
        "promotion_code",
        lambda p: p["id"] != own_id and p["code"].lower() == code.lower() and _active(emu, p),
    )
    require(
        not clash,
        f"An active promotion code with `code: {code}` already exists.",
        param="code",
        code="resource_already_exists",
    )


@route("POST", "/v1/promotion_codes", PromotionCodeCreateParams)
def create_promotion_code(call: Call) -> Obj:
    params = call.params
    if "customer_account" in params:
        raise invalid(
            "Accounts v2 customers are not modelled by this emulator.", param="customer_account"
        )
    promotion = params["promotion"]
    if "coupon" not in promotion:
        raise missing_param("promotion[coupon]")
    coupon = usable_coupon(call.emu, promotion["coupon"], "promotion[coupon]")
    code = params.get("code") or "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8)
    )
    require(
        _CODE.fullmatch(code) is not None,
        "Promotion codes can only contain alphanumeric characters.",
        param="code",
    )
    _ensure_unique(call.emu, code, None)
    customer = params.get("customer")
    if customer is not None:
        referenced(call.emu, customer, "customer", "customer", "customer")
    require(
        params.get("expires_at", call.emu.now() + 1) > call.emu.now(),
        "expires_at must be in the future.",
        param="expires_at",
    )
    restrictions = params.get("restrictions", {})
    if "currency_options" in restrictions:
        raise invalid(
            "This emulator does not model currency_options on promotion codes.",
            param="restrictions[currency_options]",
        )
    require(
        ("minimum_amount" in restrictions) == ("minimum_amount_currency" in restrictions),
        "minimum_amount and minimum_amount_currency must be set together.",
        param="restrictions[minimum_amount_currency]",
    )
    promo = call.emu.create(
        "promo",
        "promotion_code",
        {
            "active": params.get("active", True),
            "code": code,
            "customer": customer,
            "customer_account": None,
            "expires_at": params.get("expires_at"),
            "max_redemptions": params.get("max_redemptions"),
            "metadata": apply_metadata({}, params.get("metadata", {})),
            "promotion": {"coupon": coupon["id"], "type": "coupon"},
            "restrictions": {
                "first_time_transaction": restrictions.get("first_time_transaction", False),
                "minimum_amount": restrictions.get("minimum_amount"),
                "minimum_amount_currency": (
                    restrictions.get("minimum_amount_currency") or ""
                ).lower()
                or None,
            },
            "times_redeemed": 0,
        },
    )
    call.emu.emit("promotion_code.created", promo)
    return call.emu.render(promo)


@route("GET", "/v1/promotion_codes", PromotionCodeListParams)
def list_promotion_codes(call: Call) -> Obj:
    params = call.params
    created = created_filter(params.get("created"))

    def wanted(promo: Obj) -> bool:
        return (
            created(promo["created"])
            and ("active" not in params or _active(call.emu, promo) == params["active"])
            and ("code" not in params or promo["code"].lower() == params["code"].lower())
            and ("coupon" not in params or promo["promotion"]["coupon"] == params["coupon"])
            and ("customer" not in params or promo["customer"] == params["customer"])
        )

    return call.emu.page(call.emu.find("promotion_code", wanted), params, "/v1/promotion_codes")


def _promotion_code(call: Call) -> Obj:
    return call.emu.get(call.path["promotion_code"], "promotion_code", noun="promotion code")


@route("GET", "/v1/promotion_codes/{promotion_code}", PromotionCodeRetrieveParams)
def retrieve_promotion_code(call: Call) -> Obj:
    return call.emu.render(_promotion_code(call))


@route("POST", "/v1/promotion_codes/{promotion_code}", PromotionCodeUpdateParams)
def update_promotion_code(call: Call) -> Obj:
    promo = _promotion_code(call)
    params = call.params
    if "restrictions" in params:
        raise invalid(
            "This emulator does not model currency_options on promotion codes.",
            param="restrictions[currency_options]",
        )
    before = call.emu.render(promo)
    if params.get("active") is True and not promo["active"]:
        _ensure_unique(call.emu, promo["code"], promo["id"])
    if "active" in params:
        promo["active"] = params["active"]
    if "metadata" in params:
        promo["metadata"] = apply_metadata(promo["metadata"], params["metadata"])
    return emit_update(call.emu, "promotion_code.updated", promo, before)
