"""The emulator's whole state: objects by id, the clock, events, and their deliveries."""

from __future__ import annotations

import itertools
import random
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .clone import clone
from .errors import StripeError, invalid, resource_missing

Obj = dict[str, Any]
Renderer = Callable[["Emulator", Obj], Obj]

# Turns a stored object into its wire shape (e.g. a subscription's `items` list).
RENDERERS: dict[str, Renderer] = {}
# Includable properties: absent from an object unless expanded (a customer's `subscriptions`),
# computed from the object's rendered shape when a request names them in `expand`.
INCLUDABLES: dict[tuple[str, str], Renderer] = {}
MAX_EXPAND_DEPTH = 4


def renderer(object_type: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[object_type] = fn
        return fn

    return register


def includable(object_type: str, name: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        INCLUDABLES[(object_type, name)] = fn
        return fn

    return register


@dataclass
class Emulator:
    """One Stripe test-mode account, held in memory."""

    seed: int | None = None
    objects: dict[str, Obj] = field(default_factory=dict)
    # Hooks run on every new event (webhook delivery subscribes here).
    event_listeners: list[Callable[[Obj], None]] = field(default_factory=list)
    # The API request being answered (`{id, idempotency_key}`), stamped on its events.
    current_request: Obj | None = None
    _sequence: dict[str, int] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    # The same objects by type, then id: lists and lookups scan one type, not the account
    # (events alone outnumber everything else).
    _by_type: dict[str, dict[str, Obj]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    # -- ids and time -------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        alphabet = string.ascii_letters + string.digits
        return prefix + "_" + "".join(self.random.choice(alphabet) for _ in range(24))

    def now(self, customer: str | None = None) -> int:
        """Unix time as seen by `customer`: its test clock's frozen time when it has one."""
        if customer is not None:
            cus = self.objects.get(customer)
            clock_id = cus.get("test_clock") if cus else None
            if clock_id and clock_id in self.objects:
                return int(self.objects[clock_id]["frozen_time"])
        return int(time.time())

    # -- storage ------------------------------------------------------------
    def put(self, obj: Obj) -> Obj:
        """Store a new or changed object (stored objects hold ids, not nested objects)."""
        if obj["id"] not in self._sequence:
            self._sequence[obj["id"]] = next(self._counter)
        self.objects[obj["id"]] = obj
        self._by_type.setdefault(obj["object"], {})[obj["id"]] = obj
        return obj

    def create(
        self, prefix: str, object_type: str, fields: Obj, *, customer: str | None = None
    ) -> Obj:
        obj: Obj = {
            "id": self.new_id(prefix),
            "object": object_type,
            "created": self.now(customer),
            "livemode": False,
        }
        obj.update(fields)
        return self.put(obj)

    def delete(self, object_id: str) -> None:
        obj = self.objects.pop(object_id, None)
        if obj is not None:
            self._by_type.get(obj["object"], {}).pop(object_id, None)

    def of_type(self, object_type: str) -> Iterable[Obj]:
        """Every stored object of a type, in no particular order."""
        return self._by_type.get(object_type, {}).values()

    def get(
        self, object_id: str, object_type: str, *, noun: str | None = None, param: str | None = "id"
    ) -> Obj:
        """The stored object, or Stripe's `No such <noun>` 404 naming `param`."""
        obj = self.objects.get(object_id) if isinstance(object_id, str) else None
        if obj is None or obj["object"] != object_type or obj.get("deleted"):
            raise resource_missing(
                noun or object_type.split(".")[-1].replace("_", " "), str(object_id), param
            )
        return obj

    def find(self, object_type: str, where: Callable[[Obj], bool] = lambda _: True) -> list[Obj]:
        """Objects of a type, newest first, as Stripe lists them."""
        found = [o for o in self.of_type(object_type) if where(o)]
        found.sort(key=lambda o: (o["created"], self._sequence[o["id"]]), reverse=True)
        return found

    # -- rendering ------------------------------------------------------------
    def render(self, obj: Obj) -> Obj:
        """The wire shape of a stored object; top-level `_keys` are the emulator's own notes."""
        fn = RENDERERS.get(obj["object"])
        shape = fn(self, obj) if fn else clone(obj)
        return {key: value for key, value in shape.items() if not key.startswith("_")}

    def page(self, objects: list[Obj], params: Obj, url: str) -> Obj:
        """A Stripe list object, honouring limit / starting_after / ending_before."""
        limit = params.get("limit", 10)
        if not 1 <= limit <= 100:
            raise invalid(
                "Invalid limit: must be between 1 and 100",
                param="limit",
                code="parameter_invalid_integer",
            )
        ids = [o["id"] for o in objects]
        after, before = params.get("starting_after"), params.get("ending_before")
        if after and before:
            raise invalid(
                "You may only specify one of these parameters: ending_before, starting_after.",
                code="parameters_exclusive",
            )
        if after is not None:
            if after not in ids:
                raise resource_missing("object", after, "starting_after")
            window = objects[ids.index(after) + 1 :]
            chosen = window[:limit]
            has_more = len(window) > limit
        elif before is not None:
            if before not in ids:
                raise resource_missing("object", before, "ending_before")
            window = objects[: ids.index(before)]
            chosen = window[-limit:]
            has_more = len(window) > limit
        else:
            chosen = objects[:limit]
            has_more = len(objects) > limit
        return {
            "object": "list",
            "data": [self.render(o) for o in chosen],
            "has_more": has_more,
            "url": url,
        }

    def expand(self, body: Obj, paths: Iterable[str]) -> Obj:
        for path in paths:
            parts = path.split(".")
            # A list's `data.` counts: `data.payment_intent.customer.default_source` is the
            # deepest expansion Stripe allows when listing charges.
            if len(parts) > MAX_EXPAND_DEPTH:
                raise invalid(
                    f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. "
                    f"Property: {path}",
                    param="expand",
                )
            self._expand(body, parts, path)
        return body

    def _expand(self, node: Any, parts: list[str], path: str) -> None:
        if not parts or node is None:
            return
        if isinstance(node, list):
            for item in node:
                self._expand(item, parts, path)
            return
        if not isinstance(node, dict):
            raise invalid(f"This property cannot be expanded ({path}).", param="expand")
        if node.get("deleted") is True:
            # A deleted object answers with its stub (id, object, deleted): nothing to expand.
            return
        key, rest = parts[0], parts[1:]
        if key not in node and (node.get("object"), key) in INCLUDABLES:
            node[key] = INCLUDABLES[(node["object"], key)](self, node)
        if key not in node:
            raise invalid(f"This property cannot be expanded ({path}).", param="expand")
        value = node[key]
        if isinstance(value, str):
            value = node[key] = self._expanded(value, path)
        elif isinstance(value, list):
            # A list of ids (e.g. a subscription's `discounts`) expands item by item.
            value = node[key] = [
                self._expanded(v, path) if isinstance(v, str) else v for v in value
            ]
        self._expand(value, rest, path)

    def _expanded(self, object_id: str, path: str) -> Obj:
        target = self.objects.get(object_id)
        if target is None:
            raise invalid(f"This property cannot be expanded ({path}).", param="expand")
        return self.render(target)

    # -- events ---------------------------------------------------------------
    def emit(self, event_type: str, obj: Obj, previous: Obj | None = None) -> Obj:
        """Record an event for `obj` as it is now and hand it to the listeners."""
        data: Obj = {"object": self.render(obj)}
        if previous:
            data["previous_attributes"] = previous
        customer = obj.get("customer") if isinstance(obj.get("customer"), str) else None
        if obj["object"] == "customer":
            customer = obj["id"]
        event = self.create(
            "evt",
            "event",
            {
                "api_version": "2026-10-28.endive",
                "data": data,
                "pending_webhooks": 0,
                "request": dict(self.current_request or {"id": None, "idempotency_key": None}),
                "type": event_type,
            },
            customer=customer,
        )
        for listener in self.event_listeners:
            listener(event)
        return event


def require(
    condition: bool, message: str, *, param: str | None = None, code: str | None = None
) -> None:
    """Raise Stripe's 400 with `message` unless `condition` holds."""
    if not condition:
        raise StripeError(message, param=param, code=code)
