"""Stripe's events applied to the cached customer data in place, in Stripe's event order.

With webhooks configured, an event about a customer's object no longer empties the
customer's cache: the event's object replaces or joins the cached one (`cached_objects`),
so the next visit costs Stripe nothing. What an event cannot complete alone (an object
whose expansions the cache does not hold) is dropped and read again; next-invoice
previews are dropped when an event that can change them arrives.

Order. Stripe does not deliver in order and retries late, so each object remembers the
`created` of the newest event applied to it (`ver:<id>`, shared in Redis) and an older
event is ignored. Two events about one object in the same second cannot be ordered from
their content: the documents holding it are dropped and read again (unless they already
hold the event's state). A document loaded
from Stripe while an event was being applied is not stored (the events counter moved,
`Cache._store_unless_moved`), so a read can never put back a state older than an event.
A webhook that never arrives is bounded by the documents' lifetime (the staleness bound).

The gateway's own writes (`written_answers.py`) put Stripe's answer in place too. From
just before the answer lands until the write's own event comes, the written state is
remembered (`wrote:<id>`, with the gateway call that wrote it, or only the call while its
answer is awaited): every event of the same call leaves the documents to the answer (it
is older, or the same state with fewer expansions); any other event with another state
may be older than the write, so it drops the documents it would change rather than
landing over the written state (`_against_write`). An event placed before a mark was set
is decided again when its edit lands (`update_document`). An event's version and the
call behind it are set in one step, so a write's guard never reads one without the
other.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from enum import IntEnum
from functools import partial
from typing import TYPE_CHECKING, Any

from ..store import GENERATION_TTL_SECONDS, events_key
from .cached_objects import (
    DROP,
    SAME,
    Outcome,
    in_page,
    nested_in_page,
    replaced,
    same_state,
    with_nested,
)
from .idempotency import call_of
from .subscription_ids import ids_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..store import Cache

logger = logging.getLogger(__name__)

Json = dict[str, Any]
# Versions outlive Stripe's retries of an event (three days), as the dedupe claims do.
VERSION_TTL_SECONDS = 4 * 24 * 3600
INVOICE_PAGES = "invoice-pages"
# Raises the version and, in the same step, names the call behind it: a write's guard
# reading both never sees the new version with the previous event's call.
_RAISE_VERSION = """
local have = tonumber(redis.call('GET', KEYS[1]) or '-1')
local new = tonumber(ARGV[1])
if new > have then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
  return 1
