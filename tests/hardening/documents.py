"""Documents the hardening suites send: the reference portal's own, and hostile ones."""

from __future__ import annotations

import re
from pathlib import Path

QUERIES_JS = Path(__file__).parents[2] / "gateway" / "ui" / "static" / "js" / "queries.js"


def portal_documents() -> dict[str, str]:
    """The reference portal's GraphQL documents by constant name, fragments expanded."""
    text = QUERIES_JS.read_text(encoding="utf-8")
    constants = dict(re.findall(r"(?:export )?const (\w+) = `(.*?)`;", text, re.S))

    def expand(template: str) -> str:
        return re.sub(r"\$\{(\w+)\}", lambda m: expand(constants[m.group(1)]), template)

    documents = {name: expand(body).strip() for name, body in constants.items()}
    return {n: d for n, d in documents.items() if d.startswith(("query", "mutation"))}


def aliased(field: str, count: int) -> str:
    """`{ a0: session { id } a1: session { id } ... }`."""
    return "{ " + " ".join(f"a{n}: {field}" for n in range(count)) + " }"


OVERVIEW_VARIABLES = {"paymentMethods": True, "invoices": True, "plans": True}
