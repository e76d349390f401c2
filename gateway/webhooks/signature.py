"""Checking that a webhook really comes from Stripe, with the SDK's own verification.

`Stripe-Signature: t=<unix>,v1=<hex>` is an HMAC-SHA256 of `"<t>.<raw body>"` keyed by the
endpoint's whole `whsec_...` secret. The SDK compares in constant time against every `v1`
(several appear while a secret is rolled) and rejects timestamps older than the tolerance,
which stops a captured delivery from being replayed later. The SDK accepts any timestamp in
the future, so a delivery dated ahead (a day, a year) would stay replayable until then; the
same tolerance is applied ahead of the clock as behind it.
"""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

# Stripe's own default: a signed delivery is accepted for five minutes.
TOLERANCE_SECONDS = 300


class InvalidWebhook(ValueError):
    """The delivery is not a verified Stripe event; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def verified_event(
    payload: bytes, header: str | None, secret: str, tolerance: int = TOLERANCE_SECONDS
) -> dict[str, Any]:
    """The event JSON of a delivery whose signature and timestamp check out.

    Raises `InvalidWebhook` for a missing, malformed, wrong or stale signature and for a
    body that is not a Stripe event; nothing else happens before this returns.
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("invalid_payload", "The request body is not UTF-8 text.") from exc
    try:
        stripe.WebhookSignature.verify_header(text, header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook("invalid_signature", _reason(exc, header, tolerance)) from exc
    signed_at = _timestamp(header or "")
    if signed_at is None or signed_at > time.time() + tolerance:
        raise InvalidWebhook(
            "invalid_signature",
            "The Stripe-Signature timestamp is more than the "
            f"{tolerance}-second tolerance in the future.",
        )
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise InvalidWebhook("invalid_payload", "The request body is not JSON.") from exc
    if not isinstance(event, dict) or event.get("object") != "event":
        raise InvalidWebhook("invalid_payload", 'The request body is not a Stripe "event" object.')
    return event


def _timestamp(header: str) -> int | None:
    """The header's `t=`: the first item named exactly `t`, the one the SDK verified the
    signature with (a look-alike such as `t =` must not stand in for it)."""
    for item in header.split(","):
        name, _, value = item.partition("=")
        if name == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _reason(exc: stripe.SignatureVerificationError, header: str | None, tolerance: int) -> str:
    if not header:
        return "The Stripe-Signature header is missing."
    message = str(exc.user_message or exc)
    if message.startswith("Timestamp outside the tolerance zone"):
        return (
            "The Stripe-Signature timestamp is older than the "
            f"{tolerance}-second tolerance (a replayed or delayed delivery)."
        )
    return f"The Stripe-Signature header does not verify: {message}"
