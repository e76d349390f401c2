"""Payment method configurations (`pmc_...`): which payment methods a checkout or a portal
offers. This emulator offers cards only, so a configuration models `card` (its display
preference), `name` and `active`; any other payment method is refused by name rather than
ignored. A portal configuration's `payment_method_update.payment_method_configuration` and a
setup intent's `payment_method_configuration` must name an existing, active one.
"""

from __future__ import annotations

from typing import Any

from stripe.params import (
    PaymentMethodConfigurationCreateParams,
    PaymentMethodConfigurationListParams,
    PaymentMethodConfigurationRetrieveParams,
    PaymentMethodConfigurationUpdateParams,
)

from ..errors import invalid
from ..router import Call, route
from ..state import Emulator, Obj, renderer
from .common import referenced

OBJECT = "payment_method_configuration"
PATH = "/v1/payment_method_configurations"
_MODELLED = {"name", "card", "expand", "active", "parent"}


@renderer(OBJECT)
def render_payment_method_configuration(emu: Emulator, config: Obj) -> Obj:
    """Stripe's shape has no `created` (kept here only to list newest first)."""
    return {key: value for key, value in config.items() if key != "created"}


def _card(params: Obj, current: str) -> Obj:
    preference = ((params.get("card") or {}).get("display_preference") or {}).get(
        "preference", current
    )
    return {
        "available": True,
        "display_preference": {
            "overridable": None,
            "preference": preference,
            "value": "off" if preference == "off" else "on",
        },
    }


def _modelled(params: Obj) -> None:
    for key in params:
        if key not in _MODELLED:
            raise invalid(f"This emulator offers cards only and does not model {key}.", param=key)
    if params.get("parent"):
        raise invalid("This emulator does not model Connect (parent).", param="parent")


def usable_configuration(emu: Emulator, config_id: Any, param: str) -> Obj:
    """An active configuration a request names, or Stripe's error naming `param`."""
    config = referenced(emu, config_id, OBJECT, "payment method configuration", param)
    if not config["active"]:
        raise invalid(f"The payment method configuration {config_id} is not active.", param=param)
    return config


@route("POST", PATH, PaymentMethodConfigurationCreateParams)
def create_payment_method_configuration(call: Call) -> Obj:
    _modelled(call.params)
    config = call.emu.create(
        "pmc",
        OBJECT,
        {
            "active": True,
            "application": None,
            "card": _card(call.params, "on"),
            "is_default": False,
            "name": call.params.get("name") or "Payment method configuration",
            "parent": None,
        },
    )
    return call.emu.render(config)


@route("GET", PATH, PaymentMethodConfigurationListParams)
def list_payment_method_configurations(call: Call) -> Obj:
    if call.params.get("application"):
        raise invalid("This emulator does not model Connect (application).", param="application")
    active = call.params.get("active")
    found = call.emu.find(OBJECT, lambda c: active is None or c["active"] == active)
    return call.emu.page(found, call.params, PATH)


def _configuration(call: Call) -> Obj:
    return call.emu.get(call.path["config"], OBJECT, noun="payment method configuration")


@route("GET", PATH + "/{config}", PaymentMethodConfigurationRetrieveParams)
def retrieve_payment_method_configuration(call: Call) -> Obj:
    return call.emu.render(_configuration(call))


@route("POST", PATH + "/{config}", PaymentMethodConfigurationUpdateParams)
def update_payment_method_configuration(call: Call) -> Obj:
    config = _configuration(call)
    _modelled(call.params)
    if "name" in call.params:
        config["name"] = call.params["name"]
    if "active" in call.params:
        config["active"] = bool(call.params["active"])
    if "card" in call.params:
        config["card"] = _card(call.params, config["card"]["display_preference"]["preference"])
    return call.emu.render(config)
