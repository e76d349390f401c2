"""What every subscription operation shares: statuses, results, events, issuing invoices.

The operations live in `subscription_*` modules (create, update, cycle,
cancel, pause); handlers, schedules, the test-clock engine, previews and the
demo seed all call them, so a preview, a clock advance and a live update
produce the same objects. Every operation takes the time it acts at, because
on a test clock "now" is the clock's frozen time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import invoicing
from .errors import StripeError, invalid, missing_param
from .item_changes import unsupported
from .resources.cards import decline_error
from .resources.common import previous_attributes
from .sandbox import scratch

if TYPE_CHECKING:
    from collections.abc import Callable

    from .state import Emulator, Obj


# Statuses a subscription never leaves.
ENDED = ("canceled", "incomplete_expired")
# Statuses in which a period end starts the next period and invoices it.
BILLABLE = ("active", "trialing", "past_due", "unpaid")
# `customer.subscription.trial_will_end` comes this long before the trial ends.
TRIAL_WILL_END_NOTICE = 3 * 86_400
# An `incomplete` subscription whose first invoice stays unpaid this long expires.
INCOMPLETE_EXPIRES_AFTER = 23 * 3600


@dataclass
class Result:
    """What an operation did: the subscription, any invoice it issued, any decline."""

    subscription: Obj
    invoice: Obj | None = None
    decline: str | None = None


def now_for(emu: Emulator, subscription: Obj) -> int:
    """The time as the subscription's customer sees it (its test clock's, if any)."""
    return emu.now(str(subscription["customer"]))


def emit_changed(emu: Emulator, subscription: Obj, before: Obj, event: str) -> None:
    """Emit `event` with the top-level fields that differ from `before` (if any do)."""
    after = emu.render(subscription)
    previous = previous_attributes(before, after)
    if previous:
        emu.emit(event, subscription, previous)


def issue(emu: Emulator, invoice: Obj, at: int, *, charge: bool = True) -> str | None:
    """Announce a new invoice, finalize it and (if `charge`) try to collect; any decline."""
    invoicing.open_invoice(emu, invoice)
    return invoicing.settle(emu, invoice, at, charge=charge)


def reject_unmodelled(params: Obj, names: tuple[str, ...]) -> None:
    """Refuse params the emulator does not model, naming them, rather than ignore them."""
    for name in names:
        if name in params and params[name] not in ("", None, []):
            raise unsupported(name, "subscriptions")
    if (params.get("automatic_tax") or {}).get("enabled"):
        raise unsupported("automatic_tax[enabled]", "subscriptions")
    end_behavior = (params.get("trial_settings") or {}).get("end_behavior") or {}
    if "billing_cycle_anchor" in end_behavior:
        raise unsupported("trial_settings[end_behavior][billing_cycle_anchor]", "subscriptions")
    settings = params.get("invoice_settings") or {}
    if settings.get("account_tax_ids") not in (None, "", []):
        raise unsupported("invoice_settings[account_tax_ids]", "subscriptions")
    if ((params.get("payment_settings") or {}).get("payment_method_options")) not in (None, ""):
        raise unsupported("payment_settings[payment_method_options]", "subscriptions")
    types = (params.get("payment_settings") or {}).get("payment_method_types")
    if types and any(t != "card" for t in types):
        raise unsupported("payment_settings[payment_method_types]", "subscriptions (cards only)")
    flexible = (params.get("billing_mode") or {}).get("flexible") or {}
    if flexible.get("proration_discounts", "included") != "included":
        # Discounts never reduce proration lines here, so only `included` is true to it.
        raise unsupported("billing_mode[flexible][proration_discounts]", "subscriptions")
    if (settings.get("issuer") or {}).get("type", "self") != "self":
        raise unsupported("invoice_settings[issuer][type]", "subscriptions (only `self`)")


def apply_settings(sub: Obj, params: Obj) -> None:
    """Invoice settings copied to the subscription's invoices, and its payment method types."""
    settings = params.get("invoice_settings") or {}
    stored = sub["invoice_settings"]
    if "custom_fields" in settings:
        fields = settings["custom_fields"]
        stored["custom_fields"] = (
            [{"name": f["name"], "value": f["value"]} for f in fields] if fields else None
        )
    for key in ("description", "footer"):
        if key in settings:
            stored[key] = settings[key] or None
    payment = params.get("payment_settings") or {}
    if "payment_method_types" in payment:
        sub["payment_settings"]["payment_method_types"] = payment["payment_method_types"] or None


def collection_settings(params: Obj, current: Obj | None = None) -> tuple[str, int | None]:
    """`(collection_method, days_until_due)` after `params`, checked against each other."""
    method = params.get("collection_method", current["collection_method"] if current else None)
    method = method or "charge_automatically"
    days = params.get("days_until_due", current["days_until_due"] if current else None)
    if method == "send_invoice" and days is None:
        raise missing_param("days_until_due")
    if method == "charge_automatically" and "days_until_due" in params:
        raise invalid(
            "days_until_due can only be set when collection_method is send_invoice.",
            param="days_until_due",
        )
    return method, days if method == "send_invoice" else None


def payment_error(decline: str) -> StripeError:
    """The error a failed all-or-nothing payment answers with."""
    if decline == invoicing.NO_PAYMENT_METHOD:
        return StripeError(
            "This customer has no attached payment source or default payment method. Please "
            "consider adding a default payment method.",
            code="resource_missing",
        )
    return decline_error(decline)


def dry_run_decline(
    emu: Emulator, customer: str, operation: Callable[[Emulator], Result]
) -> str | None:
    """Would `operation` fail to collect? Run on a scratch copy (for error_if_incomplete)."""
    return operation(scratch(emu, customer, settles=True)).decline
