"""A claim by path: `app_metadata.stripe_customer_id`, or a namespaced claim whose own name
holds dots and slashes (`https://example.com/stripe_customer_id`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


def claim_at(claims: Mapping[str, Any], path: str) -> object | None:
    """The value at `path`, or None. A claim named exactly `path` wins; else each dot steps
    into an object (the longest matching name first, so `a.b.c` finds `{"a.b": {"c": 1}}`)."""
    if path in claims:
        found: object = claims[path]
        return found
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:cut])
        inner = claims.get(head)
        if isinstance(inner, dict):
            found = claim_at(inner, ".".join(parts[cut:]))
            if found is not None:
                return found
    return None


__all__ = ["claim_at"]
