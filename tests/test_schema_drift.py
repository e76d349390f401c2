"""`schema.graphql` is the contract frontends generate types from; it must match the code."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema as parse_sdl

from gateway.__main__ import main
from gateway.api.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_checked_in_schema_matches_the_code() -> None:
    expected = schema.as_str() + "\n"
    assert SDL.read_text(encoding="utf-8") == expected, (
        "schema.graphql is stale: run `python -m gateway export-schema --output schema.graphql`"
    )


def test_export_schema_command_writes_the_same_sdl(tmp_path: Path) -> None:
    out = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == SDL.read_text(encoding="utf-8")


def test_enum_values_are_graphql_style() -> None:
    parsed = parse_sdl(SDL.read_text(encoding="utf-8"))
    for name, graphql_type in parsed.type_map.items():
        values = getattr(graphql_type, "values", None)
        if name.startswith("__") or values is None:
            continue
        for value in values:
            assert value == value.upper(), f"{name}.{value} is not upper case"
    status = parsed.type_map["SubscriptionStatus"]
    assert "ACTIVE" in status.values  # type: ignore[attr-defined]
    assert "AT_PERIOD_END" in parsed.type_map["CancelMode"].values  # type: ignore[attr-defined]


def test_every_mutation_takes_input_and_returns_a_payload_with_user_errors() -> None:
    parsed = parse_sdl(SDL.read_text(encoding="utf-8"))
    mutation = parsed.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
        assert payload.name == name[0].upper() + name[1:] + "Payload", name
        assert "userErrors" in payload.fields, name
        if name in ("redeemPortalSession", "endPortalSession"):
            continue
        assert list(field.args) == ["input"], name
        assert str(field.args["input"].type) == f"{payload.name[: -len('Payload')]}Input!", name
