"""What a document's checks found, kept by the document's text.

A warm portal sends the same few documents again and again, and the parser cache hands
back the same parsed document for the same text; measuring it (`document_size`), pricing
it (`cost_limit`) and hashing its whole node tree for the validation cache cost a quarter
of a warm overview's CPU. Keyed by the text (and whatever else the result depends on),
a hit is a dictionary lookup. Bounded: the oldest entry goes first.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

MEMO_SIZE = 256


class Memo(Generic[K, V]):
    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._kept: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        return self._kept.get(key)

    def put(self, key: K, value: V) -> None:
        self._kept[key] = value
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
