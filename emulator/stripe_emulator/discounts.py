"""Subscription discounts (coupons, promotion codes) and what they take off invoices.

A subscription's `discounts` are `di_...` objects made from a coupon (directly
or through a promotion code). Each invoice of the subscription records the
discounts active when it was created; they reduce its discountable lines
(regular period lines, not prorations) in order: a percentage of what is left
of each line (ROUND_HALF_UP), or an amount spread over the lines in proportion.
`once` discounts end after the first invoice they reduce; `repeating` ones
after `duration_in_months`. A `discounts` param may name one of the subscription's own
discounts (`{"discount": "di_..."}`) to keep it as it is: same id, same end, not redeemed
again (how a schedule phase carries a subscription's discount on).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .errors import invalid
from .periods import shift
from .resources.coupons import redeem, usable_coupon
from .resources.promotion_codes import usable_promotion_code

if TYPE_CHECKING:
    from .state import Emulator, Obj

# A validated discounts param: (coupon, promotion code or None, discount kept or None).
Resolved = list[tuple["Obj", "Obj | None", "Obj | None"]]


def resolve(
    emu: Emulator,
    specs: Any,
    customer: str,
    currency: str,
    param: str,
    subscription: str | None = None,
) -> Resolved:
    """Check a `discounts` param (of `subscription`, when it exists) before anything changes."""
    if specs in ("", None):
        return []
    resolved: Resolved = []
    for index, spec in enumerate(specs):
        name = f"{param}[{index}]"
        given = [key for key in ("coupon", "promotion_code", "discount") if spec.get(key)]
        if len(given) != 1:
            raise invalid(
                f"Specify exactly one of coupon, promotion_code or discount in {name}.",
                param=name,
            )
        code = kept = None
        if given[0] == "discount":
            if subscription is None:
                raise invalid(
                    "The Stripe emulator models reusing only a subscription's own discounts; "
                    "pass the coupon or promotion_code instead.",
                    param=f"{name}[discount]",
                )
            kept = _own_discount(emu, spec["discount"], subscription, f"{name}[discount]")
            coupon = emu.objects[kept["source"]["coupon"]]
        elif given[0] == "promotion_code":
            code = usable_promotion_code(
                emu, spec["promotion_code"], customer, f"{name}[promotion_code]"
            )
            coupon = emu.objects[code["promotion"]["coupon"]]
        else:
            coupon = usable_coupon(emu, spec["coupon"], f"{name}[coupon]")
        if coupon["amount_off"] is not None and coupon["currency"] != currency:
            raise invalid(
                f"The coupon's currency ({coupon['currency']}) does not match the "
                f"subscription's currency ({currency}).",
                param=f"{name}[{given[0]}]",
            )
        if any(coupon["id"] == seen["id"] for seen, _, _ in resolved):
            raise invalid(f"The coupon {coupon['id']} is applied twice.", param=name)
        resolved.append((coupon, code, kept))
    return resolved


def _own_discount(emu: Emulator, discount_id: Any, subscription: str, param: str) -> Obj:
    """A discount the subscription has now (Stripe: "an existing discount on the object")."""
    sub = emu.objects.get(subscription)
    if sub is None or discount_id not in sub["discounts"]:
        raise invalid(f"No such discount: '{discount_id}'", param=param, code="resource_missing")
    found: Obj = emu.objects[discount_id]
    return found


def _remove(emu: Emulator, sub: Obj, at: int, keep: frozenset[str] = frozenset()) -> None:
    for discount_id in sub["discounts"]:
        if discount_id in keep:
            continue
        discount = emu.objects[discount_id]
        discount["end"] = discount["end"] if discount["end"] is not None else at
        emu.emit("customer.discount.deleted", discount)
    sub["discounts"] = []


def replace(emu: Emulator, sub: Obj, value: Any, resolved: Resolved, at: int) -> None:
    """Apply a validated `discounts` param: `''` clears, a list replaces, `[]` keeps."""
    if value == "":
        _remove(emu, sub, at)
        return
    if not resolved:
        return
    _remove(emu, sub, at, frozenset(kept["id"] for _, _, kept in resolved if kept is not None))
    for coupon, code, kept in resolved:
        if kept is not None:
            sub["discounts"].append(kept["id"])
            continue
        months = coupon["duration_in_months"] if coupon["duration"] == "repeating" else None
        discount = emu.create(
            "di",
            "discount",
            {
                "checkout_session": None,
                "customer": sub["customer"],
                "customer_account": None,
                "end": shift(at, "month", int(months), 1) if months else None,
                "invoice": None,
                "invoice_item": None,
                "promotion_code": code["id"] if code else None,
                "source": {"coupon": coupon["id"], "type": "coupon"},
                "start": at,
                "subscription": sub["id"],
                "subscription_item": None,
            },
            customer=sub["customer"],
        )
        redeem(emu, coupon["id"])
        if code is not None:
            code["times_redeemed"] += 1
        sub["discounts"].append(discount["id"])
        emu.emit("customer.discount.created", discount)


def active(emu: Emulator, sub: Obj, at: int) -> list[str]:
    """The subscription's discounts that still apply at `at`."""
    return [
        d for d in sub["discounts"] if emu.objects[d]["end"] is None or at < emu.objects[d]["end"]
    ]


