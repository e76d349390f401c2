"""Customer portal sessions (`bps_...`): a URL that opens the portal for one customer.

Creating one checks what Stripe checks: the customer, an active configuration
(the default when none is named), and a deep-link `flow_data` whose feature is
enabled and whose subscription belongs to the customer. The URL points at the
emulator's own host, where a small page stands in for the hosted portal.
"""

from __future__ import annotations

import html
import secrets
from typing import Any

from aiohttp import web
from stripe.params.billing_portal import SessionCreateParams

from ..errors import invalid, missing_param
from ..router import Call, page, route
from ..state import Emulator, Obj, require
from .billing_portal_configurations import OBJECT as CONFIGURATION
from .common import referenced

_NO_DEFAULT = (
    "No configuration provided and your test mode default configuration has not been created. "
    "Provide a configuration or create your default by saving your customer portal settings in "
    "test mode at https://dashboard.stripe.com/test/settings/billing/portal."
)
# The feature each flow needs enabled in the configuration.
_FLOW_FEATURE = {
    "customer_update": "customer_update",
    "payment_method_update": "payment_method_update",
    "subscription_cancel": "subscription_cancel",
    "subscription_pause": "subscription_pause",
    "subscription_update": "subscription_update",
    "subscription_update_confirm": "subscription_update",
}
_SUBSCRIPTION_FLOWS = (
    "subscription_cancel",
    "subscription_pause",
    "subscription_update",
    "subscription_update_confirm",
)
_ENDED = ("canceled", "incomplete_expired")


def _configuration(emu: Emulator, config_id: str | None) -> Obj:
    if config_id is None:
        default = emu.find(CONFIGURATION, lambda c: c["is_default"])
        require(bool(default), _NO_DEFAULT)
        config = default[0]
    else:
        config = referenced(emu, config_id, CONFIGURATION, "configuration", "configuration")
    require(
        config["active"],
        f"The configuration `{config['id']}` is not active. Only active configurations can be "
        "used to create portal sessions.",
        param="configuration",
    )
    return config


def _subscription(emu: Emulator, customer: str, sub_id: str, param: str) -> Obj:
    sub = emu.objects.get(sub_id)
    if sub is None or sub["object"] != "subscription" or sub.get("customer") != customer:
        raise invalid(f"No such subscription: '{sub_id}'", param=param, code="resource_missing")
    require(
        sub.get("status") not in _ENDED,
        f"The subscription `{sub_id}` is {sub.get('status')} and cannot be managed in the portal.",
        param=param,
    )
    return sub


def _items_of(emu: Emulator, sub: Obj) -> list[Obj]:
    return [
        o
        for o in emu.of_type("subscription_item")
        if o.get("subscription") == sub["id"] and not o.get("deleted")
    ]


def _price_id(value: Any) -> str:
    return str(value["id"] if isinstance(value, dict) else value)


def _check_update_confirm(emu: Emulator, config: Obj, sub: Obj, spec: Obj) -> None:
    """Stripe's rules for a confirm-a-change deep link: one item, a price the config allows."""
    base = "flow_data[subscription_update_confirm]"
    items = spec["items"]
    require(
        len(items) == 1,
        "Currently, only up to one item may be specified.",
        param=f"{base}[items]",
    )
    current = _items_of(emu, sub)
    require(
        len(current) == 1,
        f"The subscription `{sub['id']}` has multiple items and cannot be updated in the portal.",
        param=f"{base}[subscription]",
    )
    item = items[0]
    require(
        item["id"] == current[0]["id"],
        f"No such subscription item: '{item['id']}'",
        param=f"{base}[items][0][id]",
        code="resource_missing",
    )
    if "price" not in item:
        return
    price = referenced(emu, item["price"], "price", "price", f"{base}[items][0][price]")
    allowed = {
        price_id
        for product in config["features"]["subscription_update"]["products"]
        for price_id in product["prices"]
    }
    require(
        price["id"] in allowed,
        f"The item `{item['id']}` cannot be updated to price `{price['id']}` because the "
        f"configuration `{config['id']}` does not include the price in its "
        "`features[subscription_update][products]`.",
        param=f"{base}[items][0][price]",
    )
    old = emu.objects.get(_price_id(current[0].get("price")))
    old_recurring = (old or {}).get("recurring") or {}
    new_recurring = price.get("recurring") or {}
    same_interval = all(
        old_recurring.get(key) == new_recurring.get(key) for key in ("interval", "interval_count")
    )
    require(
        same_interval,
        "The customer portal cannot update this subscription to a price with a different "
        "billing interval.",
        param=f"{base}[items][0][price]",
    )


def _after_completion(spec: Obj | None) -> Obj:
    spec = spec or {"type": "portal_homepage"}
    kind = spec["type"]
    if kind == "redirect" and "redirect" not in spec:
        raise missing_param("flow_data[after_completion][redirect]")
    for key in ("redirect", "hosted_confirmation"):
        require(
            key not in spec or kind == key,
            f"flow_data[after_completion][{key}] can only be set when "
            f"flow_data[after_completion][type] is {key}.",
            param=f"flow_data[after_completion][{key}]",
        )
    confirmation = spec.get("hosted_confirmation")
    return {
        "hosted_confirmation": (
            {"custom_message": (confirmation or {}).get("custom_message")}
            if kind == "hosted_confirmation"
            else None
        ),
        "redirect": {"return_url": spec["redirect"]["return_url"]} if kind == "redirect" else None,
        "type": kind,
    }


