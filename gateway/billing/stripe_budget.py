"""A request's budget of Stripe calls: a cap per request, and rate limits charged per call.

Limits that count GraphQL operations do not bound Stripe: one operation can alias fifteen
`invoice(id:)` reads or `createSetupIntent` writes, and Stripe rate-limits the whole
account, the merchant's own backend included. So every call the gateway is about to send
to Stripe for a request is spent from that request's budget first:

- at most `max_calls` distinct calls per request (an SDK retry of the same call is not a
  new one); the calls beyond it are refused, each failing only the field that needed it;
- each call takes a token from the caller's buckets (per access token or admin key, and
  per customer), through `charge`; an empty bucket refuses the call.

A refused call is never sent. Reads served from the cache make no call and cost nothing.
A change that has begun is allowed to finish: once a mutation has sent a write, its later
calls (more writes of the same change, the re-read after an ambiguous failure) are counted
but neither capped nor charged, so a refusal never leaves a change half-applied. Each
mutation opens its own change (`begin_change`), so aliased mutations are each capped, and
closes it once its writes succeeded (`end_change`): the fields of its answer are budgeted.

Work outside a request (background refreshes, webhooks) has no budget and is not limited.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

import stripe

from ..errors import ErrorCode

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from ..errors import BillingErrorCode


@dataclass
class StripeBudget:
    """`max_calls` (0: no cap) and `charge`, which takes one token from the caller's buckets
    and returns None, or the seconds until it could."""

    max_calls: int
    charge: Callable[[], Awaitable[float | None]] | None = None
    calls: int = 0


@dataclass
class _Change:
    wrote: bool = False


class StripeCallRefused(stripe.StripeError):
    """A Stripe call the budget refused; it was not sent. `code` is the error the API reports."""

    def __init__(
        self, code: BillingErrorCode, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.refusal_code = code
        self.refusal_message = message
        self.retry_after = retry_after


_BUDGET: ContextVar[StripeBudget | None] = ContextVar("gateway_stripe_budget", default=None)
_CHANGE: ContextVar[_Change | None] = ContextVar("gateway_stripe_change", default=None)
# Reads that Stripe spells as POST: they change nothing, so they begin no change.
_READ_POSTS = ("/create_preview",)


@contextmanager
def budgeted(budget: StripeBudget) -> Iterator[StripeBudget]:
    """Spend the Stripe calls made inside (and in the tasks started there) from `budget`."""
    token = _BUDGET.set(budget)
    change = _CHANGE.set(None)
    try:
        yield budget
    finally:
        _CHANGE.reset(change)
        _BUDGET.reset(token)


def begin_change() -> None:
    """A mutation starts: its first write is capped and charged, its follow-ups are not."""
    _CHANGE.set(_Change())


def end_change() -> None:
    """The mutation's writes are done: what its answer reads is budgeted like any read."""
    _CHANGE.set(None)


def _finishing() -> bool:
    change = _CHANGE.get()
    return change is not None and change.wrote


async def spend(method: str, path: str) -> None:
    """Spend one Stripe call (`method path`), or raise `StripeCallRefused` without it."""
    budget = _BUDGET.get()
    if budget is None:
        return
    if _finishing():
        budget.calls += 1
        return
    if budget.max_calls and budget.calls >= budget.max_calls:
        raise StripeCallRefused(
            ErrorCode.TOO_MANY_STRIPE_CALLS,
            f"This request needs more than {budget.max_calls} Stripe calls, the most one "
            "request may make; ask for fewer fields or objects at once.",
        )
    budget.calls += 1
    wait = await budget.charge() if budget.charge is not None else None
    if wait is not None:
        budget.calls -= 1
        seconds = max(1, math.ceil(wait))
        raise StripeCallRefused(
            ErrorCode.RATE_LIMITED,
            f"Too many billing requests for this session. Try again in {seconds} second(s).",
            seconds,
        )
    change = _CHANGE.get()
    if change is not None and method.lower() != "get" and not path.endswith(_READ_POSTS):
        change.wrote = True


__all__ = [
    "StripeBudget",
    "StripeCallRefused",
    "begin_change",
    "budgeted",
    "end_change",
    "spend",
]
