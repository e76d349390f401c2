"""Documents the hardening suites send: the reference portal's own, and hostile ones."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, print_ast

STATIC = Path(__file__).parents[2] / "gateway" / "ui" / "static"
PORTAL_GRAPHQL = STATIC / "graphql" / "portal.graphql"
QUERIES_JS = STATIC / "js" / "queries.js"


def portal_documents() -> dict[str, str]:
    """The reference portal's GraphQL documents by their js/queries.js constant name, each
    with the fragments it uses, as the page sends them."""
    document = parse(PORTAL_GRAPHQL.read_text(encoding="utf-8"))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    }

    def spreads(text: str, needed: list[str]) -> list[str]:
        for name in re.findall(r"\.\.\.\s*(\w+)", text):
            if name != "on" and name not in needed:
                needed.append(name)
                spreads(print_ast(fragments[name]), needed)
        return needed

    names = re.findall(
        r'export const (\w+) = operation\("(\w+)"\);', QUERIES_JS.read_text(encoding="utf-8")
    )
    documents = {}
    for constant, operation in names:
        text = print_ast(operations[operation])
        needed = spreads(text, [])
        documents[constant] = "\n\n".join([text, *(print_ast(fragments[n]) for n in needed)])
    return {n: d for n, d in documents.items() if d.startswith(("query", "mutation"))}


def aliased(field: str, count: int) -> str:
    """`{ a0: session { id } a1: session { id } ... }`."""
    return "{ " + " ".join(f"a{n}: {field}" for n in range(count)) + " }"


OVERVIEW_VARIABLES = {"paymentMethods": True, "invoices": True, "plans": True}
