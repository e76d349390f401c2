"""Small rules many resources share: metadata updates, created filters, ownership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import StripeError
from ..state import Emulator, Obj


def apply_metadata(current: dict[str, str], update: Any) -> dict[str, str]:
    """Stripe's metadata semantics: `''` clears all, `k=''` clears one key."""
    if update == "":
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > 50:
        raise StripeError("You can only specify up to 50 keys in metadata.", param="metadata")
    return merged


def created_filter(spec: Any) -> Callable[[int], bool]:
    """`created=123` or `created[gte]=...` as a predicate on a timestamp."""
    if spec is None:
        return lambda _: True
    if isinstance(spec, int):
        return lambda ts: ts == spec
    ops: dict[str, Callable[[int, int], bool]] = {
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    return lambda ts: all(ops[op](ts, int(bound)) for op, bound in spec.items())


def require_payment_method_of(emu: Emulator, pm_id: str, customer: str, param: str) -> Obj:
    """A payment method attached to `customer`; anything else is Stripe's 'No such' error."""
    pm = emu.objects.get(pm_id)
    if pm is None or pm["object"] != "payment_method":
        raise StripeError(
            f"No such PaymentMethod: '{pm_id}'", status=400, code="resource_missing", param=param
        )
    if pm.get("customer") != customer:
        raise StripeError(
            f"The customer does not have a payment method with the ID {pm_id}. The payment "
            "method must be attached to the customer.",
            param=param,
            code="resource_missing",
        )
    return pm
