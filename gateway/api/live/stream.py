"""One `billingEvents` stream: the customer's live events, while the session lasts.

The stream subscribes the bus for the session's customer only, so another customer's event
never reaches it. A flow session limited to one subscription is not told about the others,
nor about their invoices.

The credentials of the socket are checked again when the stream starts, before each event
is sent, and at least every `SESSION_CHECK_SECONDS` while nothing happens (sooner when the
token expires first). When they no longer hold (revoked, expired, signed out) the stream
raises the reason: the client gets a last `next` carrying the error (its code says why),
then `complete`. Subscribing again is refused with the protocol's `error` message. If the
session store cannot be read, the stream goes on until the next check: the token's expiry
is still enforced locally, and a revocation needs the same store to be recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from ...live_bus import LiveEvent, LiveEventKind
from ..errors import ErrorCode, GatewayError
from .connection import authenticate_connection
from .types import BillingEvent, BillingEventKind

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Collection

    from ...auth.principal import CustomerScope
    from ...live_bus import Subscription
    from ..context import Context

logger = logging.getLogger(__name__)

SESSION_CHECK_SECONDS = 30.0
# Never re-check in a tighter loop than this, whatever the expiry says.
MIN_CHECK_SECONDS = 0.05


class SessionCheck:
    """Re-authenticates a socket's credentials; `GatewayError` says why they stopped holding."""

    def __init__(self, context: Context) -> None:
        self._context = context

    async def scope(self) -> CustomerScope:
        """The scope the credentials grant now (raises `GatewayError` when there is none)."""
        context = self._context
        if context.connection_params is None:
            raise GatewayError(
                ErrorCode.INVALID_INPUT,
                "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql.",
            )
        context.principal = await authenticate_connection(
            context.connection_params, context.services
        )
        return context.scope()

    async def problem(self, scope: CustomerScope) -> GatewayError | None:
        """Why the stream for `scope`'s customer must end now, or None while it may go on."""
        customer_id, expires_at = scope.customer_id, scope.expires_at
        if expires_at is not None and expires_at <= self._context.services.clock():
            if scope.subject is not None:
                return GatewayError(
                    ErrorCode.UNAUTHENTICATED,
                    "The sign-in token has expired. Sign in again.",
                    reason="TOKEN_EXPIRED",
                )
            return GatewayError(
                ErrorCode.SESSION_EXPIRED,
                "The access token has expired. Start a new portal session.",
            )
        try:
            scope = await self.scope()
        except GatewayError as exc:
            return exc
        except Exception:  # the session store's own connection errors vary by backend
            logger.warning("cannot re-check a live session; checking again later", exc_info=True)
            return None
        if scope.customer_id != customer_id:
            return GatewayError(
                ErrorCode.FORBIDDEN, "The credentials now act for another customer."
            )
        return None

    def seconds_until_next(self, expires_at: int | None) -> float:
        delay = SESSION_CHECK_SECONDS
        if expires_at is not None:
            delay = min(delay, expires_at - self._context.services.clock())
        return max(delay, MIN_CHECK_SECONDS)


def subscription_of(event: LiveEvent) -> str | None:
    """The subscription a SUBSCRIPTION event is about (a schedule names its subscription)."""
    if event.object.get("object") == "subscription_schedule":
        found = event.object.get("subscription")
        if isinstance(found, dict):
            found = found.get("id")
        return found if isinstance(found, str) else None
    return event.object_id


def _id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def invoice_subscription(event: LiveEvent) -> str | None:
    """The subscription an INVOICE event's invoice (or invoice item) bills, if any."""
    obj = event.object
    parent = obj.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    if isinstance(details, dict) and _id(details.get("subscription")):
        return _id(details.get("subscription"))
    return _id(obj.get("subscription"))


def visible(event: LiveEvent, scope: CustomerScope, kinds: Collection[LiveEventKind]) -> bool:
    """Whether this subscriber is told about `event` (the bus already scoped the customer)."""
    if event.customer_id != scope.customer_id:
        return False
    if kinds and event.kind not in kinds:
        return False
    limit = scope.flow_subscription_id
    if limit is None:
        return True
    if event.kind is LiveEventKind.SUBSCRIPTION:
        return subscription_of(event) == limit
    if event.kind is LiveEventKind.INVOICE:
        # Another subscription's invoices (or one not billing any) are outside the flow.
        return invoice_subscription(event) == limit
    return True


async def billing_events(
    context: Context, kinds: Collection[BillingEventKind] | None
) -> AsyncGenerator[BillingEvent, None]:
    """Check the credentials (a refusal fails the subscribe), then stream.

    Returns the stream rather than being one, so a refusal is an `error` message of the
    protocol rather than a first event.
    """
    check = SessionCheck(context)
    scope = await check.scope()
    wanted = frozenset(LiveEventKind(kind.value) for kind in kinds or ())
    events = context.services.bus.subscribe(scope.customer_id)
    try:
        # Live before the subscribe is answered: nothing published from now on is missed.
        await events.open()
    except BaseException:
        await events.aclose()
        raise
    return _stream(check, scope, wanted, events)


async def _stream(
    check: SessionCheck,
    scope: CustomerScope,
    kinds: frozenset[LiveEventKind],
    events: Subscription,
) -> AsyncGenerator[BillingEvent, None]:
    ended: list[GatewayError] = []

    async def watch() -> None:
        while True:
            await asyncio.sleep(check.seconds_until_next(scope.expires_at))
            problem = await check.problem(scope)
            if problem is not None:
                ended.append(problem)
                await events.aclose()
                return

    watcher = asyncio.get_running_loop().create_task(watch())
    try:
        async for event in events:
            if not visible(event, scope, kinds):
                continue
            problem = await check.problem(scope)
            if problem is not None:
                raise problem
            yield BillingEvent.from_live(event)
        if ended:
            raise ended[0]
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await events.aclose()


__all__ = ["SESSION_CHECK_SECONDS", "SessionCheck", "billing_events", "visible"]
