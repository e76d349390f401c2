"""Strict parameter checking against the `stripe` package's own params TypedDicts.

The SDK's TypedDicts are generated from Stripe's OpenAPI spec, so they are the
reference for which names exist, which are required, and which enum values and
types each takes. Unknown names, bad enums and bad types get Stripe's errors.
"""

from __future__ import annotations

import functools
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Union, get_args, get_origin

from typing_extensions import is_typeddict

from .errors import StripeError, invalid

# Keys of the SDK's RequestOptions base: client options, never sent as params.
_REQUEST_OPTION_KEYS = frozenset(
    {
        "api_key",
        "stripe_version",
        "stripe_account",
        "stripe_context",
        "max_network_retries",
        "idempotency_key",
        "content_type",
        "headers",
    }
)


@functools.cache
def _fields(schema: type) -> tuple[dict[str, Any], frozenset[str]]:
    # RequestOptions names a type only imported for type checking; it is never a param.
    hints = typing.get_type_hints(
        schema, localns={"StripeContext": object, "Mapping": typing.Mapping}
    )
    required: frozenset[str] = getattr(schema, "__required_keys__", frozenset())
    fields = {name: hint for name, hint in hints.items() if name not in _REQUEST_OPTION_KEYS}
    return fields, frozenset(required) - _REQUEST_OPTION_KEYS


def _path(parent: str, key: str | int) -> str:
    return f"{parent}[{key}]" if parent else str(key)


def validate(raw: dict[str, Any], schema: type) -> dict[str, Any]:
    """Check and coerce decoded params; raise the error Stripe would give."""
    result = _check_typeddict(raw, schema, "")
    assert isinstance(result, dict)
    return result


def _check_typeddict(value: Any, schema: type, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {path} must be an object", param=path or None)
    fields, required = _fields(schema)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in fields:
            full = _path(path, key)
            raise StripeError(
                f"Received unknown parameter: {full}", code="parameter_unknown", param=full
            )
        out[key] = _check(item, fields[key], _path(path, key))
    for key in sorted(required):
        if key not in value:
            full = _path(path, key)
            raise StripeError(
                f"Missing required param: {full}.", code="parameter_missing", param=full
            )
    return out


def _literal_values(hint: Any) -> list[Any]:
    return list(get_args(hint)) if get_origin(hint) is Literal else []


def _check(value: Any, hint: Any, path: str) -> Any:
    origin = get_origin(hint)
    if hint is Any or hint is object:
        return value
    if origin in (Union, types.UnionType):
        return _check_union(value, list(get_args(hint)), path)
    if origin is Literal:
        return _check_union(value, [hint], path)
    if origin is list:
        (item_hint,) = get_args(hint)
        if not isinstance(value, list):
            raise invalid(f"Invalid array: {path} must be an array", param=path)
        return [_check(item, item_hint, _path(path, i)) for i, item in enumerate(value)]
    if origin is dict:
        _, item_hint = get_args(hint)
        if not isinstance(value, dict):
            raise invalid(f"Invalid object: {path} must be an object", param=path)
        # An empty value unsets one key (metadata semantics).
        return {
            key: item if item == "" else _check(item, item_hint, _path(path, key))
            for key, item in value.items()
        }
    if is_typeddict(hint):
        return _check_typeddict(value, hint, path)
    return _scalar(value, hint, path)


def _check_union(value: Any, members: list[Any], path: str) -> Any:
    literals = [v for m in members for v in _literal_values(m)]
    if value == "" and "" in literals:
        return ""
    enum = [v for v in literals if v != ""]
    others = [m for m in members if get_origin(m) is not Literal]
    if enum:
        # `Literal[...]|str` is the SDK's forward-compatible spelling of an enum.
        if value in enum:
            return value
        others = [m for m in others if m is not str]
    errors: list[StripeError] = []
    for member in others:
        try:
            return _check(value, member, path)
        except StripeError as exc:
            errors.append(exc)
    if enum:
        listed = ", ".join(str(v) for v in enum[:-1])
        choices = f"{listed}, or {enum[-1]}" if len(enum) > 1 else str(enum[0])
        raise invalid(
            f"Invalid {path}: must be one of {choices}",
            param=path,
            code="parameter_invalid_enum",
        )
    if value == "":
        raise invalid(
            f"You passed an empty string for '{path}'. We assume empty values are an attempt "
            "to unset a parameter; however '{path}' cannot be unset. You should remove "
            f"'{path}' from your request or supply a non-empty value.".replace("{path}", path),
            param=path,
            code="parameter_invalid_empty",
        )
    raise errors[0] if errors else invalid(f"Invalid value for {path}", param=path)


def _scalar(value: Any, hint: Any, path: str) -> Any:
    if isinstance(value, (dict, list)):
        raise invalid(f"Invalid {path}: expected a single value, not an object", param=path)
    if hint is str:
        if value == "":
            raise invalid(
                f"You passed an empty string for '{path}'. We assume empty values are an "
                f"attempt to unset a parameter; however '{path}' cannot be unset. You should "
                f"remove '{path}' from your request or supply a non-empty value.",
                param=path,
                code="parameter_invalid_empty",
            )
        return value
    if hint is bool:
        if value in ("true", "false"):
            return value == "true"
        raise invalid(f"Invalid boolean: {value}", param=path, code="parameter_invalid_boolean")
    if hint is int:
        try:
            return int(value)
        except ValueError:
            raise invalid(
                f"Invalid integer: {value}", param=path, code="parameter_invalid_integer"
            ) from None
    if hint in (float, Decimal):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise invalid(
                f"Invalid decimal: {value}", param=path, code="parameter_invalid_decimal"
            ) from None
        return float(number) if hint is float else number
    # Types the SDK names for objects it sends by id only.
    return value
