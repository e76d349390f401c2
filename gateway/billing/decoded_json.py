"""Recently decoded JSON documents, reused while their text is unchanged.

A warm portal read gets the same cached Stripe JSON again and again (the very same string
from the in-process backend, equal bytes from Redis). Decoding it every time was a fifth
of a warm overview's CPU; comparing the text is a memory compare. The decoded documents
are shared between requests, so only data its readers never change goes through here:
Stripe's JSON, which `billing/` turns into frozen models.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

# Text kept for reuse, in characters; the least recently used documents go first.
MAX_CHARS = 4_000_000


class DecodedJson:
    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self._docs: OrderedDict[str, tuple[str | bytes, Any]] = OrderedDict()
        self._chars = 0
        self._max_chars = max_chars

    def decode(self, key: str, text: str | bytes) -> Any:
        """`json.loads(text)`, or what it gave last time `key` had this same text."""
        kept = self._docs.get(key)
        if kept is not None and (kept[0] is text or kept[0] == text):
            self._docs.move_to_end(key)
            return kept[1]
        value = json.loads(text)
        if kept is not None:
            self._chars -= len(kept[0])
        self._docs[key] = (text, value)
        self._docs.move_to_end(key)
        self._chars += len(text)
        while self._chars > self._max_chars and len(self._docs) > 1:
            _, (dropped, _) = self._docs.popitem(last=False)
            self._chars -= len(dropped)
        return value

    def __len__(self) -> int:
        return len(self._docs)
