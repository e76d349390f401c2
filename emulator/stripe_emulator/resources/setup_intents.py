"""Setup intents: how a customer saves a card for later (the portal's "add payment method").

Confirming with a test card attaches a clone of it to the customer; a declining
test card fails the setup with Stripe's 402 card_error and `last_setup_error`.
Under API endive `payment_method_types` is no longer writable.
"""

from __future__ import annotations

import secrets

from stripe.params import (
    SetupIntentCancelParams,
    SetupIntentConfirmParams,
    SetupIntentCreateParams,
    SetupIntentListParams,
    SetupIntentRetrieveParams,
    SetupIntentUpdateParams,
)

from ..errors import StripeError, invalid
from ..item_changes import unsupported
from ..router import Call, route
from ..state import Emulator, Obj, require
from .cards import card_of, decline_error
from .common import apply_metadata, created_filter, exclusive, referenced
from .payment_method_configurations import usable_configuration
from .payment_methods import attach, resolve

_CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
_UNMODELLED = (
    "confirmation_token",
    "customer_account",
    "mandate_data",
    "on_behalf_of",
    "payment_method_data",
    "single_use",
    "attach_to_self",
    "flow_directions",
)
_RETURN_URL = (
    "A return_url must be specified because this Setup Intent is configured to automatically "
    "accept the payment methods enabled in the Dashboard, some of which may require a full page "
    "redirect to succeed. If you do not want to accept redirect-based payment methods, set "
    "automatic_payment_methods[enabled] to true and automatic_payment_methods[allow_redirects] "
    "to never when creating Setup Intents and Payment Intents."
)


# The SDK no longer has `payment_method_types`; naming it lets the handler answer with
# Stripe's own error code instead of a generic unknown-parameter error.
class _CreateParams(SetupIntentCreateParams, total=False):
    payment_method_types: list[str]


class _UpdateParams(SetupIntentUpdateParams, total=False):
    payment_method_types: list[str]


# The SDK's forward references resolve in its own module's namespace.
_CreateParams.__module__ = SetupIntentCreateParams.__module__
_UpdateParams.__module__ = SetupIntentUpdateParams.__module__


def _reject_unsupported(params: Obj) -> None:
    if "payment_method_types" in params:
        raise invalid(
            "The `payment_method_types` parameter is no longer supported in this API version. "
            "Use `allowed_payment_method_types`, `excluded_payment_method_types`, or dynamic "
            "payment methods instead.",
            param="payment_method_types",
            code="payment_method_types_no_longer_supported",
        )
    for key in _UNMODELLED:
        if key in params:
            raise invalid(f"This emulator does not model {key} on setup intents.", param=key)
    options = params.get("payment_method_options") or {}
    for key in sorted(set(dict.keys(options)) - {"card"}):
        raise unsupported(f"payment_method_options[{key}]", "setup intents (cards only)")
    for key in sorted(set(dict.keys(options.get("card") or {})) - {"request_three_d_secure"}):
        raise unsupported(f"payment_method_options[card][{key}]", "setup intents")
    exclusive(
        params,
        "allowed_payment_method_types",
        "excluded_payment_method_types",
        "automatic_payment_methods",
    )
    # A payment method configuration picks the dynamic payment methods; it cannot sit
    # beside an explicit type list.
    exclusive(params, "allowed_payment_method_types", "payment_method_configuration")


def _apply(emu: Emulator, intent: Obj, params: Obj) -> None:
    """Settable fields shared by create and update."""
    if "customer" in params:
        intent["customer"] = referenced(
            emu, params["customer"], "customer", "customer", "customer"
        )["id"]
    if "description" in params:
        intent["description"] = params["description"]
    if "metadata" in params:
        intent["metadata"] = apply_metadata(intent["metadata"], params["metadata"])
    if "allowed_payment_method_types" in params:
        allowed = params["allowed_payment_method_types"]
        intent["allowed_payment_method_types"] = allowed
        intent["automatic_payment_methods"] = None
        # Stripe silently drops what it cannot offer; this emulator offers cards only.
        intent["payment_method_types"] = [t for t in allowed if t == "card"]
    if "excluded_payment_method_types" in params:
        intent["excluded_payment_method_types"] = params["excluded_payment_method_types"] or None
    if "payment_method_configuration" in params:
        config = usable_configuration(
            emu, params["payment_method_configuration"], "payment_method_configuration"
        )
        intent["payment_method_configuration_details"] = {"id": config["id"], "parent": None}
    if "payment_method_options" in params:
        card = params["payment_method_options"].get("card", {})
        if "request_three_d_secure" in card:
            intent["payment_method_options"]["card"]["request_three_d_secure"] = card[
                "request_three_d_secure"
            ]
    if "payment_method" in params:
        intent["payment_method"] = _payment_method_for(emu, intent, params["payment_method"])
        intent["status"] = "requires_confirmation"


