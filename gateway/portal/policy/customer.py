"""Customer details and tax ids, gated field by field by `customer_update.allowed_updates`.

`address` covers the billing address and `shipping` the shipping details. Fields left out
of a request are untouched; None clears a field, except the email, which customers use to
sign in to the portal and so cannot remove.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

from gateway.models import Address, Customer, Shipping, TaxId

from ...errors import ErrorCode
from ..actions import AccountAction
from ..addresses import address_params
from ..decisions import AddTaxIdDecision, CustomerUpdateDecision, RemoveTaxIdDecision, StripeParams
from ..phones import MAX_PHONE as MAX_PHONE
from ..phones import phone_param
from ..refusals import Refusal
from ..tax_id_formats import MAX_TAX_ID_VALUE as MAX_TAX_ID_VALUE
from ..tax_id_formats import duplicate, tax_id_value
from .gates import gate

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..configuration import CustomerField
    from ..context import PolicyContext

# Stripe's limits for these customer fields.
MAX_EMAIL = 512
MAX_NAME = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Unset(Enum):
    UNSET = "UNSET"


UNSET = _Unset.UNSET
Unset = Literal[_Unset.UNSET]
DetailField = Literal["email", "name", "phone", "address", "shipping"]


@dataclass(frozen=True)
class CustomerUpdate:
    """A change to the customer's details; UNSET leaves a field alone, None clears it."""

    email: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    address: Address | Unset | None = UNSET
    shipping: Shipping | Unset | None = UNSET

    def given(self) -> tuple[DetailField, ...]:
        names: tuple[DetailField, ...] = ("email", "name", "phone", "address", "shipping")
        return tuple(n for n in names if getattr(self, n) is not UNSET)


def customer_update_refusal(
    ctx: PolicyContext, customer_field: CustomerField | None = None
) -> Refusal | None:
    """May the customer update this field (or, without one, any field at all)?"""
    feature = ctx.configuration.features.customer_update
    action = (
        AccountAction.MANAGE_TAX_IDS
        if customer_field == "tax_id"
        else (AccountAction.UPDATE_CUSTOMER)
    )
    refusal = gate(ctx, action, enabled=feature.enabled, feature="Updating customer details")
    if refusal is not None:
        return refusal
    if customer_field is None:
        if not feature.allowed_updates:
            return Refusal(
                ErrorCode.FEATURE_DISABLED, "Updating customer details is not available."
            )
        return None
    if customer_field not in feature.allowed_updates:
        label = "tax IDs" if customer_field == "tax_id" else f"the {customer_field}"
        return Refusal(
            ErrorCode.FIELD_NOT_ALLOWED,
            f"Changing {label} is not allowed in this portal.",
            "taxId" if customer_field == "tax_id" else customer_field,
        )
    return None


def _invalid(message: str, field: str) -> Refusal:
    return Refusal(ErrorCode.INVALID_INPUT, message, field)


def _param(name: DetailField, value: object, country: str | None) -> object | Refusal:
    """The Stripe parameter for one field's new value, or why the value is refused."""
    if value is None:
        if name == "email":
            return _invalid("The email address cannot be removed.", "email")
        return ""
    if name == "email":
        assert isinstance(value, str)
        email = value.strip()
        if len(email) > MAX_EMAIL or not _EMAIL.match(email):
            return _invalid("This is not a valid email address.", "email")
        return email
    if name == "name":
        assert isinstance(value, str)
        text = value.strip()
        if len(text) > MAX_NAME:
            return _invalid(f"The name is longer than {MAX_NAME} characters.", name)
        return text
    if name == "phone":
        assert isinstance(value, str)
        return phone_param(value, country, "phone") if value.strip() else ""
    if name == "address":
        assert isinstance(value, Address)
        return address_params(value, "address")
    assert isinstance(value, Shipping)
    if not value.name.strip():
        return _invalid("Shipping details need a recipient name.", "shipping.name")
    if value.address is None:
        return _invalid("Shipping details need an address.", "shipping.address")
    address = address_params(value.address, "shipping.address")
    if isinstance(address, Refusal):
        return address
    shipping: StripeParams = {"name": value.name.strip(), "address": address}
    if value.phone and value.phone.strip():
        phone = phone_param(value.phone, str(address["country"]), "shipping.phone")
        if isinstance(phone, Refusal):
            return phone
        shipping["phone"] = phone
    return shipping


def _country(customer: Customer, update: CustomerUpdate) -> str | None:
    """The country a national phone number is read in: the new address's, else the one
    Stripe has, else the shipping address's."""
    for address in (
        update.address if isinstance(update.address, Address) else None,
        customer.address,
        customer.shipping.address if customer.shipping is not None else None,
    ):
        if address is not None and address.country:
            return address.country
    return None


def decide_customer_update(
    ctx: PolicyContext, customer: Customer, update: CustomerUpdate
) -> CustomerUpdateDecision | Refusal:
    given = update.given()
    refusal = customer_update_refusal(ctx)
    if refusal is not None:
        return refusal
    if not given:
        return Refusal(ErrorCode.INVALID_INPUT, "Nothing to change was given.")
    for name in given:
        refusal = customer_update_refusal(ctx, name)
        if refusal is not None:
            return refusal
    params: StripeParams = {}
    country = _country(customer, update)
    for name in given:
        value = _param(name, getattr(update, name), country)
        if isinstance(value, Refusal):
            return value
        params[name] = value
    return CustomerUpdateDecision(customer_id=customer.id, fields=frozenset(given), params=params)


def decide_add_tax_id(
    ctx: PolicyContext,
    customer_id: str,
    *,
    type: str,
    value: str,
    existing: Iterable[TaxId] = (),
    test_mode: bool = False,
    known_types: frozenset[str] | None = None,
) -> AddTaxIdDecision | Refusal:
    """A tax ID of a type Stripe knows, valid by its official format and checksum, that the
    customer (whose tax IDs are `existing`) does not have yet, however it is spelled."""
    refusal = customer_update_refusal(ctx, "tax_id")
    if refusal is not None:
        return refusal
    if value.strip() and duplicate(type, value.strip(), existing) is not None:
        return _invalid("This tax ID is already on the account.", "value")
    cleaned = tax_id_value(type, value, test_mode=test_mode, known_types=known_types)
    if isinstance(cleaned, Refusal):
        return cleaned
    return AddTaxIdDecision(customer_id=customer_id, params={"type": type, "value": cleaned})


def decide_remove_tax_id(
    ctx: PolicyContext, customer_id: str, tax_id: TaxId
) -> RemoveTaxIdDecision | Refusal:
    """`tax_id`: one of the customer's own (found in their list, which also proves the
    customer exists: nothing else about them matters here)."""
    refusal = customer_update_refusal(ctx, "tax_id")
    if refusal is not None:
        return refusal
    return RemoveTaxIdDecision(customer_id=customer_id, tax_id=tax_id.id)
