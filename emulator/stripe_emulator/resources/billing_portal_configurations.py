"""Customer portal configurations (`bpc_...`): Stripe's feature toggles and their rules.

The first configuration created becomes the default. There is no delete; an
inactive configuration cannot start sessions. `features.subscription_update.products`
is an includable field: returned only when the request expands it.
"""

from __future__ import annotations

import secrets
from typing import Any

from stripe.params.billing_portal import (
    ConfigurationCreateParams,
    ConfigurationListParams,
    ConfigurationRetrieveParams,
    ConfigurationUpdateParams,
)

from ..clone import clone
from ..errors import invalid, missing_param
from ..router import Call, route
from ..state import Emulator, Obj, renderer, require
from .common import apply_metadata, emit_update, optional, referenced

OBJECT = "billing_portal.configuration"
PRODUCTS_PATH = "features.subscription_update.products"
_FEATURES = "features"
_MAX_PRODUCTS = 10
_MAX_PAUSE_DAYS = 3 * 366
_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}


def default_features() -> Obj:
    """What a configuration has for each feature the request leaves out."""
    return {
        "customer_update": {"allowed_updates": [], "enabled": False},
        "invoice_history": {"enabled": False},
        "payment_method_update": {"enabled": False, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {"enabled": False, "feedback_options": None, "options": []},
            "enabled": False,
            "mode": "at_period_end",
            "proration_behavior": "none",
        },
        "subscription_pause": {
            "duration": {
                "interval_options": [{"interval": "month", "interval_count": 1}],
                "type": "interval_options",
            },
            "enabled": False,
        },
        "subscription_update": {
            "billing_cycle_anchor": "unchanged",
            "default_allowed_updates": [],
            "enabled": False,
            "products": [],
            "proration_behavior": "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    }


@renderer(OBJECT)
def render_configuration(emu: Emulator, config: Obj) -> Obj:
    shape = clone(config)
    shape[_FEATURES]["subscription_update"].pop("products", None)
    return shape


def _list_value(value: Any) -> list[Any]:
    return [] if value in ("", None) else list(value)


def _feedback_options(emu: Emulator, ids: Any) -> list[str]:
    """Ids of existing `billing.feedback_option` objects (Stripe's `No such` otherwise)."""
    param = "features[subscription_cancel][cancellation_reason][feedback_options]"
    return [
        referenced(emu, option, "billing.feedback_option", "feedback option", f"{param}[{i}]")["id"]
        for i, option in enumerate(_list_value(ids))
    ]


def _products(emu: Emulator, specs: Any) -> list[Obj]:
    specs = _list_value(specs)
    param = "features[subscription_update][products]"
    if len(specs) > _MAX_PRODUCTS:
        raise invalid(
            f"Invalid array: {param} can have at most {_MAX_PRODUCTS} items.", param=param
        )
    seen: set[str] = set()
    products = []
    for index, spec in enumerate(specs):
        at = f"{param}[{index}]"
        product = referenced(emu, spec["product"], "product", "product", f"{at}[product]")
        require(
            product["id"] not in seen,
            f"The product `{product['id']}` is listed more than once.",
            param=f"{at}[product]",
        )
        seen.add(product["id"])
        for position, price_id in enumerate(spec["prices"]):
            price = referenced(emu, price_id, "price", "price", f"{at}[prices][{position}]")
            require(
                price["product"] == product["id"],
                f"The price `{price_id}` does not belong to the product `{product['id']}`.",
                param=f"{at}[prices][{position}]",
            )
        adjustable = spec.get("adjustable_quantity", {"enabled": True})
        minimum, maximum = adjustable.get("minimum", 0), adjustable.get("maximum")
        require(
            maximum is None or minimum <= maximum,
            "The minimum quantity cannot be greater than the maximum quantity.",
            param=f"{at}[adjustable_quantity][minimum]",
        )
        products.append(
            {
                "adjustable_quantity": {
                    "enabled": adjustable["enabled"],
                    "maximum": maximum,
                    "minimum": minimum,
                },
                "prices": list(spec["prices"]),
                "product": product["id"],
            }
        )
    return products


def _merge_features(emu: Emulator, features: Obj, update: Obj) -> None:
    """Apply a `features` param onto stored features (only the keys sent change)."""
    for name in ("customer_update", "invoice_history", "payment_method_update"):
        if name in update:
            features[name].update(update[name])
    if "allowed_updates" in update.get("customer_update", {}):
        features["customer_update"]["allowed_updates"] = _list_value(
            update["customer_update"]["allowed_updates"]
        )
    if "payment_method_configuration" in update.get("payment_method_update", {}):
        features["payment_method_update"]["payment_method_configuration"] = optional(
            update["payment_method_update"]["payment_method_configuration"]
        )
    cancel = update.get("subscription_cancel", {})
    features["subscription_cancel"].update(
        {k: v for k, v in cancel.items() if k != "cancellation_reason"}
    )
    if "cancellation_reason" in cancel:
        reason = cancel["cancellation_reason"]
        stored = features["subscription_cancel"]["cancellation_reason"]
        stored["enabled"] = reason["enabled"]
        if "options" in reason:
            stored["options"] = _list_value(reason["options"])
        if "feedback_options" in reason:
            stored["feedback_options"] = _feedback_options(emu, reason["feedback_options"]) or None
    pause = update.get("subscription_pause", {})
    if "enabled" in pause:
        features["subscription_pause"]["enabled"] = pause["enabled"]
    if "duration" in pause:
        features["subscription_pause"]["duration"] = _pause_duration(pause["duration"])
    _merge_subscription_update(
        emu, features["subscription_update"], update.get("subscription_update", {})
    )


def _merge_subscription_update(emu: Emulator, stored: Obj, update: Obj) -> None:
    for key in ("billing_cycle_anchor", "enabled", "proration_behavior", "trial_update_behavior"):
        if key in update:
            stored[key] = update[key]
    if "default_allowed_updates" in update:
        stored["default_allowed_updates"] = _list_value(update["default_allowed_updates"])
    if "products" in update:
        stored["products"] = _products(emu, update["products"])
    if "schedule_at_period_end" in update:
        conditions = _list_value(update["schedule_at_period_end"].get("conditions"))
        stored["schedule_at_period_end"] = {"conditions": [{"type": c["type"]} for c in conditions]}


def _pause_duration(spec: Obj) -> Obj:
    param = "features[subscription_pause][duration][interval_options]"
    options = _list_value(spec.get("interval_options"))
    if spec["type"] == "interval_options" and not options:
        raise missing_param(param)
    if spec["type"] == "indefinite" and options:
        raise invalid(
            "interval_options can only be set when type is interval_options.", param=param
        )
    shaped = [
        {"interval": o["interval"], "interval_count": o.get("interval_count", 1)} for o in options
    ]
    for index, option in enumerate(shaped):
        require(
            option["interval_count"] >= 1
            and option["interval_count"] * _DAYS[option["interval"]] <= _MAX_PAUSE_DAYS,
            "A pause can last at most three years.",
            param=f"{param}[{index}][interval_count]",
        )
    return {"interval_options": shaped, "type": spec["type"]}


def _validate(features: Obj) -> None:
    """Stripe's cross-field rules, checked on the configuration as it would be saved."""
    cancel = features["subscription_cancel"]
    require(
        cancel["proration_behavior"] != "always_invoice",
        "Invalid features[subscription_cancel][proration_behavior]: always_invoice is not "
        "supported; use none or create_prorations.",
        param="features[subscription_cancel][proration_behavior]",
    )
    require(
        cancel["proration_behavior"] != "create_prorations" or cancel["mode"] == "immediately",
        "features[subscription_cancel][proration_behavior] can only be create_prorations when "
        "features[subscription_cancel][mode] is immediately.",
        param="features[subscription_cancel][proration_behavior]",
    )
    update = features["subscription_update"]
    if update["enabled"]:
        if not update["products"]:
            raise missing_param("features[subscription_update][products]")
        if not update["default_allowed_updates"]:
            raise missing_param("features[subscription_update][default_allowed_updates]")
        require(
            features["payment_method_update"]["enabled"],
            "Cannot enable subscription updates while payment method update is disabled.",
            param="features[subscription_update][enabled]",
        )


def _apply(call: Call, config: Obj, params: Obj) -> None:
    if _FEATURES in params:
        _merge_features(call.emu, config[_FEATURES], params[_FEATURES])
        _validate(config[_FEATURES])
    profile = params.get("business_profile", {})
    headline = profile.get("headline")
    require(
        headline is None or len(headline) <= 60,
        f"Invalid string: {headline}; must be at most 60 characters",
        param="business_profile[headline]",
    )
    config["business_profile"].update({key: optional(value) for key, value in profile.items()})
    for key in ("default_return_url", "name"):
        if key in params:
            config[key] = optional(params[key])
    if "active" in params:
        config["active"] = params["active"]
    if "metadata" in params:
        config["metadata"] = apply_metadata(config["metadata"], params["metadata"])
    if "login_page" in params:
        enabled = params["login_page"]["enabled"]
        origin = f"{call.request.scheme}://{call.request.host}"
        url = config["login_page"]["url"] or f"{origin}/p/login/test_{secrets.token_urlsafe(18)}"
        config["login_page"] = {"enabled": enabled, "url": url if enabled else None}
    config["updated"] = call.emu.now()


def render_for(call: Call, config: Obj, expand_prefix: str = "") -> Obj:
    """Render a configuration, including `products` when the request expands that path."""
    shape = call.emu.render(config)
    if _takes_includable(call, expand_prefix + PRODUCTS_PATH):
        shape[_FEATURES]["subscription_update"]["products"] = clone(
            config[_FEATURES]["subscription_update"]["products"]
        )
    return shape


def _takes_includable(call: Call, path: str) -> bool:
    """Whether `expand` names `path`; it is removed so the generic expander skips it."""
    expand = call.params.get("expand") or []
    if path not in expand:
        return False
    call.params["expand"] = [p for p in expand if p != path]
    return True


@route("POST", "/v1/billing_portal/configurations", ConfigurationCreateParams)
def create_configuration(call: Call) -> Obj:
    is_default = not call.emu.find(OBJECT)
    config: Obj = {
        "id": call.emu.new_id("bpc"),
        "object": OBJECT,
        "active": True,
        "application": None,
        "business_profile": {
            "headline": None,
            "privacy_policy_url": None,
            "terms_of_service_url": None,
        },
        "created": call.emu.now(),
        "default_return_url": None,
        "features": default_features(),
        "is_default": is_default,
        "livemode": False,
        "login_page": {"enabled": False, "url": None},
        "metadata": {},
        "name": None,
        "updated": call.emu.now(),
    }
    _apply(call, config, call.params)
    call.emu.put(config)
    call.emu.emit("billing_portal.configuration.created", config)
    return render_for(call, config)


@route("GET", "/v1/billing_portal/configurations", ConfigurationListParams)
def list_configurations(call: Call) -> Obj:
    params = call.params
    found = call.emu.find(
        OBJECT,
        lambda c: all(c[key] == params[key] for key in ("active", "is_default") if key in params),
    )
    listed = call.emu.page(found, params, "/v1/billing_portal/configurations")
    if _takes_includable(call, "data." + PRODUCTS_PATH):
        for shape in listed["data"]:
            stored = call.emu.objects[shape["id"]]
            shape[_FEATURES]["subscription_update"]["products"] = clone(
                stored[_FEATURES]["subscription_update"]["products"]
            )
    return listed


def _configuration(call: Call) -> Obj:
    return call.emu.get(
        call.path["configuration"], OBJECT, noun="configuration", param="configuration"
    )


@route("GET", "/v1/billing_portal/configurations/{configuration}", ConfigurationRetrieveParams)
def retrieve_configuration(call: Call) -> Obj:
    return render_for(call, _configuration(call))


@route("POST", "/v1/billing_portal/configurations/{configuration}", ConfigurationUpdateParams)
def update_configuration(call: Call) -> Obj:
    config = _configuration(call)
    before = call.emu.render(config)
    draft = clone(config)
    _apply(call, draft, call.params)
    config.update(draft)
    emit_update(call.emu, "billing_portal.configuration.updated", config, before)
    return render_for(call, config)
