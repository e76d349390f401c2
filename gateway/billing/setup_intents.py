"""Setup intents: how a customer adds a payment method.

The gateway creates the intent and hands its `client_secret` to the browser, which
confirms it with Stripe.js against Stripe itself: card details never pass through the
gateway. Only when the gateway talks to a Stripe emulator (demo mode, tests) may it
confirm an intent itself, with one of Stripe's test payment methods, so a reference
portal can add a card end to end without Stripe.js.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from ..models import PaymentMethod, SetupIntent
from . import ids
from .client import Billing, as_json
from .errors import BillingError, NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json
from .writes import (
    answered,
    forget_customer,
    resolve_lost_answer,
    stripe_write,
    versions_before,
    with_key,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stripe.params import SetupIntentConfirmParams, SetupIntentCreateParams

# Stripe's documented test payment methods (`pm_card_visa`, `pm_card_chargeDeclined`, ...).
TEST_PAYMENT_METHOD_PREFIX = "pm_card_"
# The metadata key naming the call that created an intent, and how many of the customer's
# newest intents a lost answer is looked for among.
CALL_METADATA = "portal_gateway_call"
RECENT = 100


def talks_to_stripe(api_base: str | None) -> bool:
    """False when the API base points somewhere other than Stripe (an emulator)."""
    if not api_base:
        return True
    host = (urlsplit(api_base).hostname or "").lower()
    return host == "stripe.com" or host.endswith(".stripe.com")


async def create_setup_intent(
    billing: Billing, customer_id: str, params: Mapping[str, Any], idempotency_key: str
) -> SetupIntent:
    """`POST /v1/setup_intents` with a decision's parameters (they name the customer).

    The intent carries a digest of its call's key in its metadata: after a lost answer the
    customer's newest intents are read and the one with that tag, if any, is the answer.
    """
    tag = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    tagged = {**params, "metadata": {**params.get("metadata", {}), CALL_METADATA: tag}}

    async def created() -> SetupIntent | None:
        with stripe_errors(noun="Customer"):
            page = await get_json(
                billing, "/v1/setup_intents", {"customer": customer_id, "limit": RECENT}
            )
        for obj in page.get("data", []):
            if (obj.get("metadata") or {}).get(CALL_METADATA) == tag:
                return SetupIntent.from_stripe(obj)
        return None

    versions = await versions_before(billing)  # a new intent: nothing cached holds it
    written: dict[str, Any] | None = None
    try:
        with stripe_write(noun="Customer"):
            intent = await billing.stripe.v1.setup_intents.create_async(
                cast("SetupIntentCreateParams", tagged), with_key(idempotency_key)
            )
        written = as_json(intent)
    except BillingError as exc:
        if not exc.ambiguous:
            raise
        return await resolve_lost_answer(exc, created)
    finally:
        await forget_customer(
            billing, customer_id, answered(versions, written, key=idempotency_key)
        )
    return SetupIntent.from_stripe(written)


async def fetch_setup_intent(
    billing: Billing, customer_id: str, setup_intent_id: str
) -> SetupIntent:
    """One of the customer's setup intents (never cached: it changes as it is confirmed).

    Missing and someone else's raise the same `NotFound`.
    """
    if not is_stripe_id(setup_intent_id, ids.SETUP_INTENT):
        raise NotFound("Setup intent")
    versions = await versions_before(billing)
    with stripe_errors(noun="Setup intent"):
        intent = await billing.stripe.v1.setup_intents.retrieve_async(
            setup_intent_id, {"expand": ["payment_method"]}
        )
    data = as_json(intent)
    found = SetupIntent.from_stripe(data)
    if found.customer_id != customer_id:
        raise NotFound("Setup intent")
    saved = data.get("payment_method")
    # Saved by the browser through Stripe.js: the customer's cached payment methods take it
    # in now (its webhook may still be on the way), or are read again.
    if (
        found.status == "succeeded"
        and isinstance(saved, dict)
        and saved.get("customer") == customer_id
    ):
        await forget_customer(billing, customer_id, answered(versions, saved))
    return found


async def confirm_setup_intent(
    billing: Billing,
    customer_id: str,
    setup_intent_id: str,
    *,
    payment_method: str,
    return_url: str,
    idempotency_key: str,
) -> tuple[SetupIntent, PaymentMethod | None]:
    """`POST /v1/setup_intents/{id}/confirm` with a test payment method (emulator only).

    Returns the intent and the payment method it attached. A declined test card raises
    `BillingError(CARD_DECLINED)` with Stripe's message.
    """
    params: dict[str, Any] = {
        "payment_method": payment_method,
        "return_url": return_url,
        "expand": ["payment_method"],
    }
    versions = await versions_before(billing)  # the payment method is a new one
    try:
        with stripe_write(noun="Setup intent"):
            intent = await billing.stripe.v1.setup_intents.confirm_async(
                setup_intent_id,
                cast("SetupIntentConfirmParams", params),
                with_key(idempotency_key),
            )
    except BaseException:
        # A confirm without an answer may still have attached one: read them again.
        await forget_customer(billing, customer_id)
        raise
    data = as_json(intent)
    attached = data.get("payment_method")
    # A confirmed intent attaches a payment method to the customer: it joins their list.
    pm = attached if isinstance(attached, dict) else None
    await forget_customer(billing, customer_id, answered(versions, pm, key=idempotency_key))
    method = PaymentMethod.from_stripe(attached) if isinstance(attached, dict) else None
    return SetupIntent.from_stripe(data), method
