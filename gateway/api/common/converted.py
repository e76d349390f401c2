"""GraphQL objects built from frozen models, kept while the model object is the same.

A warm read serves the very same frozen models request after request (the cache builds
them once per cached text, `billing/decoded_json.py`); converting each into its Strawberry
object again on every request was a fifth of a warm overview's CPU. An object kept here is
only ever read (no resolver changes it), so requests can share it. Bounded: the oldest
entry goes first; holding the model keeps its `id` from being reused.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

M = TypeVar("M")
T = TypeVar("T")

KEPT = 4096


class Converted(Generic[M, T]):
    def __init__(self, build: Callable[[M], T], size: int = KEPT) -> None:
        self._build = build
        self._size = size
        self._kept: OrderedDict[int, tuple[M, T]] = OrderedDict()

    def __call__(self, model: M) -> T:
        entry = self._kept.get(id(model))
        if entry is not None and entry[0] is model:
            return entry[1]
        value = self._build(model)
        self._kept[id(model)] = (model, value)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return value
