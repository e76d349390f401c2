"""`POST /webhooks/stripe`: verify, deduplicate, invalidate the cache, publish a live event.

Order of work for one delivery, each step only after the previous one succeeded:

1. Verify the signature (`signature.verified_event`): anything unverified gets 400 and
   touches nothing.
2. Claim the event id in the shared cache (`Cache.add_once`, Redis `SET NX` when shared):
   Stripe delivers at least once, retries, and may deliver to several instances; only the
   claimant processes, every other delivery is acknowledged with 200 and does nothing.
3. Update what the event touches (`routing.impact_of`): the customer's cached data gets
   the event's object in place, in Stripe's event order (`billing/cache_updates.py`; an
   event it cannot apply empties the customer's cache instead); the catalog / portal
   configurations are invalidated. Every instance watches the catalog and configurations
   generations and reloads its in-memory copy when they move (`gateway.source_changes`).
4. A card saved in a payment method flow becomes the default even if the browser that
   should have said so is gone (`flow_card_default`, on `setup_intent.succeeded`; a few
   Stripe calls, for the gateway's own flow intents only).
5. Publish a `LiveEvent` to the customer's subscribers (they order by `created`), unless it
   is the echo of a change the gateway made and announced itself (`echoes`).

When step 3, 4 or 5 fails (Redis or Stripe unreachable), the claim is released and the
answer is 503, so Stripe's retry processes the event again (step 4 is idempotent). The work
is a few cache operations and, for step 4, a few Stripe calls, so the answer comes well
inside Stripe's timeout without a background queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from pydantic import SecretStr

from ..billing.cache_scopes import invalidate_catalog, invalidate_configurations
from ..billing.cache_updates import apply_event
from ..live_bus import LiveEvent
from .echoes import is_echo
from .flow_card_default import EVENT_TYPE as FLOW_CARD_EVENT
from .flow_card_default import make_flow_card_default
from .routing import Impact, impact_of
from .signature import TOLERANCE_SECONDS, InvalidWebhook, verified_event

if TYPE_CHECKING:
    from ..billing import Billing
    from ..live_bus import EventBus
    from ..store import Cache

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/stripe"
# Stripe retries a failed delivery for up to three days; a day more covers resends.
DEDUPE_TTL_SECONDS = 4 * 24 * 3600
DEDUPE_KEY = "webhook-event:{}"


@dataclass(frozen=True)
class ParsedEvent:
    id: str
    type: str
    created: int
    object: dict[str, Any]
    previous_attributes: dict[str, Any]
    # The `Idempotency-Key` of the API request that caused the event (Stripe's `request`).
    idempotency_key: str | None = None


class StripeWebhooks:
    """The webhook endpoint's logic; `handle` is the aiohttp handler."""

    def __init__(
        self,
        *,
        secret: SecretStr | str | None,
        cache: Cache,
        bus: EventBus,
        billing: Billing | None = None,
        tolerance: int = TOLERANCE_SECONDS,
    ) -> None:
        """`billing`: for the changes a webhook makes in Stripe (step 4); without it, none."""
        plain = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        self._secret = plain.strip() if plain else None
        self._cache = cache
        self._bus = bus
        self._billing = billing
        self._tolerance = tolerance

    async def handle(self, request: web.Request) -> web.Response:
        if not self._secret:
            return _error(
                503,
                "webhooks_not_configured",
                "This gateway has no webhook signing secret; set GATEWAY_WEBHOOK_SECRET to the "
                "endpoint's whsec_... secret.",
            )
        payload = await request.read()
        try:
            raw = verified_event(
                payload, request.headers.get("Stripe-Signature"), self._secret, self._tolerance
            )
            event = parse_event(raw)
        except InvalidWebhook as exc:
            return _error(400, exc.code, exc.message)
        return await self.process(event)

    async def process(self, event: ParsedEvent) -> web.Response:
        """Steps 2-4 for an event whose signature checked out."""
        claim = DEDUPE_KEY.format(event.id)
        try:
            first = await self._cache.add_once(claim, event.type, DEDUPE_TTL_SECONDS)
        except Exception:
            logger.exception("webhook %s: the shared cache is unreachable", event.id)
            return _retry_later(event.id)
        if not first:
            return web.json_response({"received": True, "event": event.id, "duplicate": True})
        impact = impact_of(event.type, event.object, event.previous_attributes)
        try:
            published = await self._apply(event, impact)
        except Exception:
            logger.exception("webhook %s (%s) failed; Stripe will retry", event.id, event.type)
            try:
                await self._cache.delete(claim)
            except Exception:
                logger.warning("webhook %s: could not release its claim", event.id, exc_info=True)
            return _retry_later(event.id)
        return web.json_response(
            {
                "received": True,
                "event": event.id,
                "duplicate": False,
                "customer": impact.customer_id,
                "published": published,
            }
        )

    async def _apply(self, event: ParsedEvent, impact: Impact) -> bool:
        for key in impact.keys:
            await self._cache.delete(key)
        if impact.catalog:
            await invalidate_catalog(self._cache)
        if impact.configurations:
            await invalidate_configurations(self._cache)
        if impact.customer_id is None or impact.kind is None:
            return False
        # Update before publishing: a subscriber that refetches on the event must read the
        # event's state (or, where it cannot be applied in place, miss and read Stripe's).
        applied = await apply_event(
            self._cache,
            impact.customer_id,
            event.type,
            event.created,
            event.object,
            event.previous_attributes,
            event.idempotency_key,
        )
        if not applied:
            await self._cache.invalidate_customer(impact.customer_id)
        if event.type == FLOW_CARD_EVENT and self._billing is not None:
            await make_flow_card_default(self._billing, impact.customer_id, event.object)
        if await is_echo(self._cache, event.idempotency_key, impact.kind):
            # The gateway announced this change itself when it made it (`echoes`).
            return False
        object_id = event.object.get("id")
        await self._bus.publish(
            LiveEvent(
                customer_id=impact.customer_id,
                kind=impact.kind,
                type=event.type,
                event_id=event.id,
                object_id=object_id if isinstance(object_id, str) else impact.customer_id,
                created=event.created,
                object=event.object,
            )
        )
        return True


