"""Changing a subscription's items, and the prorations a change creates.

Each item keeps `_debits`: what was charged for which slice of its current
period (an invoice line, or a proration invoice item). In flexible billing mode
(the default) a credit for unused time gives back part of those debits, i.e.
the amount originally charged; in classic mode it is computed from the item's
current price and quantity. Both use `proration.prorate` (per second, half-up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import invoice_lines, proration_items
from .errors import StripeError, invalid, missing_param
from .invoice_lines import Credited
from .proration import prorate, remaining_description, unused_description
from .resources.common import apply_metadata, referenced

if TYPE_CHECKING:
    from .state import Emulator, Obj

_UNMODELLED_ITEM_KEYS = ("price_data", "billing_thresholds", "tax_rates", "current_trial")


@dataclass
class ItemChange:
    """One requested change: `item` None adds a new item."""

    item: Obj | None
    price: Obj
    quantity: int
    deleted: bool = False
    metadata: Any = None
    param: str = "items"


@dataclass
class Prorations:
    """The invoice items a change created."""

    invoice_items: list[Obj] = field(default_factory=list)


def unsupported(name: str, where: str = "this endpoint") -> StripeError:
    return invalid(
        f"The Stripe emulator does not model `{name}` on {where}; leave it out.", param=name
    )


def resolve_price(emu: Emulator, price_id: str, param: str) -> Obj:
    """A price a subscription can bill: active, recurring, licensed, per-unit."""
    price = referenced(emu, price_id, "price", "price", param)
    if not price["active"]:
        raise invalid(
            "The price specified is inactive. This field only accepts active prices.", param=param
        )
    if price["type"] != "recurring" or not price.get("recurring"):
        raise invalid(
            "The price specified is set to `type=one_time` but this field only accepts prices "
            "with `type=recurring`.",
            param=param,
        )
    if price["recurring"].get("usage_type", "licensed") != "licensed":
        raise unsupported(f"{param} (a metered price)", "subscriptions")
    if price.get("unit_amount") is None:
        raise invalid("The price specified has no unit_amount.", param=param)
    return price


def cadence(price: Obj) -> tuple[str, int]:
    recurring = price["recurring"]
    return str(recurring["interval"]), int(recurring.get("interval_count") or 1)


def items_of(emu: Emulator, subscription: Obj) -> list[Obj]:
    return [emu.objects[item_id] for item_id in subscription["_items"]]


def price_of(emu: Emulator, item: Obj) -> Obj:
    return emu.objects[item["price"]]


def period_of(emu: Emulator, subscription: Obj) -> tuple[int, int]:
    """The subscription's current billing period (all its items share one cadence)."""
    first = items_of(emu, subscription)[0]
    return int(first["current_period_start"]), int(first["current_period_end"])


def _quantity(spec: Obj, name: str, default: int) -> int:
    quantity = int(spec.get("quantity", default))
    if quantity < 0:
        raise invalid(
            "Invalid integer: quantity must be greater than or equal to 0.",
            param=f"{name}[quantity]",
        )
    return quantity


def plan(emu: Emulator, subscription: Obj | None, specs: list[Obj], param: str) -> list[ItemChange]:
    """Validate `items[...]` params into changes, checking the result is a coherent set."""
    current = {item["id"]: item for item in items_of(emu, subscription)} if subscription else {}
    changes: list[ItemChange] = []
    for index, spec in enumerate(specs):
        name = f"{param}[{index}]"
        for key in _UNMODELLED_ITEM_KEYS:
            if key in spec:
                raise unsupported(f"{name}[{key}]", "subscription items")
        if spec.get("discounts"):
            raise unsupported(f"{name}[discounts]", "subscription items")
        if "price" in spec and "plan" in spec:
            raise invalid(
                f"You may only specify one of these parameters: {name}[plan], {name}[price].",
                param=f"{name}[price]",
            )
        price_id = spec.get("price") or spec.get("plan")
        price_param = f"{name}[price]" if "price" in spec else f"{name}[plan]"
        if "id" in spec:
            item = current.get(spec["id"])
            if item is None:
                raise invalid(
                    f"No such subscription item: '{spec['id']}'",
                    param=f"{name}[id]",
                    code="resource_missing",
                )
            old_price = price_of(emu, item)
            if spec.get("deleted"):
                changes.append(
                    ItemChange(item, old_price, item["quantity"], deleted=True, param=name)
                )
                continue
            price = resolve_price(emu, price_id, price_param) if price_id else old_price
            default = item["quantity"] if price["id"] == old_price["id"] else 1
            changes.append(
                ItemChange(
                    item,
                    price,
                    _quantity(spec, name, default),
                    metadata=spec.get("metadata"),
                    param=name,
                )
            )
            continue
        if spec.get("deleted"):
            raise missing_param(f"{name}[id]")
        if not price_id:
            raise missing_param(f"{name}[price]")
        price = resolve_price(emu, price_id, price_param)
        changes.append(
            ItemChange(
                None, price, _quantity(spec, name, 1), metadata=spec.get("metadata"), param=name
            )
        )
    _check_result(emu, subscription, current, changes, param)
    return changes


