"""Deep copies of stored objects.

The emulator copies a lot: every answer renders copies of what it stores, and every
preview copies the customer's billing state. Pickle's round trip, done in C, copies these
JSON-like trees three to four times faster than `copy.deepcopy` and keeps its semantics
(shared references stay shared within one copy).
"""

from __future__ import annotations

import pickle
from typing import TypeVar

T = TypeVar("T")


def clone(value: T) -> T:
    """A deep copy of `value`."""
    copied: T = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return copied
