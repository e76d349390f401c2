"""A write of the gateway, answered by Stripe, put in the cached customer data in place.

A write's answer is Stripe's state right after it, but its place on Stripe's clock is
unknown, so it is ordered against events by what happened around it (`cache_updates.py`
orders events among themselves):

- before the write, each object's version is read and the object is marked as being
  written by the gateway call (`writing`): the call's own events that arrive before its
  answer leave the documents to the answer;
- the answer lands while no event about the object was ordered during the write, or the
  newest one ordered is the call's own; otherwise (an event that may be older or newer)
  the documents it would change are dropped and read again (`cache_updates.Guard`);
- from just before it is put in place, the written state is remembered until the write's
  own event comes, so a late event with another state cannot land over it
  (`cache_updates._against_write`); this covers the objects the call created too (a
  schedule made by the call, whose creation event states one phase, not the answer's two).

Two concurrent writes of one object are ordered by their own events when they come. A
write that failed or lost its answer is not applied here: its caller empties the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..store import GENERATION_TTL_SECONDS, events_key
from .cache_updates import Guard, carry_out, plan_for, written_key

if TYPE_CHECKING:
    from ..store import Cache

Json = dict[str, Any]


def _object_id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Written:
    """One object as Stripe answered a write of the gateway."""

    obj: Json
    # Its version read before the write was sent (None: no event ordered for it yet).
    seen: int | None
    # The fields the write set (None: any may have changed), for the previews it can change.
    fields: frozenset[str] | None = None
    # The write may have invoiced at once (then, if its latest invoice moved, the cached
    # invoice pages are read again).
    invoiced: bool = False
    # The gateway call that wrote it (`idempotency.call_of`): its other events are older.
    call: str | None = None


# Longer than any write takes (Stripe's timeout and retries included).
WRITING_TTL_SECONDS = 120.0


async def writing(cache: Cache, object_id: str, call: str) -> None:
    """Before a write of the gateway call `call` to the object: until its answer, events of
    the call leave the object's documents to the answer (`_against_write`)."""
    flag = {"call": call, "state": None}
    await cache.set(written_key(object_id), flag, ttl=WRITING_TTL_SECONDS)


# How long a write's state waits for its own event (Stripe delivers within seconds; a
# later straggler is bounded by the documents' staleness bound).
WRITTEN_TTL_SECONDS = 600.0


async def apply_written(cache: Cache, customer_id: str, written: Written, ttl: float) -> bool:
    """A write's answer (Stripe's state right after it) applied like an event, unless an
    event about the object was ordered while the write ran (then what it would change is
    dropped); False when it cannot be applied in place (the caller empties the cache)."""
    await cache.increment(events_key(customer_id), GENERATION_TTL_SECONDS)
    obj = written.obj
    object_id = _object_id(obj.get("id"))
    kind = obj.get("object")
    gone = "deleted" if obj.get("deleted") else "updated"
    previous: Json = (
        dict.fromkeys(written.fields, True) if written.fields is not None else {"written": True}
    )
    plan = plan_for(f"{kind}.{gone}", obj, previous, customer_id)
    if plan is None or object_id is None:
        return False
    prefix = f"cus:{customer_id}:{await cache.generation(customer_id)}:"
    if written.invoiced and kind == "subscription":
        plan.invoice_pages = await _invoiced_at_once(cache, prefix, obj)
    # Before the answer lands: an event of the call read after this (an object the call
    # created, such as a schedule, has no `writing` mark) is then placed against the written
    # state and cannot land an earlier state over the answer.
    for written_id, state in _written_objects(obj):
        flag = {"call": written.call, "state": state}
        await cache.set(written_key(written_id), flag, ttl=min(ttl, WRITTEN_TTL_SECONDS))
    await carry_out(cache, customer_id, plan, guard=Guard(object_id, written.seen, written.call))
    return True


def _written_objects(obj: Json) -> list[tuple[str, Json]]:
    """The objects an answer states: itself, and a subscription's expanded schedule."""
    found = [(str(obj["id"]), obj)]
    schedule = obj.get("schedule") if obj.get("object") == "subscription" else None
    if isinstance(schedule, dict) and _object_id(schedule.get("id")):
        found.append((str(schedule["id"]), schedule))
    return found


async def _invoiced_at_once(cache: Cache, prefix: str, subscription: Json) -> bool:
    """Whether a subscription write invoiced at once: its latest invoice is not the one
    the cached subscription names (not cached: taken to have invoiced)."""
    object_id = _object_id(subscription.get("id"))
    latest = _object_id(subscription.get("latest_invoice"))
    cached = await cache.get(f"{prefix}subscription:{object_id}")
    if not isinstance(cached, dict):
        listed = await cache.get(prefix + "subscriptions")
        rows = listed.get("data") if isinstance(listed, dict) else None
        found = (r for r in rows or [] if isinstance(r, dict) and r.get("id") == object_id)
        cached = next(found, None)
    return not isinstance(cached, dict) or _object_id(cached.get("latest_invoice")) != latest


__all__ = ["WRITING_TTL_SECONDS", "WRITTEN_TTL_SECONDS", "Written", "apply_written", "writing"]
