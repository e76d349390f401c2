"""What-if copies of the account, for previews and all-or-nothing payments.

A preview must show exactly what an update would create, so it runs the real
update code on a scratch copy: the customer's own objects (subscriptions,
items, invoices, invoice items, schedules, clock) are deep-copied, the shared
catalog is referenced read-only (coupons and promotion codes, whose redemption
counts change, are copied too), and the copy has no event listeners, so
nothing it does is visible outside it.
"""

from __future__ import annotations

import itertools

from .clone import clone
from .state import Emulator, Obj

# Object types billing code mutates; anything else is only read.
_MUTABLE = frozenset(
    {
        "customer",
        "subscription",
        "subscription_item",
        "subscription_schedule",
        "invoice",
        "invoiceitem",
        "discount",
        "test_helpers.test_clock",
    }
)
# Shared objects billing code still changes (redemption counts): always copied.
_COUNTED = frozenset({"coupon", "promotion_code"})


class Scratch(Emulator):
    """A throw-away copy of one customer's billing state.

    `settles` says whether invoices it creates are finalized and charged (a
    dry run of a payment) or left as drafts (a preview).
    """

    settles: bool = False


def _owned_by(obj: Obj, customer_id: str, subscriptions: set[str], clock: str | None) -> bool:
    if obj["id"] in (customer_id, clock):
        return True
    if obj["object"] == "subscription_item":
        return obj.get("subscription") in subscriptions
    return obj.get("customer") == customer_id


def scratch(emu: Emulator, customer_id: str, *, settles: bool = False) -> Scratch:
    """A copy of `emu` in which `customer_id`'s billing objects can change freely."""
    customer = emu.objects.get(customer_id, {})
    clock = customer.get("test_clock")
    subscriptions = {
        o["id"]
        for o in emu.objects.values()
        if o["object"] == "subscription" and o.get("customer") == customer_id
    }
    copy_of = Scratch(seed=None)
    copy_of.settles = settles
    copy_of.random.setstate(emu.random.getstate())
    changeable = {
        key: obj
        for key, obj in emu.objects.items()
        if obj["object"] in _COUNTED
        or (obj["object"] in _MUTABLE and _owned_by(obj, customer_id, subscriptions, clock))
    }
    # One copy of them all: cheaper than one per object, and references between them stay
    # references within the copy.
    copied = clone(changeable)
    copy_of.objects = {
        key: copied.get(key, obj) for key, obj in emu.objects.items() if obj["object"] != "event"
    }
    copy_of._sequence = dict(emu._sequence)
    copy_of._counter = itertools.count(len(emu._sequence))
    return copy_of
