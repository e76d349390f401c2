"""What every Stripe write shares: its idempotency key, how its failures read, and the
cache invalidation that follows it.

A reused idempotency key with different parameters is the client's doing (it sent the same
`clientMutationId` for a different request), so it is reported as bad input on that key
rather than as a billing failure.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import stripe

from ..errors import ErrorCode
from .cache_updates import apply_written
from .errors import BillingError, stripe_errors

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from stripe import RequestOptions

    from .client import Billing

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The `param` a reused key is reported under; the API maps it onto `clientMutationId`.
IDEMPOTENCY_PARAM = "idempotency_key"
REUSED_KEY_MESSAGE = (
    "This clientMutationId was already used for a different request; use a new one."
)


def with_key(idempotency_key: str) -> RequestOptions:
    return {"idempotency_key": idempotency_key}


@contextmanager
def stripe_write(noun: str | None = None) -> Iterator[None]:
    """Run one Stripe write inside; its failures come out as `BillingError`s."""
    with stripe_errors(noun=noun):
        try:
            yield
        except stripe.IdempotencyError:
            raise BillingError(
                ErrorCode.INVALID_INPUT, REUSED_KEY_MESSAGE, param=IDEMPOTENCY_PARAM
            ) from None


async def forget_customer(
    billing: Billing, customer_id: str, written: dict[str, Any] | None = None
) -> None:
    """Invalidate the customer's cache after a write (applied or not: a write that timed out
    may still have happened). With webhooks keeping the cache and Stripe's answer to the
    write (`written`), the answer is put in place instead (`cache_updates.apply_written`).
    A cache that fails here must not turn a change Stripe made into an error for the
    customer; reads are stale until the entries expire, so say so."""
    try:
        if (
            written is not None
            and billing.kept_by_webhooks
            and await apply_written(billing.cache, customer_id, written)
        ):
            return
        await billing.invalidate_customer(customer_id)
    except Exception:  # the cache backend's own errors vary by client
        logger.error(
            "could not invalidate the cache of %s after a write; reads may be stale for up to %ss",
            customer_id,
            billing.customer_ttl,
            exc_info=True,
        )


NOT_APPLIED_MESSAGE = (
    "The billing service failed to answer, and it has not made this change. Please try again."
)
UNKNOWN_OUTCOME_MESSAGE = (
    "Stripe did not answer, and could not be asked afterwards whether it made this change. "
    "Reload to see what it holds before trying again."
)


async def resolve_lost_answer(cause: BillingError, check: Callable[[], Awaitable[T | None]]) -> T:
    """After a write failed without a clear answer, ask Stripe what it holds.

    `check` re-reads and returns the written object when the change is in place, None when
    it is not. Returns that object (the write happened: success), or raises `cause` saying
    nothing changed; when even the re-read fails, an OUTCOME_UNKNOWN error. Only for
    `cause.ambiguous` failures: a clear refusal is its own answer.
    """
    try:
        found = await check()
    except BillingError:
        logger.warning("could not re-read Stripe after a write without an answer")
        raise BillingError(ErrorCode.OUTCOME_UNKNOWN, UNKNOWN_OUTCOME_MESSAGE) from None
    if found is not None:
        logger.info("a write without an answer had been applied; answering with it")
        return found
    cause.say(NOT_APPLIED_MESSAGE)
    raise cause
