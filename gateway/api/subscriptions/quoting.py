"""Issuing and accepting preview quotes (the rules are in `portal.quotes`).

The signing key is `GATEWAY_QUOTE_SECRET`, or one derived from the Stripe API key, so that
every instance of a deployment accepts the quotes any of them issued. Quotes expire on the
gateway's own clock, `GATEWAY_QUOTE_TTL_SECONDS` after the preview.
"""

import hashlib
import hmac
import secrets

from ... import models
from ...portal import (
    Quote,
    ScheduledUpdateDecision,
    UpdateDecision,
    basis_digest,
    change_digest,
    check_quote,
    sign_quote,
)
from ...settings import Settings
from ..context import Context
from ..errors import ErrorCode, UserError, from_refusal, user_error
from .inputs import UpdateSubscriptionInput

PRORATION_DATE_REFUSED = (
    "The gateway decides when a change is prorated. To be charged what a preview showed, "
    "send that preview's `quote`."
)


# Only when neither key is set (a misconfigured process): quotes hold within this process.
_PROCESS_SECRET = secrets.token_bytes(32)


def quote_secret(settings: Settings) -> bytes:
    if settings.quote_secret is not None and settings.quote_secret.get_secret_value():
        return settings.quote_secret.get_secret_value().encode("utf-8")
    stripe_key = settings.stripe_api_key.get_secret_value().encode("utf-8")
    if not stripe_key:
        return _PROCESS_SECRET
    return hmac.new(stripe_key, b"gateway preview quotes v1", hashlib.sha256).digest()


def input_change(data: UpdateSubscriptionInput) -> str:
    price_id = str(data.price_id) if data.price_id is not None else None
    return change_digest(price_id, data.quantity, data.promotion_code)


def accepted_quote(
    context: Context, subscription: models.Subscription, data: UpdateSubscriptionInput
) -> Quote | UserError | None:
    """The input's quote when it holds (None: no quote); a caller's own date is refused."""
    if data.proration_date is not None:
        return user_error(
            ErrorCode.PRORATION_DATE_NOT_ACCEPTED, PRORATION_DATE_REFUSED, "prorationDate"
        )
    if data.quote is None:
        return None
    checked = check_quote(
        quote_secret(context.services.settings),
        data.quote,
        customer_id=context.scope().customer_id,
        subscription_id=subscription.id,
        change=input_change(data),
        now=context.services.clock(),
    )
    return from_refusal(checked) if not isinstance(checked, Quote) else checked


def issue_quote(
    context: Context,
    subscription: models.Subscription,
    data: UpdateSubscriptionInput,
    decision: UpdateDecision | ScheduledUpdateDecision,
) -> tuple[str, int]:
    """A new quote for this preview, and when it expires (Unix seconds)."""
    settings = context.services.settings
    proration_date = (
        decision.params.get("proration_date") if isinstance(decision, UpdateDecision) else None
    )
    expires_at = int(context.services.clock()) + settings.quote_ttl_seconds
    quote = Quote(
        customer_id=context.scope().customer_id,
        subscription_id=subscription.id,
        change=input_change(data),
        basis=basis_digest(subscription, decision),
        proration_date=int(proration_date) if proration_date is not None else None,
        expires_at=expires_at,
    )
    return sign_quote(quote_secret(settings), quote), expires_at
