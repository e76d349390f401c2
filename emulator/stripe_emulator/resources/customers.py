"""Customers: contact details, addresses, invoice settings and metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe.params import (
    CustomerCreateParams,
    CustomerDeleteParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerUpdateParams,
)

from ..router import Call, route
from .common import (
    apply_metadata,
    created_filter,
    previous_attributes,
    require_payment_method_of,
)
from .payment_methods import attach

if TYPE_CHECKING:
    from ..state import Obj

_SIMPLE = ("email", "name", "phone", "description", "preferred_locales")


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
    settings = params.get("invoice_settings")
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
    return call.emu.render(customer)


@route("GET", "/v1/customers", CustomerListParams)
def list_customers(call: Call) -> Obj:
    email = call.params.get("email")
    created = created_filter(call.params.get("created"))
    found = call.emu.find(
        "customer",
        lambda c: (email is None or c["email"] == email) and created(c["created"]),
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
    clearable=("email", "name", "phone", "description"),
)
def update_customer(call: Call) -> Obj:
    customer = call.emu.get(call.path["customer"], "customer", param="id")
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
