"""Every GraphQL document the repository ships or documents is valid against the checked-in
schema, and every operation and fragment name is unique across them all (GraphQL Code
Generator refuses two operations of the same name in one run).

Documents are: every `.graphql` file but the schema (the reference portal's), the
`graphql` code blocks of the Markdown docs, and the `query: "..."` strings of their `js`
blocks and of the portal's and GraphiQL's scripts.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema.graphql"
QUERY_STRING = re.compile(r"""query:\s*(["'`])(.+?)\1""", re.S)


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(ROOT / name for name in listed if (ROOT / name).is_file())


def documents() -> list[tuple[str, str]]:
    """(where, document) for every document found."""
    found: list[tuple[str, str]] = []
    for path in _tracked("*.graphql"):
        if path != SCHEMA and "node_modules" not in path.parts:
            found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for path in _tracked("*.md"):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for index, block in enumerate(re.findall(r"```graphql\n(.*?)```", text, re.S)):
            found.append((f"{where} graphql block {index + 1}", block))
        for block in re.findall(r"```(?:js|ts|tsx)\n(.*?)```", text, re.S):
            found += [(f"{where} js block", q) for _, q in QUERY_STRING.findall(block)]
    for path in _tracked("gateway/ui/*.js"):
        text = path.read_text(encoding="utf-8")
        found += [(str(path.relative_to(ROOT)), q) for _, q in QUERY_STRING.findall(text)]
    return found


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA.read_text(encoding="utf-8"))


def test_documents_are_found_where_they_are_kept() -> None:
    places = {where.split(" ")[0] for where, _ in documents()}
    assert "gateway/ui/static/graphql/portal.graphql" in places
    assert "docs/frontend-guide.md" in places


@pytest.mark.parametrize(("where", "document"), documents(), ids=lambda v: str(v)[:60])
def test_every_document_is_valid_against_the_schema(
    schema: GraphQLSchema, where: str, document: str
) -> None:
    errors = validate(schema, parse(document))
    assert [error.message for error in errors] == [], where


def test_operation_and_fragment_names_are_unique_and_present() -> None:
    names: Counter[str] = Counter()
    anonymous = []
    for where, document in documents():
        for definition in parse(document).definitions:
            if isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    anonymous.append(where)
                else:
                    names[f"operation {definition.name.value}"] += 1
            elif isinstance(definition, FragmentDefinitionNode):
                names[f"fragment {definition.name.value}"] += 1
    assert anonymous == []
    assert [name for name, count in names.items() if count > 1] == []


def test_the_portals_scripts_keep_no_documents_of_their_own() -> None:
    """Codegen reads `.graphql` files: a document in a template string would escape it."""
    inline = re.compile(r"[`\"']\s*(?:query|mutation|subscription|fragment)\s+\w*\s*[({]")
    offenders = [
        str(path.relative_to(ROOT))
        for path in _tracked("gateway/ui/static/*.js")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