def _flow(emu: Emulator, config: Obj, customer: str, data: Obj) -> Obj:
    kind = data["type"]
    feature = config["features"][_FLOW_FEATURE[kind]]
    require(
        feature["enabled"],
        f"The flow type `{kind}` cannot be used because `features[{_FLOW_FEATURE[kind]}]` is "
        f"not enabled in the configuration `{config['id']}`.",
        param="flow_data[type]",
    )
    flow: Obj = {
        "after_completion": _after_completion(data.get("after_completion")),
        "customer_update": {} if kind == "customer_update" else None,
        "subscription_cancel": None,
        "subscription_pause": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
        "type": kind,
    }
    for other in _SUBSCRIPTION_FLOWS:
        require(
            other not in data or other == kind,
            f"flow_data[{other}] can only be set when flow_data[type] is {other}.",
            param=f"flow_data[{other}]",
        )
    if kind not in _SUBSCRIPTION_FLOWS:
        return flow
    if kind not in data:
        raise missing_param(f"flow_data[{kind}]")
    spec = data[kind]
    sub = _subscription(emu, customer, spec["subscription"], f"flow_data[{kind}][subscription]")
    if kind == "subscription_cancel":
        retention = spec.get("retention")
        if retention is not None:
            coupon = retention["coupon_offer"]["coupon"]
            referenced(
                emu,
                coupon,
                "coupon",
                "coupon",
                "flow_data[subscription_cancel][retention][coupon_offer][coupon]",
            )
            retention = {"coupon_offer": {"coupon": coupon}, "type": "coupon_offer"}
        flow[kind] = {"retention": retention, "subscription": sub["id"]}
    elif kind == "subscription_update_confirm":
        _check_update_confirm(emu, config, sub, spec)
        flow[kind] = {
            "discounts": [
                {"coupon": d.get("coupon"), "promotion_code": d.get("promotion_code")}
                for d in spec.get("discounts", [])
            ]
            or None,
            "items": [
                {"id": i["id"], "price": i.get("price"), "quantity": i.get("quantity")}
                for i in spec["items"]
            ],
            "subscription": sub["id"],
        }
    else:
        flow[kind] = {"subscription": sub["id"]}
    return flow


@route("POST", "/v1/billing_portal/sessions", SessionCreateParams)
def create_session(call: Call) -> Obj:
    params = call.params
    for key in ("customer_account", "on_behalf_of"):
        if key in params:
            raise invalid(f"This emulator does not model {key} on portal sessions.", param=key)
    if "customer" not in params:
        raise missing_param("customer")
    customer = referenced(call.emu, params["customer"], "customer", "customer", "customer")
    config = _configuration(call.emu, params.get("configuration"))
    flow = (
        _flow(call.emu, config, customer["id"], params["flow_data"])
        if "flow_data" in params
        else None
    )
    expiration = params.get("after_expiration")
    token = secrets.token_urlsafe(24)
    session = call.emu.create(
        "bps",
        "billing_portal.session",
        {
            "after_expiration": (
                {
                    "customer_login": {
                        "expires_at": (expiration.get("customer_login") or {}).get("expires_at")
                    },
                    "type": expiration["type"],
                }
                if expiration
                else None
            ),
            "configuration": config["id"],
            "customer": customer["id"],
            "customer_account": None,
            "flow": flow,
            "locale": params.get("locale"),
            "on_behalf_of": None,
            "return_url": params.get("return_url", config["default_return_url"]),
            "url": f"{call.request.scheme}://{call.request.host}/p/session/test_{token}",
            "_token": token,
        },
        customer=customer["id"],
    )
    call.emu.emit("billing_portal.session.created", session)
    return call.emu.render(session)


@page("GET", "/p/session/test_{token}")
async def portal_page(request: web.Request) -> web.Response:
    """A stand-in for the hosted portal, so the session URL leads somewhere real."""
    from ..app import RUNTIME

    emu = request.app[RUNTIME].emu
    token = request.match_info["token"]
    found = emu.find("billing_portal.session", lambda s: s.get("_token") == token)
    if not found:
        raise web.HTTPNotFound(text="This portal session does not exist.")
    session = found[0]
    customer = emu.objects[session["customer"]]
    who = html.escape(customer.get("name") or customer.get("email") or customer["id"])
    flow = session["flow"]["type"] if session["flow"] else "portal_homepage"
    back = session["return_url"]
    link = f'<p><a href="{html.escape(back)}">Return</a></p>' if back else ""
    body = (
        f"<!doctype html><title>Customer portal</title><h1>Customer portal</h1>"
        f"<p>Signed in as {who}.</p><p>Configuration {html.escape(session['configuration'])}, "
        f"flow {html.escape(flow)}.</p>{link}"
    )
    return web.Response(text=body, content_type="text/html")
