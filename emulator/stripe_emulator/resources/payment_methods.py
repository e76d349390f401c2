"""Card payment methods: create from test tokens, attach, detach (for good), update, list.

A test id (`pm_card_visa`, `tok_visa`) names no stored object: each use makes a
new `pm_...` cloned from its card, as on Stripe.
"""

from __future__ import annotations

from typing import Any

from stripe.params import (
    CustomerPaymentMethodListParams,
    CustomerPaymentMethodRetrieveParams,
    PaymentMethodAttachParams,
    PaymentMethodCreateParams,
    PaymentMethodDetachParams,
    PaymentMethodListParams,
    PaymentMethodRetrieveParams,
    PaymentMethodUpdateParams,
)

from ..errors import StripeError, invalid, missing_param, resource_missing
from ..item_changes import unsupported
from ..router import Call, route
from ..state import Emulator, Obj, require
from .cards import TestCard, card_details, test_card
from .common import apply_metadata, emit_update, optional, referenced

_ADDRESS_KEYS = ("city", "country", "line1", "line2", "postal_code", "state")
_RAW_CARD_NUMBERS = (
    "Sending credit card numbers directly to the Stripe API is generally unsafe. We suggest "
    "you use test tokens that map to the test card you are using, see "
    "https://stripe.com/docs/testing. To enable testing raw card data APIs, see "
    "https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis."
)
_SPENT = (
    "The provided PaymentMethod was previously used with a PaymentIntent without Customer "
    "attachment, shared with a connected account without Customer attachment, or was detached "
    "from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must "
    "attach it to a Customer first."
)


def _billing_details(current: Obj | None, update: Any) -> Obj:
    details: Obj = dict(current or {})
    details.setdefault("address", None)
    for key in ("email", "name", "phone", "tax_id"):
        details.setdefault(key, None)
        if key in update:
            details[key] = optional(update[key])
    if "address" in update:
        address = optional(update["address"])
        if address is None:
            details["address"] = None
        else:
            merged = dict(details["address"] or dict.fromkeys(_ADDRESS_KEYS))
            merged.update({key: optional(address[key]) for key in _ADDRESS_KEYS if key in address})
            details["address"] = merged
    return details


def new_card_payment_method(emu: Emulator, card: TestCard, params: Obj | None = None) -> Obj:
    """A stored, unattached card PaymentMethod for `card`."""
    params = params or {}
    return emu.create(
        "pm",
        "payment_method",
        {
            "allow_redisplay": params.get("allow_redisplay", "unspecified"),
            "billing_details": _billing_details(None, params.get("billing_details", {})),
            "card": card_details(card, emu.now()),
            "customer": None,
            "customer_account": None,
            "metadata": apply_metadata({}, params.get("metadata", {})),
            "type": "card",
        },
    )


def resolve(emu: Emulator, pm_id: str, param: str) -> Obj:
    """The payment method `pm_id` names: a stored one, or a new clone of a test card.

    Missing ids are Stripe's 400 `No such PaymentMethod` on `param`.
    """
    card = test_card(pm_id) if pm_id.startswith("pm_card_") else None
    if card is not None:
        return new_card_payment_method(emu, card)
    return referenced(emu, pm_id, "payment_method", "PaymentMethod", param)


def attach(emu: Emulator, pm_id: str, customer_id: str, param: str = "payment_method") -> Obj:
    """Attach a payment method (or a new test card clone); emits `payment_method.attached`."""
    pm = resolve(emu, pm_id, param)
    if pm.get("_detached"):
        raise invalid(_SPENT, param=param)
    if pm["customer"] == customer_id:
        return pm
    if pm["customer"] is not None:
        raise invalid(
            "The payment method you provided has already been attached to a customer.",
            param=param,
        )
    pm["customer"] = customer_id
    emu.emit("payment_method.attached", pm)
    return pm


# What a card payment method is made of; other types' details, raw card fields and Radar
# sessions are refused by name.
_CREATE_MODELLED = frozenset(
    {"type", "card", "billing_details", "metadata", "allow_redisplay", "expand"}
)


@route("POST", "/v1/payment_methods", PaymentMethodCreateParams)
def create_payment_method(call: Call) -> Obj:
    params = call.params
    for name in sorted(set(dict.keys(params)) - _CREATE_MODELLED - {"customer", "payment_method"}):
        raise unsupported(name, "payment methods (cards from test tokens only)")
    card_keys = set(dict.keys(params.get("card") or {}))
    # Raw card numbers get Stripe's own error (below), whatever comes with them.
    for name in sorted(card_keys - {"token"} if "number" not in card_keys else set()):
        raise unsupported(f"card[{name}]", "payment methods (cards from test tokens only)")
    if "customer" in params or "payment_method" in params:
        raise invalid(
            "Sharing payment methods with connected accounts is not modelled by this emulator.",
            param="customer" if "customer" in params else "payment_method",
        )
    if "type" not in params:
        raise missing_param("type")
    require(
        params["type"] == "card",
        f"This emulator models card payment methods only, not {params['type']}.",
        param="type",
    )
    spec = params.get("card")
    if spec is None:
        raise missing_param("card")
    if "number" in spec:
        raise StripeError(_RAW_CARD_NUMBERS, status=402, type="card_error", param="card[number]")
    if "token" not in spec:
        raise missing_param("card[token]")
    card = test_card(spec["token"]) if spec["token"].startswith("tok_") else None
    if card is None:
        raise invalid(
            f"No such token: '{spec['token']}'", param="card[token]", code="resource_missing"
        )
    pm = new_card_payment_method(call.emu, card, params)
    return call.emu.render(pm)