def _check_result(
    emu: Emulator,
    subscription: Obj | None,
    current: dict[str, Obj],
    changes: list[ItemChange],
    param: str,
) -> None:
    touched = {c.item["id"]: c for c in changes if c.item is not None}
    if len(touched) != sum(1 for c in changes if c.item is not None):
        raise invalid("You cannot change the same subscription item twice.", param=param)
    final: list[tuple[Obj, str]] = []
    for item_id, item in current.items():
        change = touched.get(item_id)
        if change is None:
            final.append((price_of(emu, item), param))
        elif not change.deleted:
            final.append((change.price, change.param))
    final += [(c.price, c.param) for c in changes if c.item is None]
    if not final:
        raise invalid(
            "A subscription must have at least one item; to end it, cancel the subscription.",
            param=param,
        )
    seen: set[str] = set()
    for price, name in final:
        if price["id"] in seen:
            raise invalid(
                f"Cannot add multiple subscription items with the same price: {price['id']}.",
                param=f"{name}[price]",
            )
        seen.add(price["id"])
    currency = subscription["currency"] if subscription else final[0][0]["currency"]
    for price, name in final:
        if price["currency"] != currency:
            raise invalid(
                f"The price specified is in {price['currency']} but this subscription is in "
                f"{currency}. All items of a subscription must share one currency.",
                param=f"{name}[price]",
            )
    first = cadence(final[0][0])
    for price, name in final:
        if cadence(price) != first:
            raise invalid(
                "The Stripe emulator bills every item of a subscription on one cadence: all "
                f"prices must recur every {first[1]} {first[0]}(s) like the others.",
                param=f"{name}[price]",
            )


def final_cadence(emu: Emulator, subscription: Obj, changes: list[ItemChange]) -> tuple[str, int]:
    """The cadence the subscription will have once `changes` apply."""
    kept = [c.price for c in changes if not c.deleted]
    untouched = {c.item["id"] for c in changes if c.item is not None}
    kept += [price_of(emu, i) for i in items_of(emu, subscription) if i["id"] not in untouched]
    return cadence(kept[0])


# -- debits and credits -------------------------------------------------------


def record_debit(
    item: Obj,
    amount: int,
    start: int,
    end: int,
    *,
    invoice: str | None = None,
    line: str | None = None,
    invoice_item: str | None = None,
) -> None:
    item["_debits"].append(
        {
            "amount": amount,
            "start": start,
            "end": end,
            "invoice": invoice,
            "line": line,
            "invoice_item": invoice_item,
        }
    )


def _take_back(emu: Emulator, item: Obj, at: int) -> tuple[int, Credited | None]:
    """Give back the debited amount for time after `at` (flexible mode)."""
    total = 0
    lines: dict[str, list[str]] = {}
    pending: str | None = None
    for debit in item["_debits"]:
        if debit["end"] <= at or debit["amount"] == 0:
            continue
        if at <= debit["start"]:
            portion = debit["amount"]
        else:
            portion = prorate(debit["amount"], debit["start"], debit["end"], at)
        total += portion
        debit["amount"] -= portion
        debit["end"] = max(debit["start"], min(at, debit["end"]))
        invoice, line = debit["invoice"], debit["line"]
        if debit["invoice_item"] is not None:
            source = emu.objects.get(debit["invoice_item"])
            if source is not None and source.get("_line"):
                invoice, line = source["invoice"], source["_line"]
            else:
                pending = debit["invoice_item"]
        if invoice is not None and line is not None:
            lines.setdefault(invoice, []).append(line)
    item["_debits"] = [d for d in item["_debits"] if d["end"] > d["start"] or d["amount"]]
    if lines:
        invoice = next(iter(lines))
        return total, Credited(invoice=invoice, lines=tuple(lines[invoice]))
    if pending is not None:
        return total, Credited(invoice_item=pending)
    return total, None


