"""Inbound Stripe webhooks: signature check, cache invalidation, a live event on the bus.

`webhook_routes(app, secret=..., cache=..., bus=...)` mounts `POST /webhooks/stripe`
(or mount `stripe_webhook` and set `app[WEBHOOKS]` at start-up). The bus itself lives in
`gateway.live_bus`.
"""

from .handler import WEBHOOK_PATH, WEBHOOKS, StripeWebhooks, stripe_webhook, webhook_routes

__all__ = [
    "WEBHOOKS",
    "WEBHOOK_PATH",
    "StripeWebhooks",
    "stripe_webhook",
    "webhook_routes",
]
