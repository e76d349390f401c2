"""The demo data set: a catalog, a default portal configuration, and customers in every state.

It is built through the emulator's own route handlers (`_call` dispatches a
request in-process: same strict params, same code paths, no HTTP), so the
seeded objects are exactly what the API would have made. Customers are tagged
`metadata[demo_role]`; `GET /_emulator/seed` lists them by role.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp.test_utils import make_mocked_request

from . import resources
from .params import validate
from .router import ROUTES, Call, Route, expand_param
from .wire import decode_pairs

if TYPE_CHECKING:
    from .state import Emulator, Obj

ROLE_KEY = "demo_role"
DAY = 86_400
# Where the demo emulator listens by default (`python -m stripe_emulator`).
_HOST = "127.0.0.1:12111"

CATALOG = (
    # product, unit label, monthly and yearly price in cents
    ("Basic", None, 900, 9000),
    ("Pro", "seat", 2000, 20000),
    ("Enterprise", None, 9900, 99000),
)
# Promotion codes customers can type in the demo portal (its configuration allows them):
# (code, coupon parameters; a fixed coupon id keeps the demo build deterministic).
PROMOTION_CODES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "WELCOME20",
        {
            "id": "demo-welcome-offer",
            "name": "Welcome offer",
            "percent_off": 20,
            "duration": "repeating",
            "duration_in_months": 3,
        },
    ),
    (
        "SAVE5",
        {
            "id": "demo-five-off",
            "name": "$5 off",
            "amount_off": 500,
            "currency": "usd",
            "duration": "once",
        },
    ),
)
CANCELLATION_REASONS = [
    "too_expensive",
    "missing_features",
    "switched_service",
    "unused",
    "customer_service",
    "too_complex",
    "low_quality",
    "other",
]


def _pairs(value: Any, prefix: str) -> list[tuple[str, str]]:
    """Stripe's form encoding of a nested value (what the SDK sends)."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _pairs(item, f"{prefix}[{key}]")]
    if isinstance(value, list):
        return [pair for i, item in enumerate(value) for pair in _pairs(item, f"{prefix}[{i}]")]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]


def _route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for candidate in ROUTES:
        if candidate.method != method:
            continue
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", candidate.pattern)
        match = re.fullmatch(pattern, path)
        if match is not None:
            return candidate, match.groupdict()
    raise LookupError(f"no emulator route for {method} {path}")


def _call(emu: Emulator, method: str, path: str, params: Obj | None = None) -> Obj:
    """Run one API request in-process, through the route's params check and handler."""
    found, path_params = _route(method, path)
    pairs = [pair for key, value in (params or {}).items() for pair in _pairs(value, key)]
    checked = validate(decode_pairs(pairs), found.schema) if found.schema else {}
    request = make_mocked_request(method, path, headers={"Host": _HOST})
    call = Call(emu=emu, params=checked, path=path_params, request=request)
    return emu.expand(found.handler(call), expand_param(checked))


def _catalog(emu: Emulator) -> dict[str, Obj]:
    prices: dict[str, Obj] = {}
    for name, unit_label, monthly, yearly in CATALOG:
        product_params: Obj = {"name": name, "metadata": {"demo": "true"}}
        if unit_label:
            product_params["unit_label"] = unit_label
        product = _call(emu, "POST", "/v1/products", product_params)
        key = name.lower()
        for interval, amount in (("month", monthly), ("year", yearly)):
            lookup = f"{key}_{'monthly' if interval == 'month' else 'yearly'}"
            prices[lookup] = _call(
                emu,
                "POST",
                "/v1/prices",
                {
                    "product": product["id"],
                    "currency": "usd",
                    "unit_amount": amount,
                    "recurring": {"interval": interval},
                    "lookup_key": lookup,
                    "nickname": f"{name} {'monthly' if interval == 'month' else 'yearly'}",
                },
            )
        _call(
            emu,
            "POST",
            f"/v1/products/{product['id']}",
            {"default_price": prices[f"{key}_monthly"]["id"]},
        )
    return prices


def _portal_configuration(emu: Emulator, prices: dict[str, Obj]) -> Obj:
    products = []
    for name, _, _, _ in CATALOG:
        key = name.lower()
        monthly, yearly = prices[f"{key}_monthly"], prices[f"{key}_yearly"]
        entry: Obj = {"product": monthly["product"], "prices": [monthly["id"], yearly["id"]]}
        if key == "pro":
            entry["adjustable_quantity"] = {"enabled": True, "minimum": 1, "maximum": 50}
        products.append(entry)
    return _call(
        emu,
        "POST",
        "/v1/billing_portal/configurations",
        {
            "name": "Demo portal",
            "business_profile": {"headline": "Acme Cloud: manage your plan and billing"},
            "default_return_url": "http://localhost:8080/",
            "features": {
                "customer_update": {
                    "enabled": True,
                    "allowed_updates": ["email", "address", "shipping", "phone", "tax_id", "name"],
                },
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "proration_behavior": "none",
                    "cancellation_reason": {"enabled": True, "options": CANCELLATION_REASONS},
                },
                "subscription_pause": {"enabled": True},
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price", "quantity", "promotion_code"],
                    "proration_behavior": "create_prorations",
                    "products": products,
                    "schedule_at_period_end": {
                        "conditions": [
                            {"type": "decreasing_item_amount"},
                            {"type": "shortening_interval"},
                        ]
                    },
                },
            },
        },
    )


