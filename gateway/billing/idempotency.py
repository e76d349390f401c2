"""Idempotency keys for Stripe writes, and the memo that lets a client's retry apply once.

Every Stripe write carries an `Idempotency-Key`. Without a client-chosen id the keys are
random per mutation call, which still makes the SDK's own network retries safe. With the
client's `clientMutationId` they are derived from who acts, the mutation and that id, so a
retried call sends Stripe the very same keys and Stripe replays instead of applying twice.
The outcome is remembered for as long as Stripe remembers keys (a day), so a retry that
arrives after the change answers with it rather than being refused by the new state.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Cache

logger = logging.getLogger(__name__)

# Stripe prunes idempotency keys after at least 24 hours; the memo lives as long.
MEMO_TTL_SECONDS = 24 * 3600
PREFIX = "gw_"


def call_of(idempotency_key: str | None) -> str | None:
    """The gateway call a key belongs to (every key of one call shares its base, `gw_<hex>`);
    None for a key that is not the gateway's."""
    if not idempotency_key or not idempotency_key.startswith(PREFIX):
        return None
    return idempotency_key.split("-", 1)[0]


@dataclass(frozen=True)
class IdempotencyKeys:
    """The keys of one mutation call: one per Stripe write, named by its step."""

    base: str
    # True when derived from a client's id (a retry of the call gets the same keys).
    derived: bool

    def key(self, step: str) -> str:
        """The key for one write of this call (`update`, `customer`, `sub_123`, ...)."""
        return f"{self.base}-{step}"


def idempotency_keys(actor: str, mutation: str, client_mutation_id: str | None) -> IdempotencyKeys:
    """Keys for one call of `mutation` by `actor` (a session, or an admin for a customer)."""
    if client_mutation_id is None:
        return IdempotencyKeys(PREFIX + uuid.uuid4().hex, derived=False)
    digest = hashlib.sha256(
        "\x00".join((actor, mutation, client_mutation_id)).encode("utf-8")
    ).hexdigest()
    return IdempotencyKeys(PREFIX + digest, derived=True)


def event_keys(action: str, object_id: str) -> IdempotencyKeys:
    """Keys for a change the gateway makes on its own when Stripe tells it of `object_id`:
    a redelivered or retried event sends Stripe the same keys."""
    digest = hashlib.sha256(f"{action}\x00{object_id}".encode()).hexdigest()
    return IdempotencyKeys(PREFIX + digest, derived=True)


@dataclass(frozen=True)
class Memo:
    """A completed call: a fingerprint of its input and the ids its payload is built from."""

    fingerprint: str
    outcome: dict[str, Any]


def _memo_key(keys: IdempotencyKeys) -> str:
    return f"mutation:{keys.base}"


async def recall_outcome(cache: Cache, keys: IdempotencyKeys) -> Memo | None:
    """The earlier outcome of this call, when a client retries it; None otherwise."""
    if not keys.derived:
        return None
    try:
        data = await cache.get(_memo_key(keys))
    except Exception:  # without the memo a retry still sends Stripe the same keys
        logger.warning("cannot read a mutation memo; treating the call as new", exc_info=True)
        return None
    if not isinstance(data, dict):
        return None
    return Memo(fingerprint=str(data.get("fingerprint")), outcome=dict(data.get("outcome") or {}))


async def remember_outcome(
    cache: Cache, keys: IdempotencyKeys, fingerprint: str, outcome: dict[str, Any]
) -> None:
    """Record a completed call (only calls with a client id can be retried)."""
    if not keys.derived:
        return
    try:
        await cache.set(
            _memo_key(keys),
            {"fingerprint": fingerprint, "outcome": outcome},
            MEMO_TTL_SECONDS,
        )
    except Exception:  # the change is made; only a later retry's answer is affected
        logger.warning("cannot store a mutation memo", exc_info=True)
