"""One list of error codes: every code a layer can produce reaches the API's `ErrorCode`.

The policy (`portal`), Stripe calls (`billing`) and credentials (`auth`) each declare the
codes they may produce as a `Literal` of `gateway.errors.ErrorCode` members; mypy holds
each layer to its declaration. These tests hold the declarations to the code and to the
GraphQL schema: the enum frontends branch on is the same list, in the same order, and
every code in it is one some layer (or the API itself) produces.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from graphql import GraphQLEnumType

from gateway.api.schema import schema
from gateway.errors import (
    API_CODES,
    BILLING_CODES,
    CREDENTIAL_CODES,
    REFUSAL_CODES,
    SESSION_CODES,
    ErrorCode,
)

GATEWAY = Path(__file__).resolve().parent.parent / "gateway"

# Which codes each layer's modules may name: its declaration.
LAYERS: dict[str, frozenset[ErrorCode]] = {
    "portal": REFUSAL_CODES,
    "billing": BILLING_CODES,
    "auth": SESSION_CODES | CREDENTIAL_CODES,
}


def graphql_enum() -> GraphQLEnumType:
    found = schema._schema.type_map["ErrorCode"]
    assert isinstance(found, GraphQLEnumType)
    return found


def codes_named_in(folder: Path) -> set[str]:
    """Every `ErrorCode.X` the modules under `folder` name."""
    named: set[str] = set()
    for module in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "ErrorCode"
            ):
                named.add(node.attr)
    return named


def test_the_graphql_enum_is_the_one_list_in_its_order() -> None:
    assert list(graphql_enum().values) == [code.name for code in ErrorCode]


@pytest.mark.parametrize(
    ("layer", "codes"),
    [
        ("portal refusals", REFUSAL_CODES),
        ("billing errors", BILLING_CODES),
        ("session errors", SESSION_CODES),
        ("credential errors", CREDENTIAL_CODES),
        ("api-only", API_CODES),
    ],
)
def test_every_code_a_layer_produces_serializes_through_the_api(
    layer: str, codes: frozenset[ErrorCode]
) -> None:
    enum = graphql_enum()
    for code in codes:
        assert enum.serialize(code) == code.name, (layer, code)


def test_no_api_code_is_unreachable() -> None:
    produced = REFUSAL_CODES | BILLING_CODES | SESSION_CODES | CREDENTIAL_CODES | API_CODES
    assert set(ErrorCode) - produced == set()


def test_api_only_codes_are_produced_by_no_lower_layer() -> None:
    lower = REFUSAL_CODES | BILLING_CODES | SESSION_CODES | CREDENTIAL_CODES
    assert API_CODES & lower == set()


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_names_only_the_codes_it_declares(layer: str) -> None:
    declared = {code.name for code in LAYERS[layer]}
    assert codes_named_in(GATEWAY / layer) - declared == set()


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_declares_only_codes_it_produces(layer: str) -> None:
    declared = {code.name for code in LAYERS[layer]}
    assert declared - codes_named_in(GATEWAY / layer) == set()


def test_api_only_codes_are_produced_by_the_api() -> None:
    assert {code.name for code in API_CODES} - codes_named_in(GATEWAY / "api") == set()