def _payment_method_for(emu: Emulator, intent: Obj, pm_id: str) -> str:
    pm = resolve(emu, pm_id, "payment_method")
    owner = pm["customer"]
    if owner is not None and owner != intent["customer"]:
        raise invalid(
            f"The provided PaymentMethod `{pm['id']}` is attached to another customer and cannot "
            "be used with this SetupIntent.",
            param="payment_method",
        )
    automatic = intent["automatic_payment_methods"] or {}
    require(
        pm["type"] in intent["payment_method_types"] or bool(automatic.get("enabled")),
        f"The PaymentMethod provided ({pm['type']}) is not allowed for this SetupIntent. "
        "Please attach a PaymentMethod of one of the following types: "
        f"{', '.join(intent['payment_method_types'])}.",
        param="payment_method",
    )
    return str(pm["id"])


def _secret(emu: Emulator) -> str:
    return emu.new_id("x")[2:] + secrets.token_hex(4)


@route("POST", "/v1/setup_intents", _CreateParams, inert=("use_stripe_sdk",))
def create_setup_intent(call: Call) -> Obj:
    params = call.params
    _reject_unsupported(params)
    _return_url_needs_confirm(params)
    intent_id = call.emu.new_id("seti")
    automatic = params.get("automatic_payment_methods", {"enabled": True})
    intent = call.emu.put(
        {
            "id": intent_id,
            "object": "setup_intent",
            "allowed_payment_method_types": None,
            "application": None,
            "automatic_payment_methods": {
                "allow_redirects": automatic.get("allow_redirects", "always"),
                "enabled": automatic["enabled"],
            },
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{_secret(call.emu)}",
            "created": call.emu.now(params.get("customer")),
            "customer": None,
            "customer_account": None,
            "description": None,
            "excluded_payment_method_types": None,
            "flow_directions": None,
            "last_setup_error": None,
            "latest_attempt": None,
            "livemode": False,
            "mandate": None,
            "metadata": {},
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {
                "card": {
                    "mandate_options": None,
                    "network": None,
                    "request_three_d_secure": "automatic",
                }
            },
            "payment_method_types": ["card"],
            "single_use_mandate": None,
            "status": "requires_payment_method",
            "usage": params.get("usage", "off_session"),
        }
    )
    _apply(call.emu, intent, params)
    call.emu.emit("setup_intent.created", intent)
    if params.get("confirm"):
        _confirm(call.emu, intent, params)
    return call.emu.render(intent)


def _return_url_needs_confirm(params: Obj) -> None:
    if "return_url" in params and not params.get("confirm"):
        raise invalid("return_url can only be passed when confirm is true.", param="return_url")


def _confirm(emu: Emulator, intent: Obj, params: Obj) -> None:
    require(
        intent["status"] in ("requires_payment_method", "requires_confirmation"),
        f"You cannot confirm this SetupIntent because it has a status of {intent['status']}.",
        code="setup_intent_unexpected_state",
    )
    # Where a redirect would return; card confirmations never redirect, so it is only
    # required, as on Stripe, when redirect-based methods are allowed.
    return_url = params.get("return_url")
    automatic = intent["automatic_payment_methods"]
    if automatic and automatic["enabled"] and automatic["allow_redirects"] != "never":
        require(return_url is not None, _RETURN_URL)
    if "payment_method" in params and intent["payment_method"] != params["payment_method"]:
        intent["payment_method"] = _payment_method_for(emu, intent, params["payment_method"])
    pm_id = intent["payment_method"]
    if pm_id is None:
        raise invalid(
            "You cannot confirm this SetupIntent because it's missing a payment method. You can "
            "either update the SetupIntent with a payment method and then confirm it again, or "
            "confirm it again directly with a payment method.",
            param="payment_method",
            code="setup_intent_unexpected_state",
        )
    card = card_of(emu, pm_id)
    if card is not None and card.declines_setup and card.decline is not None:
        _fail(emu, intent, decline_error(card.decline))
    if intent["customer"] is not None:
        attach(emu, pm_id, intent["customer"])
    intent["status"] = "succeeded"
    intent["last_setup_error"] = None
    emu.emit("setup_intent.succeeded", intent)