@route("GET", "/v1/payment_methods", PaymentMethodListParams)
def list_payment_methods(call: Call) -> Obj:
    params = call.params
    customer = params.get("customer")
    if customer is not None:
        referenced(call.emu, customer, "customer", "customer", "customer")
    found = call.emu.find("payment_method", lambda pm: _listed(pm, params, customer))
    return call.emu.page(found, params, "/v1/payment_methods")


def _listed(pm: Obj, params: Obj, customer: str | None) -> bool:
    return bool(
        (customer is None or pm["customer"] == customer)
        and params.get("type", pm["type"]) == pm["type"]
        and params.get("allow_redisplay", pm["allow_redisplay"]) == pm["allow_redisplay"]
    )


@route("GET", "/v1/payment_methods/{payment_method}", PaymentMethodRetrieveParams)
def retrieve_payment_method(call: Call) -> Obj:
    return call.emu.render(_stored(call))


def _stored(call: Call) -> Obj:
    return call.emu.get(call.path["payment_method"], "payment_method", noun="PaymentMethod")


@route("POST", "/v1/payment_methods/{payment_method}", PaymentMethodUpdateParams)
def update_payment_method(call: Call) -> Obj:
    pm = _stored(call)
    params = call.params
    require(
        pm["customer"] is not None,
        "You must save this PaymentMethod to a customer before you can update it.",
    )
    before = call.emu.render(pm)
    if "us_bank_account" in params:
        raise invalid("This PaymentMethod is not a us_bank_account.", param="us_bank_account")
    card = params.get("card", {})
    if "networks" in card:
        raise unsupported("card[networks]", "payment method updates")
    if not 1 <= card.get("exp_month", 1) <= 12:
        raise StripeError(
            "Your card's expiration month is invalid.",
            status=402,
            type="card_error",
            code="invalid_expiry_month",
            param="card[exp_month]",
        )
    pm["card"].update({key: card[key] for key in ("exp_month", "exp_year") if key in card})
    if "billing_details" in params:
        pm["billing_details"] = _billing_details(pm["billing_details"], params["billing_details"])
    if "allow_redisplay" in params:
        pm["allow_redisplay"] = params["allow_redisplay"]
    if "metadata" in params:
        pm["metadata"] = apply_metadata(pm["metadata"] or {}, params["metadata"])
    return emit_update(call.emu, "payment_method.updated", pm, before)


@route("POST", "/v1/payment_methods/{payment_method}/attach", PaymentMethodAttachParams)
def attach_payment_method(call: Call) -> Obj:
    if "customer_account" in call.params:
        raise invalid(
            "Accounts v2 customers are not modelled by this emulator.", param="customer_account"
        )
    if "customer" not in call.params:
        raise missing_param("customer")
    customer = referenced(call.emu, call.params["customer"], "customer", "customer", "customer")
    pm_id = call.path["payment_method"]
    if test_card(pm_id) is None:
        _stored(call)
    return call.emu.render(attach(call.emu, pm_id, customer["id"], param="payment_method"))


@route("POST", "/v1/payment_methods/{payment_method}/detach", PaymentMethodDetachParams)
def detach_payment_method(call: Call) -> Obj:
    pm = _stored(call)
    customer_id = pm["customer"]
    require(
        customer_id is not None,
        "The payment method you provided is not attached to a customer so detachment is "
        "impossible.",
    )
    pm["customer"] = None
    pm["_detached"] = True
    call.emu.emit("payment_method.detached", pm, {"customer": customer_id})
    customer = call.emu.objects.get(customer_id)
    if customer and customer["invoice_settings"]["default_payment_method"] == pm["id"]:
        before = call.emu.render(customer)
        customer["invoice_settings"]["default_payment_method"] = None
        emit_update(call.emu, "customer.updated", customer, before)
    return call.emu.render(pm)


def _customer(call: Call) -> Obj:
    return call.emu.get(call.path["customer"], "customer", param="customer")


@route("GET", "/v1/customers/{customer}/payment_methods", CustomerPaymentMethodListParams)
def list_customer_payment_methods(call: Call) -> Obj:
    customer = _customer(call)
    found = call.emu.find("payment_method", lambda pm: _listed(pm, call.params, customer["id"]))
    return call.emu.page(found, call.params, f"/v1/customers/{customer['id']}/payment_methods")


@route(
    "GET",
    "/v1/customers/{customer}/payment_methods/{payment_method}",
    CustomerPaymentMethodRetrieveParams,
)
def retrieve_customer_payment_method(call: Call) -> Obj:
    customer = _customer(call)
    pm = call.emu.objects.get(call.path["payment_method"])
    if pm is None or pm["object"] != "payment_method" or pm["customer"] != customer["id"]:
        raise resource_missing("PaymentMethod", call.path["payment_method"], "payment_method")
    return call.emu.render(pm)
