"""The gateway's own writes as live events, so the customer's other tabs and devices see them
at once, with or without webhooks configured.

A successful customer mutation publishes one event after its writes (whose cache entries
billing/ dropped already, so a refetch sees the change). Its `type` is `gateway.<mutation>`
and its id `gwevt_...`; Stripe's webhooks for the same change are its echo and are not
published again (`webhooks/echoes.py`). A mutation that changes
nothing a customer sees (`createSetupIntent`) publishes nothing. Publishing never fails a
mutation: the write happened, so a bus error is only logged.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from ...webhooks import LiveEvent, LiveEventKind
from ...webhooks.echoes import mark_announced, mark_writing
from .types import GATEWAY_EVENT_PREFIX

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..context import Services

logger = logging.getLogger(__name__)

GATEWAY_EVENT_TYPE = "gateway.{}"
# Mutation -> (what changed, the outcome entry naming the changed object; else the customer).
WRITES: dict[str, tuple[LiveEventKind, str | None]] = {
    "cancelSubscription": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "renewSubscription": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "updateSubscription": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "undoScheduledChange": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "pauseSubscription": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "resumeSubscription": (LiveEventKind.SUBSCRIPTION, "subscription"),
    "updateCustomer": (LiveEventKind.CUSTOMER, None),
    "addTaxId": (LiveEventKind.CUSTOMER, None),
    "removeTaxId": (LiveEventKind.CUSTOMER, None),
    "setDefaultPaymentMethod": (LiveEventKind.PAYMENT_METHOD, "payment_method"),
    "detachPaymentMethod": (LiveEventKind.PAYMENT_METHOD, "detached"),
    "confirmSetupIntentForTesting": (LiveEventKind.PAYMENT_METHOD, "setup_intent"),
    "payInvoice": (LiveEventKind.INVOICE, "invoice"),
}


def write_event(mutation: str, customer_id: str, outcome: Mapping[str, Any]) -> LiveEvent | None:
    """The live event for a successful `mutation`, or None when it changes nothing visible."""
    spec = WRITES.get(mutation)
    if spec is None:
        return None
    kind, key = spec
    changed = outcome.get(key) if key is not None else None
    return LiveEvent(
        customer_id=customer_id,
        kind=kind,
        type=GATEWAY_EVENT_TYPE.format(mutation),
        event_id=GATEWAY_EVENT_PREFIX + secrets.token_hex(12),
        object_id=changed if isinstance(changed, str) and changed else customer_id,
        created=int(time.time()),
    )


async def announce_writing(services: Services, mutation: str, call_base: str) -> None:
    """Before a call that will announce its change writes: Stripe's echo waits for it."""
    if mutation not in WRITES:
        return
    try:
        await mark_writing(services.billing.cache, call_base)
    except Exception:  # the store's own connection errors vary by backend
        logger.warning("could not mark %s as writing", mutation, exc_info=True)


async def announce_write(
    services: Services,
    mutation: str,
    customer_id: str,
    outcome: Mapping[str, Any],
    call_base: str,
) -> None:
    """Publish `mutation`'s change to the customer's live subscribers (any instance), once:
    Stripe's webhooks for the writes of `call_base` are known as its echo."""
    event = write_event(mutation, customer_id, outcome)
    if event is None:
        return
    try:
        await mark_announced(services.billing.cache, call_base, event.kind)
        await services.bus.publish(event)
    except Exception:  # the bus's own connection errors vary by backend
        logger.warning("could not publish %s for %s", event.type, customer_id, exc_info=True)


__all__ = ["WRITES", "announce_write", "announce_writing", "write_event"]
