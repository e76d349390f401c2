"""`GET /v1/customers/search`: Stripe's search query language, the subset of metadata clauses.

Modelled: one or more `metadata['key']:'value'` clauses (single or double quotes, `\\`
escapes a quote or a backslash), joined by spaces or `AND`, each an exact match on the
customer's metadata. Anything else Stripe's language offers (other fields, `OR`, `-`
negation, `~` substring, numeric comparisons, `null`) is refused with a 400 naming `query`,
rather than answered wrongly. Deleted customers are never found.

The answer is a `search_result`: `data`, `has_more`, `next_page` (an opaque cursor for the
`page` parameter, null on the last page) and `url`. Stripe's search lags writes by up to a
minute; the emulator answers from its current state, so tests see no lag.

This module sorts before `customers`, so its route is registered before
`/v1/customers/{customer}` and `search` is never taken for a customer id.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING

from stripe.params import CustomerSearchParams

from ..errors import invalid
from ..router import Call, route

if TYPE_CHECKING:
    from ..state import Obj

SEARCH_URL = "/v1/customers/search"
# A quoted string: its quote, then anything but that quote or a backslash, or an escape.
_QUOTED = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CLAUSE = re.compile(rf"\s*metadata\[({_QUOTED})\]:({_QUOTED})\s*", re.DOTALL)
_AND = re.compile(r"AND\s", re.IGNORECASE)
_UNSUPPORTED = (
    "The emulator supports only `metadata['key']:'value'` clauses joined by spaces or AND "
    "in a customer search query; this query uses syntax it does not model: {near!r}."
)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1], flags=re.DOTALL)


def parse_query(query: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of a metadata-only query; a Stripe-shaped 400 otherwise."""
    clauses: list[tuple[str, str]] = []
    at = 0
    while True:
        found = _CLAUSE.match(query, at)
        if found is None:
            near = query[at:].strip()[:40]
            if not near:
                raise invalid("Search query is empty or incomplete.", param="query")
            raise invalid(_UNSUPPORTED.format(near=near), param="query")
        clauses.append((_unquote(found.group(1)), _unquote(found.group(2))))
        at = found.end()
        if at == len(query):
            return clauses
        joined = _AND.match(query, at)
        if joined is not None:
            at = joined.end()


def _offset(page: str | None) -> int:
    if page is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(page.encode()))
    except (ValueError, binascii.Error):
        offset = None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid("Invalid page: not a cursor from a previous search.", param="page")
    return offset


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps(offset).encode()).decode()


@route("GET", SEARCH_URL, CustomerSearchParams)
def search_customers(call: Call) -> Obj:
    clauses = parse_query(call.params["query"])
    limit = call.params.get("limit", 10)
    if not 1 <= limit <= 100:
        raise invalid(
            "Invalid limit: must be between 1 and 100",
            param="limit",
            code="parameter_invalid_integer",
        )
    offset = _offset(call.params.get("page"))
    found = call.emu.find(
        "customer",
        lambda c: (
            not c.get("deleted") and all(c["metadata"].get(key) == value for key, value in clauses)
        ),
    )
    chosen = found[offset : offset + limit]
    has_more = len(found) > offset + limit
    return {
        "object": "search_result",
        "data": [call.emu.render(c) for c in chosen],
        "has_more": has_more,
        "next_page": _cursor(offset + limit) if has_more else None,
        "url": SEARCH_URL,
    }
