"""Cached Stripe JSON, decoded and built into models once per text.

A warm portal read gets the same cached Stripe JSON again and again (the very same string
from the in-process backend, equal bytes from Redis). Decoding it and building the frozen
models from it every time was a large part of a warm overview's CPU; comparing the text
is a memory compare. What is kept is shared between requests, so only values nobody
changes are kept: frozen models, or Stripe's JSON that `billing/` only reads.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

# Text kept for reuse, in characters; the least recently used documents go first.
MAX_CHARS = 4_000_000


def as_decoded(value: Any) -> Any:
    """The build step that keeps the decoded JSON itself."""
    return value


class DecodedJson:
    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        # (key, build) -> (text, build(json.loads(text)))
        self._docs: OrderedDict[tuple[str, Callable[[Any], Any]], tuple[str | bytes, Any]] = (
            OrderedDict()
        )
        self._chars = 0
        self._max_chars = max_chars

    def decode(self, key: str, text: str | bytes, build: Callable[[Any], Any] = as_decoded) -> Any:
        """`build(json.loads(text))`, or what it gave last time `key` had this same text.

        `build` must be one long-lived function (a module-level one), not a new closure per
        call, and must return something its callers never change.
        """
        slot = (key, build)
        kept = self._docs.get(slot)
        if kept is not None and (kept[0] is text or kept[0] == text):
            self._docs.move_to_end(slot)
            return kept[1]
        value = build(json.loads(text))
        if kept is not None:
            self._chars -= len(kept[0])
        self._docs[slot] = (text, value)
        self._docs.move_to_end(slot)
        self._chars += len(text)
        while self._chars > self._max_chars and len(self._docs) > 1:
            _, (dropped, _) = self._docs.popitem(last=False)
            self._chars -= len(dropped)
        return value

    def __len__(self) -> int:
        return len(self._docs)
