"""Stripe's form encoding: `items[0][price]=x&expand[]=y&metadata[k]=v` to nested values."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import invalid

if TYPE_CHECKING:
    from collections.abc import Iterable

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Fold flat key/value pairs into nested dicts and lists.

    Indexed keys (`items[0]`) and empty brackets (`expand[]`) both become lists,
    as Stripe accepts either form.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        match = _KEY.match(raw_key)
        if match is None:
            raise invalid(f"Invalid parameter name: {raw_key}", param=raw_key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        _assign(root, parts, value, raw_key)
    # The top level is always an object, even when every name is a digit.
    return {key: _listify(value) for key, value in root.items()}


def _assign(node: dict[str, Any], parts: list[str], value: str, raw_key: str) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        if isinstance(node.get(head), dict):
            raise invalid(f"Invalid value for {raw_key}: expected an object", param=raw_key)
        node[head] = value
        return
    if rest[0] == "":
        # `expand[]=a&expand[]=b`: append, keyed by arrival order.
        child = node.setdefault(head, {})
        if not isinstance(child, dict):
            raise invalid(f"Invalid array: {raw_key}", param=raw_key)
        index = str(len(child))
        if len(rest) == 1:
            child[index] = value
        else:
            _assign(child, [index, *rest[1:]], value, raw_key)
        return
    child = node.setdefault(head, {})
    if not isinstance(child, dict):
        raise invalid(f"Invalid value for {head}: cannot be both a value and an object", param=head)
    _assign(child, rest, value, raw_key)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
