"""Quotes: what lets a client hold a preview's figures until it confirms the change.

A preview fixes the moment its prorations are computed for. The client never chooses that
moment; it gets an opaque quote with the preview, signed (HMAC-SHA256) with a server
secret, and sends it back with the update. The quote binds the customer, the subscription,
the exact input, the subscription and rules it was computed against (`basis`), and an
expiry. Anything else is refused: an altered or foreign quote, an expired one, one for a
different input, or one whose subscription has changed since. Pure: no I/O, no clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ErrorCode
from .decisions import ScheduledUpdateDecision, UpdateDecision
from .refusals import Refusal

if TYPE_CHECKING:
    from gateway.models import Subscription

QUOTE_FIELD = "quote"
# A quote the gateway issues is about 250 characters; anything much longer is not one.
MAX_QUOTE_LENGTH = 1024
_VERSION = 1

NOT_ISSUED = "This quote was not issued for this subscription. Preview the change again."
EXPIRED = "This quote has expired. Preview the change again."
CHANGED = "The subscription or this portal's rules changed since the preview. Preview again."
OTHER_CHANGE = (
    "This quote was issued for a different change (plan, quantity or promotion code). "
    "Preview this change to get its quote."
)


@dataclass(frozen=True)
class Quote:
    """What a preview's quote carries; `proration_date` is None for a scheduled change."""

    customer_id: str
    subscription_id: str
    change: str
    basis: str
    proration_date: int | None
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


def change_digest(price_id: str | None, quantity: int | None, promotion_code: str | None) -> str:
    """The exact input a quote is for (a different one needs its own preview)."""
    return _digest({"price": price_id, "quantity": quantity, "promotion_code": promotion_code})


def basis_digest(
    subscription: Subscription, decision: UpdateDecision | ScheduledUpdateDecision
) -> str:
    """The subscription and the decided Stripe parameters a preview was computed from.

    When any of it differs at update time (another change, a renewal, a trial that ended,
    another discount, a configuration edit), the preview's figures no longer hold.
    """
    items = [
        (item.id, item.price.id, item.quantity, item.current_period_start, item.current_period_end)
        for item in subscription.items
    ]
    if isinstance(decision, UpdateDecision):
        decided: Any = {k: v for k, v in decision.params.items() if k != "proration_date"}
    else:
        decided = {"at": decision.effective_at, "next": decision.next_phase}
    return _digest(
        {
            "subscription": subscription.id,
            "status": subscription.status,
            "trial_end": subscription.trial_end,
            "schedule": subscription.schedule_id,
            "cancel_at": subscription.cancel_at,
            "cancel_at_period_end": subscription.cancel_at_period_end,
            "items": items,
            # What the preview's next invoice took off (another code since bills otherwise).
            "discounts": sorted(d.id for d in subscription.discounts),
            "decided": decided,
        }
    )


def _mac(secret: bytes, payload: str) -> bytes:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()


def sign_quote(secret: bytes, quote: Quote) -> str:
    body = [
        _VERSION,
        quote.customer_id,
        quote.subscription_id,
        quote.change,
        quote.basis,
        quote.proration_date,
        quote.expires_at,
    ]
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_b64(_mac(secret, payload))}"


def read_quote(secret: bytes, token: str) -> Quote | None:
    """The quote `token` carries, or None when this gateway did not issue it as it is."""
    if len(token) > MAX_QUOTE_LENGTH or token.count(".") != 1:
        return None
    payload, _, mac = token.partition(".")
    if not (payload.isascii() and mac.isascii()):
        return None
    # The canonical encoding of the expected MAC, compared as text: one token per quote.
    if not hmac.compare_digest(mac.encode("ascii"), _b64(_mac(secret, payload)).encode("ascii")):
        return None
    try:
        body = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, list) or len(body) != 7 or body[0] != _VERSION:
        return None
    _, customer_id, subscription_id, change, basis, proration_date, expires_at = body
    return Quote(
        customer_id=str(customer_id),
        subscription_id=str(subscription_id),
        change=str(change),
        basis=str(basis),
        proration_date=int(proration_date) if proration_date is not None else None,
        expires_at=int(expires_at),
    )


def check_quote(
    secret: bytes,
    token: str,
    *,
    customer_id: str,
    subscription_id: str,
    change: str,
    now: float,
) -> Quote | Refusal:
    """The quote, if it was issued for this customer's subscription and this very input."""
    quote = read_quote(secret, token.strip())
    if (
        quote is None
        or quote.customer_id != customer_id
        or quote.subscription_id != subscription_id
    ):
        return Refusal(ErrorCode.QUOTE_INVALID, NOT_ISSUED, QUOTE_FIELD)
    if quote.expires_at <= now:
        return Refusal(ErrorCode.QUOTE_EXPIRED, EXPIRED, QUOTE_FIELD)
    if quote.change != change:
        return Refusal(ErrorCode.QUOTE_MISMATCH, OTHER_CHANGE, QUOTE_FIELD)
    return quote


def basis_refusal(
    quote: Quote, subscription: Subscription, decision: UpdateDecision | ScheduledUpdateDecision
) -> Refusal | None:
    """QUOTE_EXPIRED when the preview was computed from another state of things."""
    if quote.basis != basis_digest(subscription, decision):
        return Refusal(ErrorCode.QUOTE_EXPIRED, CHANGED, QUOTE_FIELD)
    return None


# A resume has no input to bind: its quote's `change` says only that it is for a resume.
RESUME_CHANGE = _digest({"action": "resume"})
RESUME_CHANGED = (
    "Resuming this subscription now would charge something other than the preview showed "
    "(the subscription, its credit or its pending charges changed). Preview again."
)


def resume_basis(subscription: Subscription, amount_due: int, currency: str) -> str:
    """The subscription and the figures a resume preview showed: the resume holds its quote
    only while both are as previewed (judged against a fresh preview at resume time)."""
    items = [
        (item.id, item.price.id, item.quantity, item.current_period_start, item.current_period_end)
        for item in subscription.items
    ]
    return _digest(
        {
            "subscription": subscription.id,
            "status": subscription.status,
            "schedule": subscription.schedule_id,
            "items": items,
            "discounts": sorted(d.id for d in subscription.discounts),
            "amount_due": amount_due,
            "currency": currency,
        }
    )


def resume_quote_refusal(
    quote: Quote, subscription: Subscription, amount_due: int, currency: str
) -> Refusal | None:
    """QUOTE_EXPIRED when resuming now would charge other than the quote's preview."""
    if quote.basis != resume_basis(subscription, amount_due, currency):
        return Refusal(ErrorCode.QUOTE_EXPIRED, RESUME_CHANGED, QUOTE_FIELD)
    return None