end
if new == have then return 0 end
return -1
"""
# Customer fields whose change leaves every invoice amount as it was.
PREVIEW_NEUTRAL_FIELDS = frozenset(
    {"name", "email", "phone", "metadata", "description", "preferred_locales", "invoice_settings"}
)
# Subscription fields whose change leaves its next invoice as it was (the preview's
# payment method is decided when Stripe charges it, not in the draft).
SUBSCRIPTION_PREVIEW_NEUTRAL_FIELDS = frozenset({"default_payment_method", "metadata"})
UPDATE_ATTEMPTS = 3


@dataclass(frozen=True)
class Guard:
    """What a write's answer is placed against: its object's version before the write, and
    the gateway call that made it."""

    object_id: str
    seen: int | None
    call: str | None


class Order(IntEnum):
    OLDER = -1
    SAME_SECOND = 0
    NEWER = 1


ALL = "*"


@dataclass
class Plan:
    """What one object's new state does to a customer's documents (by kind)."""

    edits: dict[str, Callable[[Json], Outcome]] = field(default_factory=dict)
    # Subscriptions whose next-invoice preview it may change; ALL for every one.
    previews: set[str] = field(default_factory=set)
    invoice: Json | None = None
    # Every cached invoice page is dropped (a write may have invoiced at once).
    invoice_pages: bool = False
    # The state cannot be ordered against what is cached: a document already holding it
    # keeps it, any other it would change is dropped (and read again).
    cautious: bool = False


def version_key(object_id: str) -> str:
    return f"ver:{object_id}"


def ordered_by_key(object_id: str) -> str:
    """The gateway call behind the newest event ordered for the object ("" for none)."""
    return f"verby:{object_id}"


def written_key(object_id: str) -> str:
    """The state a write of the gateway left the object in, until its own event comes."""
    return f"wrote:{object_id}"


async def version_of(cache: Cache, object_id: str) -> int | None:
    """The `created` of the newest event ordered for the object (None: none yet)."""
    return _version(await cache.get(version_key(object_id)))


def _version(stored: object) -> int | None:
    if isinstance(stored, bytes):
        stored = stored.decode()
    if isinstance(stored, str) and stored.lstrip("-").isdigit():
        stored = int(stored)
    return stored if isinstance(stored, int) and not isinstance(stored, bool) else None


async def order_of(cache: Cache, object_id: str, created: int, call: str | None = None) -> Order:
    """Where an event created at `created` stands among those applied to the object; a
    newer one becomes the newest, made by the gateway call `call` (`ordered_by_key`).
    Atomic on Redis; in memory the call is named before the version, so a guard that reads
    the new version reads its call too."""
    key = version_key(object_id)
    by = json.dumps(call or "")  # as the JSON serializer stores it
    redis = cache.redis
    if redis is not None:
        result = await redis.eval(
            _RAISE_VERSION,
            2,
            cache.stored_key(key),
            cache.stored_key(ordered_by_key(object_id)),
            created,
            VERSION_TTL_SECONDS,
            by,
        )
        return Order(int(result))
    stored = await cache.get(key)
    have = stored if isinstance(stored, int) else -1
    if created > have:
        await cache.set(ordered_by_key(object_id), call or "", ttl=VERSION_TTL_SECONDS)
        await cache.set(key, created, ttl=VERSION_TTL_SECONDS)
        return Order.NEWER
    return Order.SAME_SECOND if created == have else Order.OLDER


def _id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _invoice_subscription(invoice: Json) -> str | None:
    parent = invoice.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    found = _id(details.get("subscription")) if isinstance(details, dict) else None
    return found or _id(invoice.get("subscription"))


def _tax_ids_in_customer(tax_id: Json, belongs: bool) -> Callable[[Json], Outcome]:
    def edit(customer: Json) -> Outcome:
        listed = customer.get("tax_ids")
        if not isinstance(listed, dict):
            return SAME
        page = in_page(listed, tax_id, belongs=belongs)
        return page if not isinstance(page, dict) else {**customer, "tax_ids": page}

    return edit


def plan_for(event_type: str, obj: Json, previous: Json, customer_id: str) -> Plan | None:
    """The edits an event makes to the customer's documents; None when it can only empty
    them (an event this table does not know)."""
    kind = obj.get("object")
    object_id = _id(obj.get("id")) or ""
    plan = Plan()
    if kind == "customer":
        if event_type.endswith(".deleted") or obj.get("deleted"):
            plan.edits["customer"] = lambda _: DROP
            plan.previews.add(ALL)
        else:
            plan.edits["customer"] = lambda doc: replaced(doc, obj)
            if not set(previous) <= PREVIEW_NEUTRAL_FIELDS:
                plan.previews.add(ALL)
    elif kind == "tax_id":
        belongs = not event_type.endswith(".deleted") and not obj.get("deleted")
        plan.edits["customer"] = _tax_ids_in_customer(obj, belongs)
        plan.edits["tax_ids"] = lambda page: in_page(page, obj, belongs=belongs)
        plan.previews.add(ALL)  # tax IDs decide reverse charge and exemptions
    elif kind == "subscription":
        belongs = obj.get("status") != "canceled"  # Stripe's default list leaves those out
        plan.edits["subscriptions"] = lambda page: in_page(page, obj, belongs=belongs)
        plan.edits[f"subscription:{object_id}"] = lambda doc: replaced(doc, obj)
        if not previous or not set(previous) <= SUBSCRIPTION_PREVIEW_NEUTRAL_FIELDS:
            plan.previews.add(object_id)
    elif kind == "subscription_schedule":
        subscription = _id(obj.get("subscription"))
        plan.edits["subscriptions"] = lambda page: nested_in_page(page, "schedule", obj)
        if subscription:
            plan.edits[f"subscription:{subscription}"] = lambda doc: with_nested(
                doc, "schedule", obj
            )
            plan.previews.add(subscription)
    elif kind == "payment_method":
        belongs = _id(obj.get("customer")) == customer_id
        plan.edits["payment_methods"] = lambda page: in_page(page, obj, belongs=belongs)
    elif kind == "invoice":
        deleted = event_type.endswith(".deleted") or bool(obj.get("deleted"))
        plan.edits[f"invoice:{object_id}"] = (
            (lambda _: DROP) if deleted else (lambda doc: replaced(doc, obj))
        )
        plan.invoice = {**obj, "deleted": True} if deleted else obj
        subscription = _invoice_subscription(obj)
        if subscription and event_type in ("invoice.created", "invoice.deleted"):
            plan.previews.add(subscription)  # a pending item was drawn into an invoice
    elif kind == "invoiceitem":
        subscription = _id(obj.get("subscription")) or _invoice_item_subscription(obj)
        plan.previews.add(subscription or ALL)
    elif kind == "discount":
        plan.edits["customer"] = lambda _: DROP
        plan.edits["subscriptions"] = lambda _: DROP
        plan.previews.add(ALL)
    elif kind == "setup_intent":
        pass  # nothing the gateway caches holds setup intents
    else:
        return None
    return plan


def _invoice_item_subscription(item: Json) -> str | None:
    parent = item.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    return _id(details.get("subscription")) if isinstance(details, dict) else None


async def apply_event(
    cache: Cache,
    customer_id: str,
    event_type: str,
    created: int,
    obj: Json,
    previous: Json,
    request_key: str | None = None,
) -> bool:
    """Apply one event to the customer's cached documents; False when it cannot be applied
    in place and the caller should empty the customer's cache instead. `request_key`: the
    idempotency key of the API request behind the event (Stripe's `request`)."""
    # First: a read loading meanwhile must not store what it loaded (it may be older).
    await cache.increment(events_key(customer_id), GENERATION_TTL_SECONDS)
    plan = plan_for(event_type, obj, previous, customer_id)
    if plan is None:
        return False
    object_id = _id(obj.get("id"))
    call = call_of(request_key)
    order = await order_of(cache, object_id, created, call) if object_id else Order.SAME_SECOND
    if order is Order.OLDER:
        return True
    plan.cautious = order is Order.SAME_SECOND
    against = None
    if object_id is not None:
        against = await _against_write(cache, object_id, event_type, obj, plan, call)
    version = (object_id, created) if object_id and order is Order.NEWER else None
    await carry_out(cache, customer_id, plan, version, against=against)
    return True


@dataclass(frozen=True)
class Against:
    """The `wrote:` mark an event was placed against (`_against_write`): if a write's answer
    set another before the event's edit lands, the edit is decided again
    (`update_document`)."""

    object_id: str
    seen: object
    call: str | None


# After a write's own event: only the call is remembered (its earlier events may still
# come), and events of other calls are ordered by version again.
OWN_EVENT_CAME = "own"


async def _against_write(
    cache: Cache, object_id: str, event_type: str, obj: Json, plan: Plan, call: str | None
) -> Against:
    """An event about an object the gateway wrote, before the write's own event came.

    Any event of the write's own call leaves the documents to the answer, which states the
    call's last state with the expansions the cache holds (an event's object names them by
    id only; its own event too, which may come before the answer is in place). Its own
    event (the written state) ends the wait for other calls' events. Any other event with
    another state may be older than the write: what it would change is dropped instead."""
    key = written_key(object_id)
    flag = await cache.get(key)
    against = Against(object_id, flag, call)
    if not isinstance(flag, dict):
        return against
    written = flag.get("state")
    own = isinstance(written, dict) and _writes_own(written, event_type, obj)
    if call is not None and call == flag.get("call"):
        plan.edits, plan.invoice = {}, None
        if own:
            came = {"call": call, "state": None, OWN_EVENT_CAME: True}
            await cache.set(key, came, ttl=await cache.expires_in(key) or VERSION_TTL_SECONDS)
            return Against(object_id, came, call)
        return against
    if own:
        await cache.delete(key)
        return Against(object_id, None, call)
    if not flag.get(OWN_EVENT_CAME):
        plan.cautious = True
    return against


def _writes_own(written: Json, event_type: str, obj: Json) -> bool:
    """Whether the event's object is the state the write left (its own event)."""
    gone = event_type.endswith(".deleted") or bool(obj.get("deleted"))
    if gone or written.get("deleted"):
        return gone and bool(written.get("deleted"))
    return same_state(written, obj)


def _unless_changed(edit: Callable[[Json], Outcome], doc: Json) -> Outcome:
    outcome = edit(doc)
    return SAME if outcome is SAME else DROP


async def carry_out(
    cache: Cache,
    customer_id: str,
    plan: Plan,
    version: tuple[str, int] | None = None,
    guard: Guard | None = None,
    against: Against | None = None,
) -> None:
    prefix = f"cus:{customer_id}:{await cache.generation(customer_id)}:"
    for kind, edit in plan.edits.items():
        cautious = partial(_unless_changed, edit) if plan.cautious else edit
        await update_document(cache, prefix + kind, cautious, version, guard, against)
    if plan.invoice is not None:
        await _update_invoice_pages(
            cache, prefix, plan.invoice, version, guard, cautious=plan.cautious, against=against
        )
    if plan.invoice_pages:
        for kind in await _invoice_page_kinds(cache, prefix):
            await cache.delete(prefix + kind)
    if plan.previews:
        for subscription in await _previewed(cache, customer_id, prefix, plan.previews):
            await cache.delete(f"{prefix}upcoming:{subscription}")


async def _previewed(cache: Cache, customer_id: str, prefix: str, wanted: set[str]) -> set[str]:
    if ALL not in wanted:
        return wanted
    found = set(wanted - {ALL})
    hinted = await cache.get(ids_key(customer_id))
    if isinstance(hinted, list):
        found.update(i for i in hinted if isinstance(i, str))
    listed = await cache.get(prefix + "subscriptions")
    if isinstance(listed, dict):
        found.update(str(row["id"]) for row in listed.get("data") or [] if isinstance(row, dict))
    return found


async def remember_invoice_page(cache: Cache, customer_id: str, kind: str) -> None:
    """Note a cached invoice page's kind, so invoice events can find every page to update."""
    key = f"cus:{customer_id}:{await cache.generation(customer_id)}:{INVOICE_PAGES}"
    redis = cache.redis
    if redis is not None:
        await redis.sadd(cache.stored_key(key), kind)
        await redis.expire(cache.stored_key(key), GENERATION_TTL_SECONDS)
        return
    kinds = await cache.get(key)
    listed = [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else []
    if kind not in listed:
        await cache.set(key, [*listed, kind], ttl=GENERATION_TTL_SECONDS)


async def _invoice_page_kinds(cache: Cache, prefix: str) -> list[str]:
    key = prefix + INVOICE_PAGES
    redis = cache.redis
    if redis is not None:
        raw = await redis.smembers(cache.stored_key(key))
        return [k.decode() if isinstance(k, bytes) else str(k) for k in raw]
    listed = await cache.get(key)
    return [k for k in listed if isinstance(k, str)] if isinstance(listed, list) else []


async def _update_invoice_pages(
    cache: Cache,
    prefix: str,
    invoice: Json,
    version: tuple[str, int] | None,
    guard: Guard | None = None,
    *,
    cautious: bool = False,
    against: Against | None = None,
) -> None:
    belongs = not invoice.get("deleted")
    for kind in await _invoice_page_kinds(cache, prefix):
        parts = kind.split(":", 2)  # `invoices:<limit>:<cursor>`
        if len(parts) != 3:
            continue
        _, limit, cursor = parts
        edit: Callable[[Json], Outcome] = partial(
            in_page,
            new=invoice,
            belongs=belongs,
            first_page=not cursor,
            limit=int(limit) if limit.isdigit() else None,
        )
        if cautious:
            edit = partial(_unless_changed, edit)
        await update_document(cache, prefix + kind, edit, version, guard, against)


def _against_mark(against: Against, now: object, outcome: Outcome) -> Outcome:
    """An event's edit, when the `wrote:` mark it was placed against may have changed: the
    same mark, as decided; one set by a write of the event's own call, left to its answer
    (`SAME`); any other, dropped."""
    if now == against.seen:
        return outcome
    if isinstance(now, dict) and against.call is not None and now.get("call") == against.call:
        return SAME
    return DROP


def _decoded(raw: object) -> object:
    """A value read from Redis directly, as the JSON serializer stored it."""
    if raw is None:
        return None
    try:
        return json.loads(raw.decode() if isinstance(raw, bytes) else str(raw))
    except ValueError:
        return raw


def _still_placed(guard: Guard, newest: int | None, by: object) -> bool:
    """Whether a write's answer can still land: no event ordered for its object since the
    write began, or the newest is the write's own call's."""
    if newest == guard.seen:
        return True
    if isinstance(by, bytes):
        by = by.decode()
    if isinstance(by, str) and by.startswith('"'):
        by = json.loads(by)  # stored through the JSON serializer
    return guard.call is not None and by == guard.call


async def update_document(
    cache: Cache,
    key: str,
    edit: Callable[[Json], Outcome],
    version: tuple[str, int] | None = None,
    guard: Guard | None = None,
    against: Against | None = None,
) -> None:
    """Apply `edit` to the document under `key`, if cached, keeping its expiry; atomic
    (Redis: optimistic, WATCH; when the document keeps changing under it, it is dropped).

    `version` (object id, event `created`): the edit writes that event's state only while
    it is still the newest ordered for the object. An event ordered after it (on another
    instance, or another task) may already have read the document: the older state must
    not land after it. Dropping is always allowed. (The memory backend never suspends
    between ordering and editing, so nothing can come between them there.)

    `guard`: a write's answer lands only while no event about the object was ordered since
    the write began, or the newest one ordered was made by the write's own call (its state
    is the answer's or an earlier one); otherwise the document is dropped (the event may be
    older or newer than the write: the next read asks Stripe).

    `against`: the `wrote:` mark an event was placed against. A write's answer may set
    another between that and this edit (Redis: watched; memory: read again): then an event
    of that write's call leaves the document to the answer, any other edit is dropped."""
    tracked = version[0] if version is not None else guard.object_id if guard else None
    redis = cache.redis
    if redis is None:
        doc = await cache.get(key)
        if isinstance(doc, dict):
            outcome = edit(doc)
            if isinstance(outcome, dict) and guard is not None:
                newest = await version_of(cache, guard.object_id)
                by = await cache.get(ordered_by_key(guard.object_id))
                if not _still_placed(guard, newest, by):
                    outcome = DROP
            if isinstance(outcome, dict) and against is not None:
                outcome = _against_mark(
                    against, await cache.get(written_key(against.object_id)), outcome
                )
                if outcome is SAME:
                    return
            ttl = await cache.expires_in(key)
            if outcome is DROP or (isinstance(outcome, dict) and ttl <= 0):
                await cache.delete(key)
            elif isinstance(outcome, dict):
                await cache.set(key, outcome, ttl=ttl)
        return
    from redis.exceptions import WatchError

    name = cache.stored_key(key)
    versioned = cache.stored_key(version_key(tracked)) if tracked is not None else None
    mark = cache.stored_key(written_key(against.object_id)) if against is not None else None
    watched = [k for k in (name, versioned, mark) if k is not None]
    for _ in range(UPDATE_ATTEMPTS):
        async with redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(*watched)
                raw = await pipe.get(name)
                if raw is None:
                    return
                doc = json.loads(raw)
                outcome = edit(doc) if isinstance(doc, dict) else DROP
                if outcome is SAME:
                    return
                if isinstance(outcome, dict) and against is not None and mark is not None:
                    outcome = _against_mark(against, _decoded(await pipe.get(mark)), outcome)
                    if outcome is SAME:
                        return
                if isinstance(outcome, dict) and versioned is not None:
                    newest = _version(await pipe.get(versioned))
                    if version is not None and newest != version[1]:
                        return  # a newer event about the object came in meanwhile
                    if guard is not None:
                        by = await pipe.get(cache.stored_key(ordered_by_key(guard.object_id)))
                        if not _still_placed(guard, newest, by):
                            outcome = DROP  # an event about the object came in meanwhile
                millis = int(await pipe.pttl(name))
                pipe.multi()
                if isinstance(outcome, dict) and millis > 0:
                    pipe.set(name, json.dumps(outcome), px=millis)
                else:
                    pipe.delete(name)
                await pipe.execute()
                return
            except WatchError:
                continue
    logger.warning("cached %s kept changing while an event applied; dropping it", key)
    await cache.delete(key)


__all__ = [
    "Against",
    "Guard",
    "Order",
    "apply_event",
    "carry_out",
    "order_of",
    "plan_for",
    "update_document",
    "version_of",
    "written_key",
]
