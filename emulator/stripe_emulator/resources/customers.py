"""Customers: contact details, addresses, invoice settings and metadata."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from stripe.params import (
    CustomerCreateParams,
    CustomerDeleteParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerUpdateParams,
)

from ..errors import invalid
from ..item_changes import unsupported
from ..router import Call, route
from ..state import includable
from .common import (
    apply_metadata,
    created_filter,
    previous_attributes,
    require_payment_method_of,
)
from .payment_methods import attach
from .tax_ids import add_tax_id, checked_value

if TYPE_CHECKING:
    from ..state import Emulator, Obj

_SIMPLE = (
    "email",
    "name",
    "phone",
    "description",
    "preferred_locales",
    "next_invoice_sequence",
    "tax_exempt",
)
# Sent only once set (Stripe's schema has no null for them).
_SOMETIMES = ("business_name", "individual_name")
# Customer balances, cash balances, Sources and Stripe Tax are not modelled: refused by name.
_UNMODELLED = ("balance", "cash_balance", "default_source", "source", "tax", "validate")
_INVOICE_PREFIX = re.compile(r"[A-Z0-9]{3,12}")


def _check(params: dict[str, Any]) -> list[tuple[str, str]]:
    """Refuse what is not modelled or malformed before anything changes; the tax IDs to add."""
    for name in _UNMODELLED:
        if name in params:
            raise unsupported(name, "customers")
    prefix = params.get("invoice_prefix")
    if prefix is not None and _INVOICE_PREFIX.fullmatch(prefix) is None:
        raise invalid(
            "Invalid invoice_prefix: must be 3-12 uppercase letters or numbers.",
            param="invoice_prefix",
        )
    sequence = params.get("next_invoice_sequence")
    if sequence is not None and sequence < 1:
        raise invalid(
            "Invalid next_invoice_sequence: must be at least 1.", param="next_invoice_sequence"
        )
    return [
        (spec["type"], checked_value(spec["type"], spec["value"], f"tax_id_data[{i}][value]"))
        for i, spec in enumerate(params.get("tax_id_data") or [])
    ]


def _address(value: Any) -> Any:
    if value == "" or value is None:
        return None
    keys = ("city", "country", "line1", "line2", "postal_code", "state")
    return {key: value.get(key) for key in keys}


def _shipping(value: Any) -> Any:
    if value == "" or value is None:
        return None
    return {
        "address": _address(value.get("address", {})),
        "name": value["name"],
        "phone": value.get("phone"),
    }


def _apply(call: Call, customer: Obj, params: dict[str, Any]) -> None:
    for key in _SIMPLE:
        if key in params:
            customer[key] = params[key] if params[key] != "" else None
    for key in _SOMETIMES:
        if params.get(key) == "":
            customer.pop(key, None)
        elif key in params:
            customer[key] = params[key]
    if "invoice_prefix" in params:
        customer["invoice_prefix"] = params["invoice_prefix"]
    if "address" in params:
        customer["address"] = _address(params["address"])
    if "shipping" in params:
        customer["shipping"] = _shipping(params["shipping"])
    if "metadata" in params:
        customer["metadata"] = apply_metadata(customer["metadata"], params["metadata"])
    if "test_clock" in params:
        customer["test_clock"] = call.emu.get(
            params["test_clock"], "test_helpers.test_clock", noun="test clock", param="test_clock"
        )["id"]
    attached = None
    if "payment_method" in params:
        # On create, `payment_method` attaches a payment method (a test id makes a new one).
        attached = attach(call.emu, params["payment_method"], customer["id"], "payment_method")
    settings = params.get("invoice_settings") or {}
    invoice_settings = customer["invoice_settings"]
    if "custom_fields" in settings:
        fields = settings["custom_fields"]
        invoice_settings["custom_fields"] = (
            [{"name": f["name"], "value": f["value"]} for f in fields] if fields else None
        )
    if "footer" in settings:
        invoice_settings["footer"] = settings["footer"] or None
    if "rendering_options" in settings:
        options = settings["rendering_options"]
        invoice_settings["rendering_options"] = (
            {
                "amount_tax_display": options.get("amount_tax_display") or None,
                "template": options.get("template") or None,
            }
            if options
            else None
        )
    if settings and "default_payment_method" in settings:
        pm = settings["default_payment_method"]
        if pm == "":
            customer["invoice_settings"]["default_payment_method"] = None
        else:
            if attached is not None and pm == params["payment_method"]:
                pm = attached["id"]
            require_payment_method_of(
                call.emu, pm, customer["id"], "invoice_settings[default_payment_method]"
            )
            customer["invoice_settings"]["default_payment_method"] = pm


@route("POST", "/v1/customers", CustomerCreateParams)
def create_customer(call: Call) -> Obj:
    tax_ids = _check(call.params)
    customer = call.emu.create(
        "cus",
        "customer",
        {
            "address": None,
            "balance": 0,
            "currency": None,
            "default_source": None,
            "delinquent": False,
            "description": None,
            "discount": None,
            "email": None,
            "invoice_prefix": call.emu.new_id("x")[2:10].upper(),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "metadata": {},
            "name": None,
            "next_invoice_sequence": 1,
            "phone": None,
            "preferred_locales": [],
            "shipping": None,
            "tax_exempt": "none",
            "test_clock": None,
        },
    )
    _apply(call, customer, call.params)
    call.emu.emit("customer.created", customer)
    for tax_type, value in tax_ids:
        add_tax_id(call.emu, customer, tax_type, value)
    return call.emu.render(customer)


@route("GET", "/v1/customers", CustomerListParams)
def list_customers(call: Call) -> Obj:
    email = call.params.get("email")
    clock = call.params.get("test_clock")
    created = created_filter(call.params.get("created"))
    found = call.emu.find(
        "customer",
        lambda c: (
            (email is None or c["email"] == email)
            and (clock is None or c["test_clock"] == clock)
            and created(c["created"])
        ),
    )
    return call.emu.page(found, call.params, "/v1/customers")


@route("GET", "/v1/customers/{customer}", CustomerRetrieveParams)
def retrieve_customer(call: Call) -> Obj:
    obj = call.emu.objects.get(call.path["customer"])
    if obj is not None and obj["object"] == "customer" and obj.get("deleted"):
        return {"id": obj["id"], "object": "customer", "deleted": True}
    return call.emu.render(call.emu.get(call.path["customer"], "customer", param="id"))


@route(
    "POST",
    "/v1/customers/{customer}",
    CustomerUpdateParams,
    clearable=(
        "email",
        "name",
        "phone",
        "description",
        "business_name",
        "individual_name",
    ),
)
def update_customer(call: Call) -> Obj:
    customer = call.emu.get(call.path["customer"], "customer", param="id")
    _check(call.params)
    before = call.emu.render(customer)
    _apply(call, customer, call.params)
    after = call.emu.render(customer)
    previous = previous_attributes(before, after)
    if previous:
        call.emu.emit("customer.updated", customer, previous)
    return after


@route("DELETE", "/v1/customers/{customer}", CustomerDeleteParams)
def delete_customer(call: Call) -> Obj:
    customer = call.emu.get(call.path["customer"], "customer", param="id")
    customer["deleted"] = True
    call.emu.emit("customer.deleted", customer)
    return {"id": customer["id"], "object": "customer", "deleted": True}


# Includable properties Stripe leaves out unless expanded, as an account without Sources,
# credit balances or Stripe Tax has them.
@includable("customer", "sources")
def customer_sources(emu: Emulator, customer: Obj) -> Obj:
    return emu.page([], {}, f"/v1/customers/{customer['id']}/sources")


@includable("customer", "invoice_credit_balance")
def customer_invoice_credit_balance(emu: Emulator, customer: Obj) -> Obj:
    return {}


@includable("customer", "tax")
def customer_tax(emu: Emulator, customer: Obj) -> Obj:
    return {
        "automatic_tax": "not_collecting",
        "ip_address": None,
        "location": None,
        "provider": "stripe",
    }
