"""Which strings can be Stripe ids, so that the others never reach Stripe.

Stripe's ids are a type prefix (`sub_`, `in_`, `cus_`...) and letters, digits and
underscores. Anything else a caller sends as an id (another type's prefix, a slash, a
100,000-character string) cannot name one of their objects: it is answered exactly like a
missing object, without a Stripe call, so it can neither cost a Stripe request nor turn
into an oversized URL that fails like an outage.
"""

from __future__ import annotations

import re

# Stripe documents no maximum; its ids are far shorter (about 30 characters).
MAX_ID_LENGTH = 255
_ID_CHARACTERS = re.compile(r"[A-Za-z0-9_]+")

CUSTOMER = ("cus_",)
SUBSCRIPTION = ("sub_",)
INVOICE = ("in_",)
# Prices made from legacy plans keep the plan's id.
PRICE = ("price_", "plan_")
PRODUCT = ("prod_",)
SETUP_INTENT = ("seti_",)
# The Payment Methods API lists older cards and sources under their own prefixes.
PAYMENT_METHOD = ("pm_", "card_", "src_", "ba_")
TAX_ID = ("txi_",)


def is_stripe_id(value: str, prefixes: tuple[str, ...]) -> bool:
    """Whether `value` could be the id of an object of the type `prefixes` name."""
    return (
        len(value) <= MAX_ID_LENGTH
        and value.startswith(prefixes)
        and len(value) > len(min(prefixes, key=len))
        and _ID_CHARACTERS.fullmatch(value) is not None
    )


__all__ = [
    "CUSTOMER",
    "INVOICE",
    "MAX_ID_LENGTH",
    "PAYMENT_METHOD",
    "PRICE",
    "PRODUCT",
    "SETUP_INTENT",
    "SUBSCRIPTION",
    "TAX_ID",
    "is_stripe_id",
]
