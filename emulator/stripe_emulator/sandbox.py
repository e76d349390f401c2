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

# Object types billing code mutates, found by their `customer` (besides the customer, its
# test clock and its subscriptions' items); anything else is only read.
_OWNED = ("subscription", "subscription_schedule", "invoice", "invoiceitem", "discount")
# Shared objects billing code still changes (redemption counts): always copied.
_COUNTED = frozenset({"coupon", "promotion_code"})


class Scratch(Emulator):
    """A throw-away copy of one customer's billing state.

    `settles` says whether invoices it creates are finalized and charged (a
    dry run of a payment) or left as drafts (a preview).
    """

    settles: bool = False
    # A later moment the copy is looked at from (a preview of what a resume date bills).
    moment: int | None = None

    def now(self, customer: str | None = None) -> int:
        return self.moment if self.moment is not None else super().now(customer)


def _changeable(emu: Emulator, customer_id: str) -> dict[str, Obj]:
    """The objects billing code may change for this customer, by id."""
    found: dict[str, Obj] = {}
    customer = emu.objects.get(customer_id)
    if customer is not None:
        found[customer_id] = customer
        clock = emu.objects.get(customer.get("test_clock") or "")
        if clock is not None:
            found[clock["id"]] = clock
    for object_type in _OWNED:
        found.update(
            (o["id"], o) for o in emu.of_type(object_type) if o.get("customer") == customer_id
        )
    subscriptions = {key for key, o in found.items() if o["object"] == "subscription"}
    found.update(
        (o["id"], o)
        for o in emu.of_type("subscription_item")
        if o.get("subscription") in subscriptions
    )
    for object_type in _COUNTED:
        found.update((o["id"], o) for o in emu.of_type(object_type))
    return found


def scratch(emu: Emulator, customer_id: str, *, settles: bool = False) -> Scratch:
    """A copy of `emu` in which `customer_id`'s billing objects can change freely."""
    copy_of = Scratch(seed=None)
    copy_of.settles = settles
    copy_of.random.setstate(emu.random.getstate())
    changeable = _changeable(emu, customer_id)
    # One copy of them all: cheaper than one per object, and references between them stay
    # references within the copy. Everything else is shared, read-only.
    copied = clone(changeable)
    copy_of.objects = {**emu.objects, **copied}
    copy_of._by_type = {object_type: dict(objects) for object_type, objects in emu._by_type.items()}
    for key, obj in copied.items():
        copy_of._by_type[obj["object"]][key] = obj
    copy_of._sequence = dict(emu._sequence)
    copy_of._counter = itertools.count(len(emu._sequence))
    return copy_of
