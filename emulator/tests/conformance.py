"""Checks a JSON object against the `stripe` SDK's declaration of its type.

Every field must be declared on the SDK class for the object's `object` value
(nested objects against the nested classes the SDK declares), and every field
the SDK declares as non-Optional must be present. The SDK is generated from
Stripe's OpenAPI spec, so this is a check against Stripe's own object shapes.
"""

from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, Any, ClassVar, Union, get_args, get_origin

from stripe._object_classes import OBJECT_CLASSES, get_object_class

if TYPE_CHECKING:
    from stripe import StripeObject

_ANY_SHAPE = frozenset({"metadata"})


def sdk_class(object_name: str) -> type[StripeObject] | None:
    if object_name not in OBJECT_CLASSES or object_name in ("list", "search_result"):
        return None
    return get_object_class("V1", object_name)


def _fields(cls: type) -> dict[str, Any]:
    """Wire names declared on `cls` (not inherited plumbing), with their annotations."""
    remap = getattr(cls, "_field_remappings", {}) or {}
    declared: dict[str, Any] = {}
    for name, hint in inspect.get_annotations(cls).items():
        origin: object = get_origin(hint)
        if origin is ClassVar or name.startswith("_") or name == "OBJECT_NAME":
            continue
        declared[remap.get(name, name)] = hint
    return declared


def _optional(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)


def check(value: Any, where: str, cls: type | None = None) -> list[str]:
    """Problems with `value` (an object or any nested value) found at `where`."""
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in check(item, f"{where}[{i}]", cls)]
    if not isinstance(value, dict):
        return []
    name = value.get("object")
    if isinstance(name, str) and name == "list":
        return check(value.get("data", []), f"{where}.data")
    if isinstance(name, str) and (named := sdk_class(name)) is not None:
        cls = named
        where = f"{where}<{name}>"
    elif isinstance(name, str) and cls is None:
        return [f"{where}: the SDK declares no object type {name!r}"]
    if cls is None:
        return []
    declared = _fields(cls)
    inner: dict[str, type] = getattr(cls, "_inner_class_types", {}) or {}
    dicts: list[str] = getattr(cls, "_inner_class_dicts", []) or []
    problems = []
    deleted = value.get("deleted") is True
    for key, item in value.items():
        if key not in declared:
            problems.append(f"{where}.{key}: not declared on {cls.__qualname__}")
            continue
        if key in _ANY_SHAPE:
            continue
        nested = inner.get(key)
        if key in dicts and isinstance(item, dict):
            problems += [p for k, v in item.items() for p in check(v, f"{where}.{key}.{k}", nested)]
        else:
            problems += check(item, f"{where}.{key}", nested)
    if not deleted:
        problems += [
            f"{where}.{key}: declared non-optional on {cls.__qualname__} but missing"
            for key, hint in declared.items()
            if key not in value and not _optional(hint)
        ]
    return problems
