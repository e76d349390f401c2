"""Schedule phases: built from params (chained start/end dates), and matched to items.

Each phase starts where the previous one ends; the last one lasts one billing
period of its prices unless it says otherwise. `changes_to` turns a phase into
the item changes that make a subscription hold it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import discounts
from .errors import invalid, missing_param
from .item_changes import ItemChange, cadence, items_of, plan, price_of, unsupported
from .periods import shift
from .resources.common import apply_metadata, require_payment_method_of

if TYPE_CHECKING:
    from .state import Emulator, Obj


_PHASE_UNMODELLED = (
    "add_invoice_items",
    "application_fee_percent",
    "billing_thresholds",
    "default_tax_rates",
    "invoice_settings",
    "on_behalf_of",
    "transfer_data",
    "trial",
    "trial_end",
)


def timestamp(value: Any, now: int) -> int:
    """A date param: a Unix time, or `now`."""
    return now if value == "now" else int(value)


def build_phases(
    emu: Emulator,
    specs: list[Obj],
    start: int,
    customer: str,
    now: int,
    param: str = "phases",
    subscription: str | None = None,
) -> list[Obj]:
    """Stored phases from params; each starts where the previous one ends.

    A phase's `discounts` are what the subscription has while it runs: none when left out
    (Stripe: "If not specified, inherits the discount from the subscription's customer",
    and customers have no discounts here), else each coupon, promotion code, or one of the
    subscription's discounts kept (`{"discount": "di_..."}`) as it is.
    """
    if not specs:
        raise missing_param(param)
    phases: list[Obj] = []
    for index, spec in enumerate(specs):
        name = f"{param}[{index}]"
        for key in _PHASE_UNMODELLED:
            if spec.get(key) not in (None, "", [], False):
                raise unsupported(f"{name}[{key}]", "subscription schedules")
        if (spec.get("automatic_tax") or {}).get("enabled"):
            raise unsupported(f"{name}[automatic_tax]", "subscription schedules")
        if "items" not in spec:
            raise missing_param(f"{name}[items]")
        changes = plan(emu, None, spec["items"], f"{name}[items]")
        currency = spec.get("currency")
        if currency is not None and currency.lower() != changes[0].price["currency"]:
            raise invalid(
                f"The phase's prices are in {changes[0].price['currency']}, not {currency}.",
                param=f"{name}[currency]",
            )
        phase_discounts = discounts.resolve(
            emu,
            spec.get("discounts"),
            customer,
            changes[0].price["currency"],
            f"{name}[discounts]",
            subscription,
        )
        if "start_date" in spec and index > 0:
            given = timestamp(spec["start_date"], now)
            if given != start:
                raise invalid(
                    f"The start_date of phase {index} must equal the end_date of phase "
                    f"{index - 1}.",
                    param=f"{name}[start_date]",
                )
        end = _phase_end(spec, changes, start, now, name, last=index == len(specs) - 1)
        if end <= start:
            raise invalid(
                f"The end_date of phase {index} must be after its start_date.",
                param=f"{name}[end_date]",
            )
        pm = spec.get("default_payment_method")
        if pm:
            require_payment_method_of(emu, pm, customer, f"{name}[default_payment_method]")
        phases.append(
            {
                "add_invoice_items": [],
                "application_fee_percent": None,
                "billing_cycle_anchor": spec.get("billing_cycle_anchor"),
                "collection_method": spec.get("collection_method"),
                "currency": changes[0].price["currency"],
                "default_payment_method": pm,
                "default_tax_rates": [],
                "description": spec.get("description") or None,
                "discounts": [
                    {
                        "coupon": coupon["id"] if code is None and kept is None else None,
                        "discount": kept["id"] if kept is not None else None,
                        "promotion_code": code["id"] if code is not None else None,
                    }
                    for coupon, code, kept in phase_discounts
                ],
                "end_date": end,
                "billing_thresholds": None,
                "invoice_settings": None,
                "items": [
                    {
                        "billing_thresholds": None,
                        "discounts": [],
                        "metadata": apply_metadata({}, change.metadata or {}),
                        "plan": change.price["id"],
                        "price": change.price["id"],
                        "quantity": change.quantity,
                        "tax_rates": [],
                    }
                    for change in changes
                ],
                "metadata": apply_metadata({}, spec.get("metadata") or {}),
                "on_behalf_of": None,
                "proration_behavior": spec.get("proration_behavior", "create_prorations"),
                "start_date": start,
                "transfer_data": None,
                "trial_end": None,
            }
        )
        start = end
    return phases


def _phase_end(
    spec: Obj, changes: list[ItemChange], start: int, now: int, name: str, *, last: bool
) -> int:
    if "end_date" in spec and "duration" in spec:
        raise invalid(
            f"You may only specify one of these parameters: {name}[duration], {name}[end_date].",
            code="parameters_exclusive",
        )
    if "end_date" in spec:
        return timestamp(spec["end_date"], now)
    duration = spec.get("duration")
    if duration is not None:
        return shift(start, duration["interval"], int(duration.get("interval_count", 1)), 1)
    if not last:
        raise missing_param(f"{name}[end_date]")
    # The last phase lasts one billing period of its prices unless told otherwise.
    interval, count = cadence(changes[0].price)
    return shift(start, interval, count, 1)


def current_index(schedule: Obj) -> int:
    """Which stored phase is the current one."""
    current = schedule["current_phase"]
    for index, phase in enumerate(schedule["phases"]):
        if current and phase["start_date"] == current["start_date"]:
            return index
    return 0


def changes_to(emu: Emulator, sub: Obj, phase: Obj) -> list[ItemChange]:
    """Item changes that make `sub` hold the phase's items; unmatched items swap prices."""
    current = items_of(emu, sub)
    wanted = list(phase["items"])
    changes: list[ItemChange] = []
    unmatched: list[Obj] = []
    for item in current:
        match = next((w for w in wanted if w["price"] == item["price"]), None)
        if match is None:
            unmatched.append(item)
            continue
        wanted.remove(match)
        changes.append(ItemChange(item, price_of(emu, item), int(match["quantity"] or 1)))
    for item in unmatched:
        if wanted:
            target = wanted.pop(0)
            price = emu.objects[target["price"]]
            changes.append(ItemChange(item, price, int(target["quantity"] or 1)))
        else:
            changes.append(ItemChange(item, price_of(emu, item), item["quantity"], deleted=True))
    for target in wanted:
        changes.append(ItemChange(None, emu.objects[target["price"]], int(target["quantity"] or 1)))
    return changes


def changes_to_needed(emu: Emulator, sub: Obj, phase: Obj) -> bool:
    """Whether the subscription's items differ from the phase's."""
    have = sorted((i["price"], i["quantity"]) for i in items_of(emu, sub))
    want = sorted((i["price"], int(i["quantity"] or 1)) for i in phase["items"])
    return have != want
