"""A Stripe object's new state put into a cached document in place (pure, no I/O).

The cache holds Stripe's JSON as the reads asked for it: single objects with some fields
expanded (`test_clock`, `schedule`, `discounts`, `tax_ids`), and list pages (`data`,
`has_more`). An event or a write's answer carries the object with those fields as ids.
Where the id is the one the cache had expanded, the cached expansion is kept; where it
names another object, the document cannot be completed without asking Stripe, so it is
dropped (`DROP`) and the next read loads it. `SAME` says the document needs no change.
"""

from __future__ import annotations

from typing import Any, Final

Json = dict[str, Any]


class _Marker:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


DROP: Final = _Marker("DROP")
SAME: Final = _Marker("SAME")
Outcome = Json | _Marker


def _expanded_id(value: object) -> str | None:
    return value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None


def _field(cached: object, new: object) -> tuple[bool, object]:
    """(ok, value): `new` with `cached`'s expansion kept when both name the same object."""
    if isinstance(new, str) and _expanded_id(cached) is not None:
        return (True, cached) if _expanded_id(cached) == new else (False, None)
    if (
        isinstance(new, list)
        and isinstance(cached, list)
        and cached
        and all(isinstance(v, str) for v in new)
        and all(_expanded_id(v) for v in cached)
    ):
        same = [_expanded_id(v) for v in cached] == new
        return (True, cached) if same else (False, None)
    return True, new


def merged(cached: Json, new: Json) -> Json | None:
    """`new`, keeping `cached`'s expansions of the objects `new` still names, and the
    fields only an expansion brings (a customer's `tax_ids`); None when `new` names an
    object the cache had expanded but another one."""
    result: Json = {}
    for key, value in new.items():
        ok, kept = _field(cached.get(key), value)
        if not ok:
            return None
        result[key] = kept
    for key, value in cached.items():
        if key not in result:
            result[key] = value
    return result


def _plain(obj: Json) -> Json:
    """The object with every expansion collapsed to its id (to compare states)."""
    plain: Json = {}
    for key, value in obj.items():
        if key.startswith("_gateway"):
            continue
        if _expanded_id(value) is not None and key != "tax_ids":
            plain[key] = _expanded_id(value)
        elif isinstance(value, list) and value and all(_expanded_id(v) for v in value):
            plain[key] = [_expanded_id(v) for v in value]
        else:
            plain[key] = value
    return plain


def same_state(cached: Json, new: Json) -> bool:
    """True when `new` says nothing the cached object does not (fields `new` has agree)."""
    have = _plain(cached)
    return all(have.get(key) == value for key, value in _plain(new).items())


def _expansions_held(cached: Json, new: Json) -> bool:
    """Whether every object `new` expands (a write's answer: a subscription's schedule with
    its phases) is held by `cached` as it is; an event names them by id only."""
    for key, value in new.items():
        expanded = _expanded_id(value) is not None or (
            isinstance(value, list) and value and all(_expanded_id(v) for v in value)
        )
        if expanded and cached.get(key) != value:
            return False
    return True


def replaced(cached: Json, new: Json) -> Outcome:
    """A cached single object after `new` (the same object's newer state, with the objects
    it expands: those replace the cached expansions)."""
    if same_state(cached, new) and _expansions_held(cached, new):
        return SAME
    result = merged(cached, new)
    return DROP if result is None else {**result, **_meta(cached)}


def _meta(doc: Json) -> Json:
    return {key: value for key, value in doc.items() if key.startswith("_gateway")}


def _created(obj: Json) -> int:
    value = obj.get("created")
    return value if isinstance(value, int) else 0


def in_page(
    page: Json, new: Json, *, belongs: bool, first_page: bool = True, limit: int | None = None
) -> Outcome:
    """A cached list page (newest first) after `new`.

    In the page: replaced, or removed when it no longer `belongs` (detached, canceled). Not
    in it and belonging: joins a first page at its place by `created` (a full page then
    drops its oldest and has more: `limit`, else its length when it had more); a page
    further on is dropped (its cursor is an object whose place the page cannot tell).
    """
    data = page.get("data")
    if not isinstance(data, list):
        return DROP
    object_id = new.get("id")
    for index, cached in enumerate(data):
        if isinstance(cached, dict) and cached.get("id") == object_id:
            if not belongs:
                if page.get("has_more"):
                    return DROP  # the page would have to be refilled from Stripe
                return {**page, "data": data[:index] + data[index + 1 :]}
            updated = replaced(cached, new)
            if updated is SAME or updated is DROP:
                return updated
            return {**page, "data": [*data[:index], updated, *data[index + 1 :]]}
    if not belongs:
        return SAME
    if not first_page:
        return DROP
    created = _created(new)
    older = (i for i, row in enumerate(data) if isinstance(row, dict) and _created(row) <= created)
    position = next(older, len(data))
    if position == len(data) and page.get("has_more"):
        return SAME  # older than everything shown: it belongs to a later page
    if _collapsed(new):
        return DROP  # a newcomer whose expansions the cache cannot fill in
    rows = [*data[:position], new, *data[position:]]
    if limit is None and page.get("has_more"):
        limit = len(data)
    has_more = bool(page.get("has_more"))
    if limit is not None and len(rows) > limit:
        rows, has_more = rows[:limit], True
    return {**page, "data": rows, "has_more": has_more}


def _collapsed(new: Json) -> bool:
    """Whether `new` holds an id where cached objects of its kind are expanded."""
    return any(
        isinstance(new.get(key), str) or (isinstance(new.get(key), list) and new.get(key))
        for key in EXPANDED_IN_LISTS.get(str(new.get("object")), ())
    )


# The fields the gateway's list reads expand, per object kind (see subscriptions.py and
# invoices.py): a new object joining such a list needs them, so it is loaded instead.
EXPANDED_IN_LISTS: dict[str, tuple[str, ...]] = {
    "subscription": ("schedule", "test_clock", "discounts"),
    "invoice": ("discounts",),
}


def with_nested(doc: Json, field: str, new: Json) -> Outcome:
    """`doc` with its expanded `field` replaced by `new` when it is the same object."""
    cached = doc.get(field)
    if _expanded_id(cached) != new.get("id") or not isinstance(cached, dict):
        return SAME
    updated = replaced(cached, new)
    if updated is SAME or updated is DROP:
        return updated
    return {**doc, field: updated}


def nested_in_page(page: Json, field: str, new: Json) -> Outcome:
    """Every object of `page` whose expanded `field` is `new`'s object, updated."""
    data = page.get("data")
    if not isinstance(data, list):
        return DROP
    changed = False
    rows: list[Any] = []
    for row in data:
        outcome = with_nested(row, field, new) if isinstance(row, dict) else SAME
        if outcome is DROP:
            return DROP
        if isinstance(outcome, dict):
            changed = True
            rows.append(outcome)
        else:
            rows.append(row)
    return {**page, "data": rows} if changed else SAME


__all__ = [
    "DROP",
    "SAME",
    "Outcome",
    "in_page",
    "merged",
    "nested_in_page",
    "replaced",
    "same_state",
    "with_nested",
]