def parse_event(raw: dict[str, Any]) -> ParsedEvent:
    """The fields the gateway relies on; `InvalidWebhook` naming the first one missing."""
    data = raw.get("data")
    checks: tuple[tuple[str, object, type], ...] = (
        ("id", raw.get("id"), str),
        ("type", raw.get("type"), str),
        ("created", raw.get("created"), int),
        ("data", data, dict),
        ("data.object", data.get("object") if isinstance(data, dict) else None, dict),
    )
    for name, value, kind in checks:
        if type(value) is not kind or (kind is str and not value):
            raise InvalidWebhook(
                "invalid_event", f"The event's {name!r} is missing or not a {kind.__name__}."
            )
    previous = raw["data"].get("previous_attributes")
    request = raw.get("request")
    key = request.get("idempotency_key") if isinstance(request, dict) else None
    return ParsedEvent(
        id=raw["id"],
        type=raw["type"],
        created=raw["created"],
        object=raw["data"]["object"],
        previous_attributes=previous if isinstance(previous, dict) else {},
        idempotency_key=key if isinstance(key, str) else None,
    )


WEBHOOKS = web.AppKey("webhooks", StripeWebhooks)


async def stripe_webhook(request: web.Request) -> web.Response:
    """The route for an app that builds its `StripeWebhooks` at start-up, in a cleanup
    context (after routes are frozen): it answers with `request.app[WEBHOOKS]`."""
    webhooks = request.app.get(WEBHOOKS)
    if webhooks is None:
        return _error(503, "not_ready", "The gateway is still starting; Stripe will retry.")
    return await webhooks.handle(request)


def webhook_routes(
    app: web.Application,
    *,
    secret: SecretStr | str | None,
    cache: Cache,
    bus: EventBus,
    path: str = WEBHOOK_PATH,
) -> StripeWebhooks:
    """Mount `POST <path>` on `app`; returns the handler object (tests inspect it)."""
    webhooks = StripeWebhooks(secret=secret, cache=cache, bus=bus)
    app.router.add_post(path, webhooks.handle)
    return webhooks


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _retry_later(event_id: str) -> web.Response:
    return _error(
        503,
        "processing_failed",
        f"Event {event_id} could not be processed now; it will be processed when Stripe retries.",
    )
