"""Small rules many resources share: metadata updates, created filters, ownership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import StripeError

if TYPE_CHECKING:
    from collections.abc import Callable

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
    # Read (and check) every bound now, not lazily per object.
    bounds = [(ops[op], int(bound)) for op, bound in spec.items()]
    return lambda ts: all(compare(ts, bound) for compare, bound in bounds)


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


def previous_attributes(before: Obj, after: Obj) -> Obj:
    """The top-level fields an update changed, with their old values (`previous_attributes`).

    A field Stripe sends only sometimes (a subscription's `status_details`) counts when it
    was there before; one that just appeared has no old value to give, and Stripe's schema
    has no null for it.
    """
    return {key: before[key] for key in before if key in after and before[key] != after[key]} | {
        key: before[key] for key in before if key not in after
    }


def emit_update(emu: Emulator, event_type: str, obj: Obj, before: Obj) -> Obj:
    """Render `obj`; emit `event_type` with what changed since `before`, if anything did."""
    after = emu.render(obj)
    previous = previous_attributes(before, after)
    if previous:
        emu.emit(event_type, obj, previous)
    return after


def optional(value: Any) -> Any:
    """A param's stored value: `''` (Stripe's "unset") becomes null."""
    return None if value == "" else value


def referenced(emu: Emulator, object_id: str, object_type: str, noun: str, param: str) -> Obj:
    """An object a body param names; a missing one is Stripe's 400 `No such <noun>` on `param`."""
    obj = emu.objects.get(object_id) if isinstance(object_id, str) else None
    if obj is None or obj["object"] != object_type or obj.get("deleted"):
        raise StripeError(f"No such {noun}: '{object_id}'", code="resource_missing", param=param)
    return obj


def exclusive(params: Obj, *names: str) -> None:
    """Stripe's `parameters_exclusive` error when more than one of `names` was sent."""
    if sum(1 for name in names if name in params) > 1:
        raise StripeError(
            f"You may only specify one of these parameters: {', '.join(names)}.",
            code="parameters_exclusive",
        )
