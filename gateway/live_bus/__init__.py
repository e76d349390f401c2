"""The live-event bus: webhooks publish what changed, each customer's live view subscribes.

`create_bus(settings.redis_url)` picks the backend; `bus.subscribe(customer_id)` streams
one customer's `LiveEvent`s; `LatestOnly` is the rule for applying them out of order.
`base` holds the interface both backends depend on, so no backend imports another.
"""

from .base import BusClosedError, EventBus, Subscription
from .create import create_bus
from .events import LiveEvent, LiveEventKind
from .memory import InMemoryBus
from .ordering import LatestOnly

__all__ = [
    "BusClosedError",
    "EventBus",
    "InMemoryBus",
    "LatestOnly",
    "LiveEvent",
    "LiveEventKind",
    "Subscription",
    "create_bus",
]
