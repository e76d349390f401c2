"""Validates raw JSON answers against Stripe's own schemas for the emulator's API version.

The schemas (`schemas/stripe-api.json`, made by `schemas/regenerate.py`) say, for each
object, which fields Stripe always sends (`required`, null only where `nullable`), which it
may send, and nothing else. Checked here, where the SDK's `Optional` cannot tell them apart:

- a required field is present, and null only where Stripe sends null;
- no field Stripe does not have; no null where Stripe leaves a field out instead;
- enum values are Stripe's, types are Stripe's;
- an includable field (a customer's `tax_ids`) and an expanded object appear only when the
  request named them in `expand[]`; event payloads expand nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).with_name("schemas") / "stripe-api.json"
PREFIX = "#/components/schemas/"


def path_key(method: str, pattern: str) -> str:
    return f"{method.upper()} {re.sub(r'{[^}]*}', '{}', pattern)}"


def _children(expanded: frozenset[str], key: str) -> frozenset[str]:
    """The expand paths below `key` (`data.tax_ids` becomes `tax_ids` inside `data`)."""
    return frozenset(p[len(key) + 1 :] for p in expanded if p.startswith(key + "."))


def _dig(value: Any, dotted: str) -> bool:
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


@dataclass(frozen=True)
class StripeSchemas:
    operations: dict[str, Any]
    events: dict[str, Any]
    schemas: dict[str, Any]
    includable: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path = SCHEMAS) -> StripeSchemas:
        data = json.loads(path.read_text())
        return cls(data["operations"], data["events"], data["schemas"], data["includable"])

    def response(self, method: str, pattern: str, body: Any, expand: list[str]) -> list[str]:
        """Violations in the answer to `method pattern` (the route as the emulator names it)."""
        key = path_key(method, pattern)
        schema = self.operations.get(key)
        if schema is None:
            return [f"{key}: Stripe has no such operation"]
        return self.check(body, schema, key, frozenset(expand))

    def event(self, event: Any, where: str) -> list[str]:
        """Violations in an event (its `data.object` and `previous_attributes` included)."""
        schema = self.events.get(str(event.get("type"))) if isinstance(event, dict) else None
        if schema is None:
            return [f"{where}: Stripe has no event type {event.get('type')!r}"]
        return self.check(event, schema, where, frozenset())

    def stored(self, obj: Any, where: str) -> list[str]:
        """Violations in an object as the emulator renders it (any type, nothing expanded)."""
        if isinstance(obj, dict) and obj.get("object") == "event":
            return self.event(obj, where)
        kind = obj.get("object") if isinstance(obj, dict) else None
        deleted = isinstance(obj, dict) and obj.get("deleted") is True
        for schema in self.schemas.values():
            if (
                schema.get("x-object") == kind
                and ("deleted" in schema.get("required", [])) == deleted
            ):
                return self.check(obj, schema, where, frozenset())
        return [f"{where}: Stripe has no object type {kind!r}"]

    def resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.schemas[schema["$ref"][len(PREFIX) :]]
        return schema

    def check(self, value: Any, schema: Any, where: str, expanded: frozenset[str]) -> list[str]:
        schema = self.resolve(schema)
        if "x-unmodelled" in schema:
            return [f"{where}: an expanded {schema['x-unmodelled']}, which is not modelled"]
        if value is None:
            return [] if schema.get("nullable") else [f"{where}: null, but Stripe never sends null"]
        if "anyOf" in schema:
            return self._any_of(value, schema["anyOf"], where, expanded)
        kind = schema.get("type")
        if kind == "string":
            if not isinstance(value, str):
                return [f"{where}: {value!r} is not a string"]
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return [f"{where}: {value!r} is not a number"]
        elif kind == "boolean":
            if not isinstance(value, bool):
                return [f"{where}: {value!r} is not a boolean"]
        elif kind == "array":
            if not isinstance(value, list):
                return [f"{where}: {type(value).__name__} is not an array"]
            items = schema.get("items", {})
            return [
                p
                for i, item in enumerate(value)
                for p in self.check(item, items, f"{where}[{i}]", expanded)
            ]
        elif kind == "object" or "properties" in schema:
            return self._object(value, schema, where, expanded)
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of Stripe's values {schema['enum']}"]
        return []

    def _any_of(
        self, value: Any, members: list[Any], where: str, expanded: frozenset[str]
    ) -> list[str]:
        resolved = [self.resolve(m) for m in members]
        expandable = any(m.get("type") == "string" for m in resolved)
        if isinstance(value, dict) and expandable and "" not in expanded:
            # An expandable field: an object only when the request expanded it.
            return [f"{where}: an object where Stripe sends an id (not expanded)"]
        if isinstance(value, dict) and isinstance(value.get("object"), str):
            deleted = value.get("deleted") is True
            named = [
                m
                for m in resolved
                if value["object"] in _object_names(m)
                and ("deleted" in m.get("required", [])) == deleted
            ]
            if named:
                resolved = named
        results = [self.check(value, m, where, expanded) for m in resolved]
        if any(not r for r in results):
            return []
        return min(results, key=len)

    def _object(
        self, value: Any, schema: dict[str, Any], where: str, expanded: frozenset[str]
    ) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not an object"]
        properties: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        problems = []
        object_name = value.get("object") if isinstance(value.get("object"), str) else None
        label = f"{where}<{object_name}>" if object_name and object_name != "list" else where
        for key, item in value.items():
            if key in properties:
                inner = _children(expanded, key)
                # `expand[]=latest_invoice.payments` expands `latest_invoice` too.
                inner |= {""} if key in expanded or inner else frozenset()
                problems += self.check(item, properties[key], f"{label}.{key}", inner)
            elif isinstance(extra, dict):
                problems += self.check(item, extra, f"{label}.{key}", frozenset())
            elif extra is not True:
                problems.append(f"{label}.{key}: Stripe has no such field")
        problems += [
            f"{label}.{key}: Stripe always sends it, missing"
            for key in schema.get("required", [])
            if key not in value
        ]
        for dotted in self.includable.get(object_name or "", []):
            if dotted not in expanded and _dig(value, dotted):
                problems.append(f"{label}.{dotted}: sent, but Stripe includes it only expanded")
        return problems


def _object_names(schema: Any) -> list[str]:
    name = schema.get("x-object")
    if name:
        return [name]
    enum = schema.get("properties", {}).get("object", {}).get("enum", [])
    return [str(v) for v in enum]