def _customer(emu: Emulator, role: str, name: str, *, clock: str | None = None) -> Obj:
    params: Obj = {
        "email": f"{role.replace('_', '-')}@demo.example",
        "name": name,
        "metadata": {ROLE_KEY: role},
        "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},
    }
    if clock is not None:
        params["test_clock"] = clock
    return _call(emu, "POST", "/v1/customers", params)


def _clock(emu: Emulator, name: str, frozen_time: int) -> str:
    clock = _call(
        emu, "POST", "/v1/test_helpers/test_clocks", {"frozen_time": frozen_time, "name": name}
    )
    return str(clock["id"])


def _subscribe(emu: Emulator, customer: Obj, price: Obj, **extra: Any) -> Obj:
    params: Obj = {"customer": customer["id"], "items": [{"price": price["id"]}], **extra}
    if "quantity" in extra:
        params["items"][0]["quantity"] = params.pop("quantity")
    return _call(emu, "POST", "/v1/subscriptions", params)


def _promotion_codes(emu: Emulator) -> None:
    for code, coupon in PROMOTION_CODES:
        made = _call(emu, "POST", "/v1/coupons", coupon)
        _call(
            emu,
            "POST",
            "/v1/promotion_codes",
            {"code": code, "promotion": {"type": "coupon", "coupon": made["id"]}},
        )


def seeded_promotion_codes(emu: Emulator) -> list[str]:
    """The active promotion codes a demo customer can apply, oldest first."""
    codes = emu.find("promotion_code", lambda promo: bool(promo.get("active")))
    return [str(promo["code"]) for promo in reversed(codes)]


def seed_demo(emu: Emulator, now: int | None = None) -> None:
    """Build the demo account in `emu` (before the server starts; no event loop needed)."""
    resources.load()
    now = int(time.time()) if now is None else now
    prices = _catalog(emu)
    _portal_configuration(emu, prices)
    _promotion_codes(emu)

    # (a) A year of paid Pro invoices: the customer lives on a clock started a year ago.
    clock = _clock(emu, "Demo: a year of Pro", now - 365 * DAY)
    active = _customer(emu, "active", "Ada Active", clock=clock)
    _subscribe(emu, active, prices["pro_monthly"], quantity=3)
    _call(emu, "POST", f"/v1/test_helpers/test_clocks/{clock}/advance", {"frozen_time": now})

    # (b) Trialing on Basic.
    trialing = _customer(emu, "trialing", "Tom Trial")
    _subscribe(emu, trialing, prices["basic_monthly"], trial_period_days=14)

    # (c) Enterprise, set to cancel when the period ends.
    leaving = _customer(emu, "canceling", "Cora Canceling")
    sub = _subscribe(emu, leaving, prices["enterprise_monthly"])
    _call(
        emu,
        "POST",
        f"/v1/subscriptions/{sub['id']}",
        {
            "cancel_at_period_end": True,
            "cancellation_details": {"feedback": "too_expensive", "comment": "Budget cuts"},
        },
    )

    # (d) Basic with payment collection paused: invoices are voided until resumed.
    paused = _customer(emu, "paused", "Paul Paused")
    sub = _subscribe(emu, paused, prices["basic_monthly"])
    _call(emu, "POST", f"/v1/subscriptions/{sub['id']}", {"pause_collection": {"behavior": "void"}})

    # (e) Pro whose latest renewal was declined: the card on file became a declining one.
    clock = _clock(emu, "Demo: a declined renewal", now - 40 * DAY)
    late = _customer(emu, "past_due", "Pat Pastdue", clock=clock)
    _subscribe(emu, late, prices["pro_monthly"])
    declining = _call(
        emu,
        "POST",
        "/v1/payment_methods/pm_card_chargeDeclined/attach",
        {"customer": late["id"]},
    )
    _call(
        emu,
        "POST",
        f"/v1/customers/{late['id']}",
        {"invoice_settings": {"default_payment_method": declining["id"]}},
    )
    _call(emu, "POST", f"/v1/test_helpers/test_clocks/{clock}/advance", {"frozen_time": now})


def seeded_roles(emu: Emulator) -> dict[str, str]:
    """Seeded customer ids by role (`{"active": "cus_...", ...}`), oldest first."""
    roles: dict[str, str] = {}
    for customer in reversed(emu.find("customer", lambda c: not c.get("deleted"))):
        role = (customer.get("metadata") or {}).get(ROLE_KEY)
        if role and role not in roles:
            roles[role] = customer["id"]
    return roles
