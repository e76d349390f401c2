"""Invoice previews (`POST /v1/invoices/create_preview`): the next invoice, or a change's effect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe

from ..models import Invoice
from . import ids
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .ownership import owned_by, owner_of
from .stripe_json import post_json

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .client import Billing


# Stripe's answer when a subscription will not invoice again (ending, canceled).
NO_UPCOMING_INVOICE = "invoice_upcoming_none"
# Cached in its place, so a subscription set to end costs no request per visit either; it
# is dropped as a preview is (the events and writes that can change the subscription).
_NONE = {"object": "invoice", "_gateway_no_upcoming_invoice": True}


def _upcoming(data: Any) -> Invoice | None:
    """One long-lived build function (see `Cache.customer_cached`)."""
    return None if data.get("_gateway_no_upcoming_invoice") else Invoice.from_stripe(data)


# Subscription update parameters that `create_preview` takes under `subscription_details`.
_SUBSCRIPTION_DETAILS = (
    "items",
    "proration_behavior",
    "proration_date",
    "billing_cycle_anchor",
    "trial_end",
    "cancel_at",
    "cancel_at_period_end",
)


def preview_params(
    customer_id: str, subscription_id: str, update: Mapping[str, Any]
) -> dict[str, Any]:
    """`create_preview` parameters for the subscription update `update` would make."""
    details = {key: value for key, value in update.items() if key in _SUBSCRIPTION_DETAILS}
    params: dict[str, Any] = {
        "customer": customer_id,
        "subscription": subscription_id,
        "subscription_details": details,
    }
    if update.get("discounts"):
        params["discounts"] = update["discounts"]
    return params


async def upcoming_invoice(
    billing: Billing, customer_id: str, subscription_id: str
) -> Invoice | None:
    """The subscription's next invoice as Stripe would draft it now; None when there is none."""
    if not is_stripe_id(subscription_id, ids.SUBSCRIPTION):
        raise NotFound("Subscription")

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Subscription"):
            try:
                return await post_json(
                    billing,
                    "/v1/invoices/create_preview",
                    {"customer": customer_id, "subscription": subscription_id},
                )
            except stripe.InvalidRequestError as exc:  # a 404, which would read as NotFound
                if exc.code == NO_UPCOMING_INVOICE:
                    return dict(_NONE)
                raise

    invoice = await billing.cache.customer_cached(
        customer_id,
        f"upcoming:{subscription_id}",
        billing.customer_ttl,
        load,
        _upcoming,
        keep=_previews_for(customer_id),
    )
    if invoice is not None and invoice.customer_id not in (None, customer_id):
        raise NotFound("Subscription")
    return invoice


def _previews_for(customer_id: str) -> Callable[[Any], bool]:
    """Previews carry the customer they were asked for, or none (`customer_id` not in)."""
    owned = owned_by(customer_id)
    return lambda preview: owner_of(preview) is None or owned(preview)


async def preview_update(
    billing: Billing, customer_id: str, subscription_id: str, update: Mapping[str, Any]
) -> Invoice:
    """The invoice Stripe would issue if the subscription update `update` were made now.

    `update` holds `POST /v1/subscriptions/{id}` parameters (a policy decision's). Not
    cached: it depends on the moment it is asked.
    """
    params = preview_params(customer_id, subscription_id, update)
    with stripe_errors(noun="Subscription"):
        preview = await post_json(billing, "/v1/invoices/create_preview", params)
    return Invoice.from_stripe(preview)


async def preview_schedule(
    billing: Billing, customer_id: str, schedule_id: str, details: Mapping[str, Any]
) -> Invoice:
    """The next invoice if the subscription schedule had `details` (its phases and end
    behaviour): how a change replacing one already queued is previewed, since the schedule,
    not the subscription, decides what the period end bills."""
    params = {"customer": customer_id, "schedule": schedule_id, "schedule_details": dict(details)}
    with stripe_errors(noun="Subscription"):
        preview = await post_json(billing, "/v1/invoices/create_preview", params)
    return Invoice.from_stripe(preview)
