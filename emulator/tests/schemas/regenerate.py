"""Regenerate `stripe-api.json`, the schemas the conformance test validates responses against.

Usage: python emulator/tests/schemas/regenerate.py TYPES_JSON [OUTPUT]

TYPES_JSON is an OpenAPI-style description of Stripe's API for the emulator's version: the
response objects and operations Stripe generates its SDK types from (`components.schemas`
with `required`, `nullable`, `enum`, `anyOf` and `x-object` marks, and `paths` whose
operations name a `responseSchema`). The script keeps what the emulator can answer with:
the response schema of every route it serves, every schema those reach, and the events of
the object types it models. An expandable reference to an object the emulator does not
model becomes `{"x-unmodelled": "<object>"}`, so an expanded one would be a violation.
Includable properties (absent unless a request names them in `expand[]`) are not marked in
that input; Stripe's API reference lists them ("This field is not included by default"),
and they are written here by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from stripe_emulator import resources
from stripe_emulator.router import ROUTES

OUTPUT = Path(__file__).with_name("stripe-api.json")
PREFIX = "#/components/schemas/"
# From Stripe's API reference: properties left out unless expanded.
INCLUDABLE = {
    "coupon": ["applies_to"],
    "customer": [
        "cash_balance",
        "invoice_credit_balance",
        "sources",
        "subscriptions",
        "tax",
        "tax_ids",
    ],
    "invoice": ["payments"],
    "price": ["currency_options", "tiers"],
    "billing_portal.configuration": ["features.subscription_update.products"],
}


# Objects the emulator nests, never answers with alone: a subscription item's plan.
NESTED = {"plan"}


def path_key(method: str, pattern: str) -> str:
    """`GET /v1/customers/{customer}` and `GET /v1/customers/{id}` name the same operation."""
    return f"{method.upper()} {re.sub(r'{[^}]*}', '{}', pattern)}"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"][len(PREFIX) :]] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _prune(node: Any, schemas: dict[str, Any], modelled: set[str]) -> Any:
    """`node` with references to objects the emulator does not model replaced by a stub."""
    if isinstance(node, list):
        return [_prune(item, schemas, modelled) for item in node]
    if not isinstance(node, dict):
        return node
    kind = schemas.get(node.get("$ref", "")[len(PREFIX) :], {}).get("x-object")
    if kind is not None and kind not in modelled:
        return {"x-unmodelled": kind}
    return {key: _prune(value, schemas, modelled) for key, value in node.items()}


def derive(source: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = source["components"]["schemas"]
    operations = {path_key(m, p): ops for p, ops in source["paths"].items() for m in ops}
    resources.load()
    served: dict[str, Any] = {}
    for route in ROUTES:
        key = path_key(route.method, route.pattern)
        op = operations.get(key, {}).get(route.method.lower())
        if op is None:
            raise SystemExit(f"no operation in the input for {key}")
        served[key] = op["responseSchema"]
    modelled = {
        schemas[ref]["x-object"]
        for schema in served.values()
        for ref in _refs(schema)
        if "x-object" in schemas[ref] and not ref.startswith("Events:")
    } | NESTED
    events = {}
    for name, schema in schemas.items():
        data = schema.get("properties", {}).get("data", {}).get("$ref", "")
        if not name.startswith("Events:") or schema.get("x-object") != "event" or not data:
            continue
        obj = schemas[data[len(PREFIX) :]]["properties"]["object"]
        kinds = {schemas[r].get("x-object") for r in _refs(obj)}
        if kinds <= modelled:
            events[schema["properties"]["type"]["enum"][0]] = {"$ref": PREFIX + name}
    served = {
        key: _events_only(schema, {e["$ref"] for e in events.values()})
        for key, schema in served.items()
    }
    kept: dict[str, Any] = {}
    pending = _refs(served) + _refs(list(events.values()))
    while pending:
        name = pending.pop()
        if name in kept:
            continue
        kept[name] = _prune(schemas[name], schemas, modelled)
        pending += _refs(kept[name])
    return {
        "api_version": source.get("info", {}).get("version"),
        "source": source.get("info", {}).get("source"),
        "includable": INCLUDABLE,
        "operations": dict(sorted(served.items())),
        "events": dict(sorted(events.items())),
        "schemas": dict(sorted(kept.items())),
    }


def _events_only(schema: Any, events: set[str]) -> Any:
    """Event answers may be any event; keep the ones about modelled objects."""
    if isinstance(schema, list):
        return [_events_only(item, events) for item in schema]
    if not isinstance(schema, dict):
        return schema
    members = schema.get("anyOf", [])
    if members and all("Events:" in m.get("$ref", "") for m in members):
        return {**schema, "anyOf": [m for m in members if m["$ref"] in events]}
    return {key: _events_only(value, events) for key, value in schema.items()}


def _dump(derived: dict[str, Any]) -> str:
    """One schema, operation or event a line: reviewable diffs without a megabyte of indents."""
    sections = []
    for key, value in derived.items():
        if isinstance(value, dict) and key != "includable":
            lines = [f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in value.items()]
            sections.append(f"{json.dumps(key)}: {{\n" + ",\n".join(lines) + "\n}")
        else:
            sections.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    derived = derive(json.loads(Path(argv[1]).read_text()))
    output = Path(argv[2]) if len(argv) == 3 else OUTPUT
    output.write_text(_dump(derived))
    print(f"{output}: {len(derived['operations'])} operations, {len(derived['schemas'])} schemas")


if __name__ == "__main__":
    main(sys.argv)
