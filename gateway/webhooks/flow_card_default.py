"""A card saved in a payment method flow becomes the default even if the browser is lost.

In a `payment_method_update` flow the frontend calls `completeSetupIntent` once Stripe.js
confirmed the intent; a tab closed or a network lost after the confirmation would leave the
old card paying. Stripe's `setup_intent.succeeded` closes that gap: for an intent the
gateway created in such a flow (its metadata says so, `portal.is_flow_card_intent`), the
same default rule is applied from Stripe's current state (`portal.decide_flow_card_default`):
only while the customer's default is still the one the intent was created to replace, so a
default the customer chose since always wins, and a second delivery finds nothing to do.

A Stripe failure raises: the webhook answers 503 and Stripe's retry applies what is left.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..billing import (
    NotFound,
    change_payment_methods,
    event_keys,
    fetch_setup_intent,
    read_payment_method_account,
)
from ..portal import decide_flow_card_default, is_flow_card_intent

if TYPE_CHECKING:
    from ..billing import Billing

logger = logging.getLogger(__name__)

EVENT_TYPE = "setup_intent.succeeded"
ACTION = "flow-card-default"


def _metadata(obj: dict[str, Any]) -> dict[str, str]:
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return {}
    return {str(key): str(value) for key, value in metadata.items()}


async def make_flow_card_default(billing: Billing, customer_id: str, obj: dict[str, Any]) -> bool:
    """Apply the flow's default for the succeeded intent `obj`; True when Stripe changed.

    Only the event's metadata is taken from the delivery (it says whether to look at all);
    the intent, the card, the customer and their subscriptions are read from Stripe now.
    """
    intent_id = obj.get("id")
    if not isinstance(intent_id, str) or not is_flow_card_intent(_metadata(obj)):
        return False
    try:
        intent = await fetch_setup_intent(billing, customer_id, intent_id)
        if intent.status != "succeeded" or intent.payment_method_id is None:
            return False
        account = await read_payment_method_account(billing, customer_id, fresh=True)
    except NotFound:
        # The customer or the intent is gone: nothing is left to pay with this card.
        return False
    method = next((p for p in account.payment_methods if p.id == intent.payment_method_id), None)
    if method is None or account.customer is None:
        # Detached since: it must not become the default.
        return False
    decision = decide_flow_card_default(
        intent.metadata, account.customer, method, account.subscriptions
    )
    if decision is None:
        return False
    change = await change_payment_methods(
        billing,
        customer_id,
        customer_params=decision.customer_params,
        subscription_changes=[(c.subscription_id, c.params) for c in decision.subscription_changes],
        keys=event_keys(ACTION, intent_id),
    )
    if change.error is not None:
        raise change.error
    logger.info(
        "setup intent %s: %s is the default of %s (subscriptions: %s)",
        intent_id,
        method.id,
        customer_id,
        ", ".join(change.updated_subscriptions) or "none",
    )
    return True


__all__ = ["EVENT_TYPE", "make_flow_card_default"]
