"""The tax ID types Stripe accepts, as the `stripe` SDK's own parameter types list them (so
the list moves with the SDK, not with a copy), for the policy to check a type against."""

from __future__ import annotations

import typing

from stripe.params import CustomerTaxIdCreateParams


def _stripe_tax_id_types() -> frozenset[str]:
    hints = typing.get_type_hints(CustomerTaxIdCreateParams)
    literal = next(arg for arg in typing.get_args(hints["type"]) if typing.get_args(arg))
    return frozenset(typing.get_args(literal))


STRIPE_TAX_ID_TYPES = _stripe_tax_id_types()

__all__ = ["STRIPE_TAX_ID_TYPES"]
