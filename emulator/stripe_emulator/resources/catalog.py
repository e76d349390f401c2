"""Products and prices: the catalog subscriptions and invoices are priced from.

Prices are immutable in what they charge: the SDK's update params have no
`unit_amount`, `currency` or `recurring`, so the strict validator refuses them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from stripe.params import (
    PriceCreateParams,
    PriceListParams,
    PriceRetrieveParams,
    PriceUpdateParams,
    ProductCreateParams,
    ProductDeleteParams,
    ProductListParams,
    ProductRetrieveParams,
    ProductUpdateParams,
)

from ..errors import StripeError, invalid, missing_param
from ..router import Call, route
from ..state import Emulator, Obj, includable, require
from .common import apply_metadata, created_filter, emit_update, exclusive, optional, referenced

if TYPE_CHECKING:
    from collections.abc import Callable

# Stripe caps a billing interval at three years.
_MAX_INTERVAL_COUNT = {"day": 1095, "week": 156, "month": 36, "year": 3}
_UNMODELLED = ("tiers", "tiers_mode", "transform_quantity", "currency_options")


# -- products -------------------------------------------------------------------


def _new_product(emu: Emulator, params: Obj) -> Obj:
    product_id = params.get("id")
    if product_id is not None and product_id in emu.objects:
        raise StripeError(
            f"Product already exists: '{product_id}'", code="resource_already_exists", param="id"
        )
    product = emu.create(
        "prod",
        "product",
        {
            "active": params.get("active", True),
            "default_price": None,
            "description": None,
            "images": [],
            "marketing_features": [],
            "metadata": {},
            "name": params["name"],
            "package_dimensions": None,
            "shippable": None,
            "statement_descriptor": None,
            "tax_code": None,
            "tax_details": None,
            "type": params.get("type", "service"),
            "unit_label": None,
            "url": None,
        },
    )
    if product_id is not None:
        emu.delete(product["id"])
        product["id"] = product_id
        emu.put(product)
    product["updated"] = product["created"]
    _apply_product(emu, product, params)
    return product


def _apply_product(emu: Emulator, product: Obj, params: Obj) -> None:
    for key in ("active", "name", "shippable", "statement_descriptor"):
        if key in params:
            product[key] = params[key]
    for key in ("description", "unit_label", "url", "tax_code"):
        if key in params:
            product[key] = optional(params[key])
    if "images" in params:
        product["images"] = list(params["images"] or [])
    if "marketing_features" in params:
        product["marketing_features"] = [
            {"name": feature["name"]} for feature in params["marketing_features"] or []
        ]
    if "package_dimensions" in params:
        product["package_dimensions"] = optional(params["package_dimensions"])
    if "tax_details" in params:
        details = optional(params["tax_details"])
        product["tax_details"] = details and {
            "performance_location": details.get("performance_location"),
            "tax_code": optional(details.get("tax_code")),
        }
    if "metadata" in params:
        product["metadata"] = apply_metadata(product["metadata"], params["metadata"])
    if "default_price" in params:
        price = referenced(emu, params["default_price"], "price", "price", "default_price")
        require(
            price["product"] == product["id"],
            "The price specified does not belong to this product.",
            param="default_price",
        )
        require(
            price["active"],
            "The price specified is inactive. This field only accepts active prices.",
            param="default_price",
        )
        product["default_price"] = price["id"]
    product["updated"] = emu.now()


@route("POST", "/v1/products", ProductCreateParams)
def create_product(call: Call) -> Obj:
    product = _new_product(call.emu, call.params)
    call.emu.emit("product.created", product)
    data = call.params.get("default_price_data")
    if data is not None:
        price = _new_price(call.emu, {**data, "product": product["id"]}, "default_price_data")
        call.emu.emit("price.created", price)
        product["default_price"] = price["id"]
    return call.emu.render(product)


@route("GET", "/v1/products", ProductListParams)
def list_products(call: Call) -> Obj:
    params = call.params
    created = created_filter(params.get("created"))
    ids = params.get("ids")

    def wanted(product: Obj) -> bool:
        return (
            created(product["created"])
            and (ids is None or product["id"] in ids)
            and all(
                product[key] == params[key]
                for key in ("active", "shippable", "type", "url")
                if key in params
            )
        )

    return call.emu.page(call.emu.find("product", wanted), params, "/v1/products")


@route("GET", "/v1/products/{id}", ProductRetrieveParams)
def retrieve_product(call: Call) -> Obj:
    return call.emu.render(call.emu.get(call.path["id"], "product"))


@route("POST", "/v1/products/{id}", ProductUpdateParams)
def update_product(call: Call) -> Obj:
    product = call.emu.get(call.path["id"], "product")
    before = call.emu.render(product)
    _apply_product(call.emu, product, call.params)
    return emit_update(call.emu, "product.updated", product, before)


@route("DELETE", "/v1/products/{id}", ProductDeleteParams)
def delete_product(call: Call) -> Obj:
    product = call.emu.get(call.path["id"], "product")
    require(
        not call.emu.find("price", lambda p: p["product"] == product["id"]),
        "This product cannot be deleted because it has one or more user-created prices.",
    )
    product["deleted"] = True
    call.emu.emit("product.deleted", product)
    return {"id": product["id"], "object": "product", "deleted": True}


# -- prices ---------------------------------------------------------------------


def _currency(value: str) -> str:
    currency = value.lower()
    if re.fullmatch(r"[a-z]{3}", currency) is None:
        raise invalid(f"Invalid currency: {value}.", param="currency")
    return currency


def _recurring(spec: Obj | None, param: str) -> Obj | None:
    if spec is None:
        return None
    interval = spec["interval"]
    if interval not in _MAX_INTERVAL_COUNT:
        raise invalid(
            f"Invalid {param}[interval]: must be one of day, month, week, or year",
            param=f"{param}[interval]",
            code="parameter_invalid_enum",
        )
    count = spec.get("interval_count", 1)
    if not 1 <= count <= _MAX_INTERVAL_COUNT[interval]:
        raise invalid(
            "The maximum billing interval is three years (e.g. 3 years, 36 months, or 156 weeks) "
            "and interval_count must be at least 1.",
            param=f"{param}[interval_count]",
        )
    return {
        "interval": interval,
        "interval_count": count,
        "meter": spec.get("meter"),
        "trial_period_days": spec.get("trial_period_days"),
        "usage_type": spec.get("usage_type", "licensed"),
    }


def _amount(params: Obj, name: Callable[[str], str]) -> tuple[int | None, str | None, Obj | None]:
    """`(unit_amount, unit_amount_decimal, custom_unit_amount)` from the create params."""
    exclusive(params, "unit_amount", "unit_amount_decimal", "custom_unit_amount")
    custom = params.get("custom_unit_amount")
    if custom is not None:
        require(
            "recurring" not in params,
            "custom_unit_amount is only supported for one-time prices.",
            param=name("custom_unit_amount"),
        )
        return (
            None,
            None,
            {
                "maximum": custom.get("maximum"),
                "minimum": custom.get("minimum"),
                "preset": custom.get("preset"),
            },
        )
    if "unit_amount_decimal" in params:
        decimal = params["unit_amount_decimal"]
        require(
            decimal >= 0,
            "unit_amount_decimal must be at least 0.",
            param=name("unit_amount_decimal"),
        )
        whole = int(decimal) if decimal == int(decimal) else None
        return whole, format(decimal.normalize(), "f"), None
    if "unit_amount" not in params:
        raise missing_param(name("unit_amount"))
    amount = params["unit_amount"]
    require(
        amount >= 0, "Invalid integer: unit_amount must be at least 0.", param=name("unit_amount")
    )
    return amount, str(amount), None


def _transfer_needs_lookup_key(params: Obj) -> None:
    if params.get("transfer_lookup_key") and "lookup_key" not in params:
        raise invalid(
            "transfer_lookup_key can only be used together with lookup_key.",
            param="transfer_lookup_key",
        )


def _claim_lookup_key(emu: Emulator, key: str, transfer: bool, price_id: str | None) -> None:
    holder = next(
        (p for p in emu.find("price") if p["lookup_key"] == key and p["id"] != price_id), None
    )
    if holder is None:
        return
    if not transfer:
        raise StripeError(
            f"A price (`{holder['id']}`) already uses that lookup key.", param="lookup_key"
        )
    holder["lookup_key"] = None


def _new_price(emu: Emulator, params: Obj, context: str = "") -> Obj:
    """A price from create params (or a product's `default_price_data`, `context` naming it)."""

    def name(key: str) -> str:
        return f"{context}[{key}]" if context else key

    for key in _UNMODELLED:
        if key in params:
            raise invalid(f"This emulator does not model {key} on prices.", param=name(key))
    require(
        params.get("billing_scheme", "per_unit") == "per_unit",
        "This emulator only models per_unit prices.",
        param=name("billing_scheme"),
    )
    exclusive(params, "product", "product_data")
    if "product" in params:
        product = referenced(emu, params["product"], "product", "product", "product")
    elif "product_data" in params:
        product = _new_product(emu, params["product_data"])
        emu.emit("product.created", product)
    else:
        raise invalid("You must specify either `product` or `product_data` when creating a price.")
    unit_amount, decimal, custom = _amount(params, name)
    lookup_key = params.get("lookup_key")
    _transfer_needs_lookup_key(params)
    if lookup_key is not None:
        _claim_lookup_key(emu, lookup_key, params.get("transfer_lookup_key", False), None)
    recurring = _recurring(params.get("recurring"), name("recurring"))
    return emu.create(
        "price",
        "price",
        {
            "active": params.get("active", True),
            "billing_scheme": "per_unit",
            "currency": _currency(params["currency"]),
            "custom_unit_amount": custom,
            "lookup_key": lookup_key,
            "metadata": apply_metadata({}, params.get("metadata", {})),
            "nickname": params.get("nickname"),
            "product": product["id"],
            "recurring": recurring,
            "tax_behavior": params.get("tax_behavior", "unspecified"),
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": decimal,
        },
    )


@includable("price", "currency_options")
def price_currency_options(emu: Emulator, price: Obj) -> Obj:
    """A price's `currency_options` when expanded (Stripe leaves them out otherwise): one
    currency per price here, the price's own."""
    return {
        price["currency"]: {
            "custom_unit_amount": price["custom_unit_amount"],
            "tax_behavior": price["tax_behavior"],
            "unit_amount": price["unit_amount"],
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
    }


@route("POST", "/v1/prices", PriceCreateParams)
def create_price(call: Call) -> Obj:
    price = _new_price(call.emu, call.params)
    call.emu.emit("price.created", price)
    return call.emu.render(price)


def _price_matches(price: Obj, params: Obj) -> bool:
    recurring: dict[str, Any] = params.get("recurring") or {}
    shape: dict[str, Any] = price["recurring"] or {}
    return (
        all(price[key] == params[key] for key in ("active", "product", "type") if key in params)
        and ("currency" not in params or price["currency"] == params["currency"].lower())
        and ("lookup_keys" not in params or price["lookup_key"] in params["lookup_keys"])
        and all(shape.get(key) == value for key, value in recurring.items())
        and created_filter(params.get("created"))(price["created"])
    )


@route("GET", "/v1/prices", PriceListParams)
def list_prices(call: Call) -> Obj:
    found = call.emu.find("price", lambda price: _price_matches(price, call.params))
    return call.emu.page(found, call.params, "/v1/prices")


@route("GET", "/v1/prices/{price}", PriceRetrieveParams)
def retrieve_price(call: Call) -> Obj:
    return call.emu.render(call.emu.get(call.path["price"], "price"))


@route("POST", "/v1/prices/{price}", PriceUpdateParams)
def update_price(call: Call) -> Obj:
    params = call.params
    price = call.emu.get(call.path["price"], "price")
    before = call.emu.render(price)
    for key in _UNMODELLED:
        if key in params:
            raise invalid(f"This emulator does not model {key} on prices.", param=key)
    _transfer_needs_lookup_key(params)
    if "lookup_key" in params:
        _claim_lookup_key(
            call.emu, params["lookup_key"], params.get("transfer_lookup_key", False), price["id"]
        )
        price["lookup_key"] = params["lookup_key"]
    if "tax_behavior" in params and params["tax_behavior"] != price["tax_behavior"]:
        require(
            price["tax_behavior"] == "unspecified",
            "tax_behavior cannot be changed once it has been set to inclusive or exclusive.",
            param="tax_behavior",
        )
        price["tax_behavior"] = params["tax_behavior"]
    for key in ("active", "nickname"):
        if key in params:
            price[key] = params[key]
    if "metadata" in params:
        price["metadata"] = apply_metadata(price["metadata"], params["metadata"])
    return emit_update(call.emu, "price.updated", price, before)
