"""The gateway's key-value store: Stripe reads cached per customer, sessions, rate limits,
webhook deduplication, idempotency memos. In memory for one process, Redis when instances share it.
"""

from .cache import Cache

__all__ = ["Cache"]
