"""The gateway's key-value store: Stripe reads cached per customer, sessions, rate limits,
webhook deduplication, idempotency memos. In memory for one process, Redis when instances share it.
"""

from .cache import GENERATION_TTL_SECONDS, Cache, events_key

__all__ = ["GENERATION_TTL_SECONDS", "Cache", "events_key"]
