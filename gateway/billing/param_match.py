"""Whether an object read back from Stripe holds what a write sent: the test a lost answer
is resolved with for writes that set plain fields (a customer's details, a default)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def holds_params(obj: Mapping[str, Any], params: Mapping[str, Any]) -> bool:
    """Every sent field has the sent value (`""` clears: the field is empty or null)."""
    for key, sent in params.items():
        if key == "expand":
            continue
        found = obj.get(key)
        if isinstance(sent, Mapping):
            if not isinstance(found, Mapping) or not holds_params(found, sent):
                return False
        elif sent == "" or sent is None:
            if found not in (None, "", {}, []):
                return False
        elif isinstance(found, Mapping) and "id" in found:
            if found["id"] != sent:  # an expanded object stands for its id
                return False
        elif str(found) != str(sent) and found != sent:
            return False
    return True
