"""What every Stripe write shares: its idempotency key, how its failures read, and what
the customer's cache does after it.

With webhooks keeping the cache, a write that Stripe answered puts the answer in place
(`cache_updates.apply_written`): the objects' versions are read before the write is sent
(`versions_before`), so an event that came in meanwhile is never overwritten. A write
that failed, lost its answer, or whose answer cannot be applied empties the customer's
cache, as it always does without webhooks.

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
from .cache_updates import version_of
from .errors import BillingError, stripe_errors
from .idempotency import call_of
from .written_answers import Written, apply_written, writing

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Iterator

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


# The versions of the objects a write is about to change (`cache_updates.version_of`);
# None when the cache is not kept by webhooks or could not be read.
Versions = dict[str, int | None] | None


async def versions_before(billing: Billing, *object_ids: str, key: str | None = None) -> Versions:
    """Read before a write is sent: where each object it will change stands among events.
    With the write's idempotency `key`, the objects are marked as being written by its call
    (`cache_updates.writing`)."""
    if not billing.kept_by_webhooks:
        return None
    call = call_of(key)
    try:
        if call is not None:
            for object_id in object_ids:
                await writing(billing.cache, object_id, call)
        return {object_id: await version_of(billing.cache, object_id) for object_id in object_ids}
    except Exception:  # the cache backend's own errors vary by client
        logger.warning("could not read versions before a write; its answer will not be applied")
        return None


def answered(
    versions: Versions,
    obj: dict[str, Any] | None,
    *,
    fields: Iterable[str] | None = None,
    invoiced: bool = False,
    key: str | None = None,
) -> Written | None:
    """Stripe's answer to a write, to put in place (None: the cache is emptied instead).

    An object not in `versions` is one the write created: no event could be ordered for
    it before. `fields`: what the write set (the previews it can change); `invoiced`: it
    may have invoiced at once; `key`: its idempotency key. None too for a write whose
    answer was lost (`obj` None)."""
    if versions is None or obj is None:
        return None
    object_id = obj.get("id")
    seen = versions.get(object_id) if isinstance(object_id, str) else None
    return Written(
        obj,
        seen,
        frozenset(fields) if fields is not None else None,
        invoiced=invoiced,
        call=call_of(key),
    )


async def forget_customer(billing: Billing, customer_id: str, *answers: Written | None) -> None:
    """After a write (applied or not: a write that timed out may still have happened), empty
    the customer's cache; with webhooks keeping it and every answer Stripe gave to the
    call's writes (`answered`), put those in place instead (`cache_updates.apply_written`).
    A cache that fails here must not turn a change Stripe made into an error for the
    customer; reads are stale until the entries expire, so say so."""
    given = [answer for answer in answers if answer is not None]
    if given and billing.kept_by_webhooks and len(given) == len(answers):
        try:
            for answer in given:
                if not await apply_written(
                    billing.cache, customer_id, answer, billing.customer_ttl
                ):
                    break
            else:
                return
        except Exception:  # the cache backend's own errors vary by client
            # Half placed, its marks may already tell the call's own events to leave the
            # documents to it: empty the customer's cache rather than keep what is there.
            logger.warning(
                "could not put a write's answer in the cache of %s; emptying it",
                customer_id,
                exc_info=True,
            )
    try:
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