def credit_unused(emu: Emulator, subscription: Obj, item: Obj, at: int) -> Obj | None:
    """A credit proration for the item's unused time after `at` (None when nothing is left)."""
    start, end = int(item["current_period_start"]), int(item["current_period_end"])
    price = price_of(emu, item)
    taken, credited = _take_back(emu, item, at)
    if subscription["billing_mode"]["type"] == "classic":
        taken = prorate(price["unit_amount"] * item["quantity"], start, end, at)
    if taken == 0:
        return None
    return proration_items.create_invoice_item(
        emu,
        subscription=subscription,
        item=item,
        price=price,
        amount=-taken,
        quantity=item["quantity"],
        period=(max(at, start), end),
        description=unused_description(
            invoice_lines.product_name(emu, price), item["quantity"], at
        ),
        at=at,
        credited=credited,
    )


def charge_remaining(emu: Emulator, subscription: Obj, item: Obj, at: int) -> Obj | None:
    """A charge proration for the item's current price and quantity from `at` to period end."""
    start, end = int(item["current_period_start"]), int(item["current_period_end"])
    price = price_of(emu, item)
    amount = prorate(price["unit_amount"] * item["quantity"], start, end, at)
    if amount == 0:
        return None
    ii = proration_items.create_invoice_item(
        emu,
        subscription=subscription,
        item=item,
        price=price,
        amount=amount,
        quantity=item["quantity"],
        period=(max(at, start), end),
        description=remaining_description(
            invoice_lines.product_name(emu, price), item["quantity"], at
        ),
        at=at,
    )
    record_debit(item, amount, max(at, start), end, invoice_item=ii["id"])
    return ii


# -- applying -------------------------------------------------------------------


def new_item(
    emu: Emulator,
    subscription: Obj,
    price: Obj,
    quantity: int,
    metadata: Any,
    period: tuple[int, int],
) -> Obj:
    item = emu.create(
        "si",
        "subscription_item",
        {
            "billing_thresholds": None,
            "current_period_end": period[1],
            "current_trial": None,
            "current_period_start": period[0],
            "discounts": [],
            "metadata": apply_metadata({}, metadata or {}),
            "price": price["id"],
            "quantity": quantity,
            "subscription": subscription["id"],
            "tax_rates": [],
            "_debits": [],
        },
        customer=subscription["customer"],
    )
    subscription["_items"].append(item["id"])
    return item


def apply(
    emu: Emulator,
    subscription: Obj,
    changes: list[ItemChange],
    *,
    at: int,
    prorate_changes: bool,
) -> Prorations:
    """Apply item changes inside the current period, with credit/charge prorations if asked."""
    made = Prorations()
    period = period_of(emu, subscription) if subscription["_items"] else (at, at)

    def keep(ii: Obj | None) -> None:
        if ii is not None:
            made.invoice_items.append(ii)

    for change in changes:
        item = change.item
        if item is None:
            item = new_item(
                emu, subscription, change.price, change.quantity, change.metadata, period
            )
            if prorate_changes:
                keep(charge_remaining(emu, subscription, item, at))
            continue
        if change.deleted:
            if prorate_changes:
                keep(credit_unused(emu, subscription, item, at))
            subscription["_items"].remove(item["id"])
            item["deleted"] = True
            continue
        if change.metadata is not None:
            item["metadata"] = apply_metadata(item["metadata"], change.metadata)
        if item["price"] == change.price["id"] and item["quantity"] == change.quantity:
            continue
        if prorate_changes:
            keep(credit_unused(emu, subscription, item, at))
        item["price"] = change.price["id"]
        item["quantity"] = change.quantity
        if prorate_changes:
            keep(charge_remaining(emu, subscription, item, at))
    return made