def _share(amount: int, percent: float) -> int:
    value = Decimal(amount) * Decimal(str(percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_to(emu: Emulator, invoice: Obj) -> int:
    """Set each line's `discount_amounts` and the invoice's totals; returns the discount."""
    lines = invoice["_lines"]
    left = {line["id"]: max(line["amount"], 0) if line["discountable"] else 0 for line in lines}
    for line in lines:
        line["discount_amounts"] = []
    totals: list[Obj] = []
    for discount_id in invoice["discounts"]:
        coupon = emu.objects[emu.objects[discount_id]["source"]["coupon"]]
        products = (coupon["applies_to"] or {}).get("products")
        eligible = [
            line
            for line in lines
            if left[line["id"]] > 0
            and (not products or line["pricing"]["price_details"]["product"] in products)
        ]
        offs = _offs(coupon, eligible, left)
        for line in eligible:
            off = offs[line["id"]]
            left[line["id"]] -= off
            line["discount_amounts"].append({"amount": off, "discount": discount_id})
        totals.append({"amount": sum(offs.values()), "discount": discount_id})
    invoice["total_discount_amounts"] = totals
    return sum(t["amount"] for t in totals)


def _offs(coupon: Obj, eligible: list[Obj], left: dict[str, int]) -> dict[str, int]:
    if coupon["percent_off"] is not None:
        return {line["id"]: _share(left[line["id"]], coupon["percent_off"]) for line in eligible}
    base = sum(left[line["id"]] for line in eligible)
    total = min(int(coupon["amount_off"]), base)
    if base == 0:
        return {line["id"]: 0 for line in eligible}
    offs = {line["id"]: total * left[line["id"]] // base for line in eligible}
    # Whole cents left over go to the largest lines first.
    for line in sorted(eligible, key=lambda ln: left[ln["id"]], reverse=True):
        if sum(offs.values()) >= total:
            break
        offs[line["id"]] += 1
    return offs


def after_invoice(emu: Emulator, invoice: Obj, sub: Obj) -> None:
    """`once` discounts end with the first invoice they reduced."""
    for total in invoice["total_discount_amounts"]:
        discount = emu.objects[total["discount"]]
        coupon = emu.objects[discount["source"]["coupon"]]
        if (
            coupon["duration"] == "once"
            and total["amount"] > 0
            and discount["id"] in sub["discounts"]
        ):
            discount["end"] = invoice["created"]
            sub["discounts"].remove(discount["id"])
            emu.emit("customer.discount.deleted", discount)
