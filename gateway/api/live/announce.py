"""The gateway's own writes as live events, so the customer's other tabs and devices see them
at once, with or without webhooks configured.

A successful customer mutation publishes one event after its writes (whose cache entries
billing/ dropped already, so a refetch sees the change), as its declaration's `announces`
says. Its `type` is `gateway.<mutation>` and its id `gwevt_...`; Stripe's webhooks for the
same change are its echo and are not published again (`webhooks/echoes.py`). A mutation
that changes nothing a customer sees (`createSetupIntent`) announces nothing. Publishing
never fails a mutation: the write happened, so a bus error is only logged.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...live_bus import LiveEvent, LiveEventKind
from ...webhooks.echoes import mark_announced, mark_writing
from .types import GATEWAY_EVENT_PREFIX

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..context import Services

logger = logging.getLogger(__name__)

GATEWAY_EVENT_TYPE = "gateway.{}"


@dataclass(frozen=True)
class Announcement:
    """What a mutation's success tells live subscribers: the kind of object it changed, and
    the outcome entry naming that object (None: the customer)."""

    kind: LiveEventKind
    changed: str | None = None


def write_event(
    mutation: str,
    announces: Announcement | None,
    customer_id: str,
    outcome: Mapping[str, Any],
) -> LiveEvent | None:
    """The live event for a successful `mutation`, or None when it changes nothing visible."""
    if announces is None:
        return None
    changed = outcome.get(announces.changed) if announces.changed is not None else None
    if announces.changed is not None and announces.changed not in outcome:
        # A declaration naming an entry its outcome does not have: said, not silently lost.
        logger.warning("%s announces %r, not in its outcome", mutation, announces.changed)
    return LiveEvent(
        customer_id=customer_id,
        kind=announces.kind,
        type=GATEWAY_EVENT_TYPE.format(mutation),
        event_id=GATEWAY_EVENT_PREFIX + secrets.token_hex(12),
        object_id=changed if isinstance(changed, str) and changed else customer_id,
        created=int(time.time()),
    )


async def announce_writing(
    services: Services, announces: Announcement | None, call_base: str
) -> None:
    """Before a call that will announce its change writes: Stripe's echo waits for it."""
    if announces is None:
        return
    try:
        await mark_writing(services.billing.cache, call_base)
    except Exception:  # the store's own connection errors vary by backend
        logger.warning("could not mark call %s as writing", call_base, exc_info=True)


async def announce_write(
    services: Services,
    mutation: str,
    announces: Announcement | None,
    customer_id: str,
    outcome: Mapping[str, Any],
    call_base: str,
) -> None:
    """Publish `mutation`'s change to the customer's live subscribers (any instance), once:
    Stripe's webhooks for the writes of `call_base` are known as its echo."""
    event = write_event(mutation, announces, customer_id, outcome)
    if event is None:
        return
    try:
        await mark_announced(services.billing.cache, call_base, event.kind)
        await services.bus.publish(event)
    except Exception:  # the bus's own connection errors vary by backend
        logger.warning("could not publish %s for %s", event.type, customer_id, exc_info=True)


__all__ = ["Announcement", "LiveEventKind", "announce_write", "announce_writing", "write_event"]
