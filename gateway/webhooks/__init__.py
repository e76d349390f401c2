"""Inbound Stripe webhooks (signature check, cache invalidation) and the live-event bus.

`webhook_routes(app, secret=..., cache=..., bus=...)` mounts `POST /webhooks/stripe`
(or mount `stripe_webhook` and set `app[WEBHOOKS]` at start-up);
`create_bus(settings.redis_url)` picks the bus; `bus.subscribe(customer_id)` streams one
customer's `LiveEvent`s.
"""

from .bus import BusClosedError, EventBus, InMemoryBus, Subscription, create_bus
from .events import LiveEvent, LiveEventKind
from .handler import WEBHOOK_PATH, WEBHOOKS, StripeWebhooks, stripe_webhook, webhook_routes
from .ordering import LatestOnly

__all__ = [
    "WEBHOOKS",
    "WEBHOOK_PATH",
    "BusClosedError",
    "EventBus",
    "InMemoryBus",
    "LatestOnly",
    "LiveEvent",
    "LiveEventKind",
    "StripeWebhooks",
    "Subscription",
    "create_bus",
    "stripe_webhook",
    "webhook_routes",
]
