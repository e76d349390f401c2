"""Read fields from Stripe SDK objects and plain dicts alike."""

from __future__ import annotations

from typing import Any


def value_of(obj: Any, key: str, default: Any = None) -> Any:
    """Read a field from an SDK object or a plain dict alike."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    try:
        value = obj[key]
    except (KeyError, AttributeError, TypeError):
        return default
    return default if value is None else value


def id_of(value: Any) -> str | None:
    """An expandable field's id, whether it came expanded or not."""
    if value is None or isinstance(value, str):
        return value
    return str(value_of(value, "id"))
