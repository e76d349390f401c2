"""Cached Stripe JSON is decoded (and built into models) once per text: the same text gives the
same result back, changed text is decoded again, and the kept text stays under its bound."""

from __future__ import annotations

import json

from gateway.store import Cache
from gateway.store.decoded_json import DecodedJson


def test_the_same_text_is_decoded_once() -> None:
    decoded = DecodedJson()
    text = json.dumps({"id": "sub_1", "items": [1, 2]})
    first = decoded.decode("k", text)
    assert first == {"id": "sub_1", "items": [1, 2]}
    assert decoded.decode("k", text) is first
    # Equal text read back from Redis is a different object: still reused.
    assert decoded.decode("k", text.encode()) is not first
    assert decoded.decode("k", text.encode()) == first


def test_changed_text_is_decoded_again() -> None:
    decoded = DecodedJson()
    first = decoded.decode("k", '{"n": 1}')
    assert decoded.decode("k", '{"n": 2}') == {"n": 2}
    assert decoded.decode("k", '{"n": 1}') is not first


def test_the_least_recently_used_text_goes_first() -> None:
    decoded = DecodedJson(max_chars=40)
    a = decoded.decode("a", '{"a": "0123456789"}')
    decoded.decode("b", '{"b": 1}')
    decoded.decode("a", '{"a": "0123456789"}')
    decoded.decode("c", '{"c": "0123456789"}')
    assert len(decoded) == 2
    assert decoded.decode("a", '{"a": "0123456789"}') is a


async def test_a_warm_read_reuses_the_decoded_document() -> None:
    cache = Cache.from_url(None)
    loads = 0

    async def load() -> dict[str, object]:
        nonlocal loads
        loads += 1
        return {"object": "list", "data": [{"id": "in_1"}]}

    try:
        fresh: object = await cache.customer_cached("cus_1", "invoices", 30, load)
        warm: object = await cache.customer_cached("cus_1", "invoices", 30, load)
        again: object = await cache.customer_cached("cus_1", "invoices", 30, load)
        assert loads == 1
        assert warm == fresh
        assert again is warm
        await cache.invalidate_customer("cus_1")
        assert await cache.customer_cached("cus_1", "invoices", 30, load) == fresh
        assert loads == 2
    finally:
        await cache.close()


BUILDS: list[object] = []


def _ids(page: object) -> tuple[str, ...]:
    BUILDS.append(page)
    assert isinstance(page, dict)
    return tuple(str(obj["id"]) for obj in page["data"])


async def test_a_warm_read_builds_its_models_once() -> None:
    cache = Cache.from_url(None)
    BUILDS.clear()

    async def load() -> dict[str, object]:
        return {"object": "list", "data": [{"id": "in_1"}, {"id": "in_2"}]}

    try:
        fresh: object = await cache.customer_cached("cus_1", "invoices", 30, load, _ids)
        warm: object = await cache.customer_cached("cus_1", "invoices", 30, load, _ids)
        again: object = await cache.customer_cached("cus_1", "invoices", 30, load, _ids)
        assert fresh == warm == ("in_1", "in_2")
        assert again is warm
        # Built from what Stripe answered, then once from the cached text.
        assert len(BUILDS) == 2
        # Without a cache every read loads and builds.
        assert await cache.customer_cached("cus_1", "invoices", 0, load, _ids) == fresh
        assert len(BUILDS) == 3
    finally:
        await cache.close()