def _fail(emu: Emulator, intent: Obj, error: StripeError) -> None:
    """Record the decline on the intent (which goes back to needing a method) and raise it."""
    failed_pm = emu.render(emu.objects[intent["payment_method"]])
    body = error.body("")["error"]
    body.pop("request_log_url", None)
    intent["last_setup_error"] = {
        **body,
        "payment_method": failed_pm,
        "payment_method_type": "card",
    }
    intent["payment_method"] = None
    intent["status"] = "requires_payment_method"
    emu.emit("setup_intent.setup_failed", intent)
    error.extra.update({"payment_method": failed_pm, "setup_intent": emu.render(intent)})
    raise error


@route("GET", "/v1/setup_intents", SetupIntentListParams)
def list_setup_intents(call: Call) -> Obj:
    params = call.params
    if "attach_to_self" in params:
        raise unsupported("attach_to_self", "setup intents")
    created = created_filter(params.get("created"))

    def wanted(intent: Obj) -> bool:
        return bool(
            created(intent["created"])
            and params.get("customer", intent["customer"]) == intent["customer"]
            and params.get("payment_method", intent["payment_method"]) == intent["payment_method"]
        )

    return call.emu.page(call.emu.find("setup_intent", wanted), params, "/v1/setup_intents")


def _intent(call: Call) -> Obj:
    return call.emu.get(call.path["intent"], "setup_intent", noun="setup_intent", param="intent")


@route("GET", "/v1/setup_intents/{intent}", SetupIntentRetrieveParams, inert=("client_secret",))
def retrieve_setup_intent(call: Call) -> Obj:
    return call.emu.render(_intent(call))


@route("POST", "/v1/setup_intents/{intent}", _UpdateParams)
def update_setup_intent(call: Call) -> Obj:
    intent = _intent(call)
    _reject_unsupported(call.params)
    require(
        intent["status"] in _CANCELABLE,
        f"You cannot update this SetupIntent because it has a status of {intent['status']}.",
        code="setup_intent_unexpected_state",
    )
    _apply(call.emu, intent, call.params)
    return call.emu.render(intent)


@route(
    "POST",
    "/v1/setup_intents/{intent}/confirm",
    SetupIntentConfirmParams,
    inert=("use_stripe_sdk",),
)
def confirm_setup_intent(call: Call) -> Obj:
    intent = _intent(call)
    _reject_unsupported(call.params)
    if "allowed_payment_method_types" in call.params:
        allowed = call.params["allowed_payment_method_types"]
        _apply(call.emu, intent, {"allowed_payment_method_types": allowed})
    if "payment_method_options" in call.params:
        options = call.params["payment_method_options"]
        _apply(call.emu, intent, {"payment_method_options": options})
    _confirm(call.emu, intent, call.params)
    return call.emu.render(intent)


@route("POST", "/v1/setup_intents/{intent}/cancel", SetupIntentCancelParams)
def cancel_setup_intent(call: Call) -> Obj:
    intent = _intent(call)
    require(
        intent["status"] in _CANCELABLE,
        f"You cannot cancel this SetupIntent because it has a status of {intent['status']}. "
        "Only a SetupIntent with one of the following statuses may be canceled: "
        f"{', '.join(_CANCELABLE)}.",
        code="setup_intent_unexpected_state",
    )
    intent["status"] = "canceled"
    intent["cancellation_reason"] = call.params.get("cancellation_reason")
    call.emu.emit("setup_intent.canceled", intent)
    return call.emu.render(intent)
