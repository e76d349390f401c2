"""Customers found by a metadata value, through Stripe's customer search.

The query is `metadata['<key>']:'<value>'`; the value comes from a sign-in token, so quotes
and backslashes in it are escaped (Stripe's query language escapes with a backslash) and it
can never add a clause of its own. Stripe's `:` is its exact-match operator; the answer is
checked again here, character for character, so a near match is never taken.

Search is eventually consistent (Stripe: usually under a minute), so a customer created a
moment ago may not be found yet: the caller says so rather than creating one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import stripe_errors
from .stripe_json import get_json

if TYPE_CHECKING:
    from .client import Billing

SEARCH_PATH = "/v1/customers/search"


def quoted(text: str) -> str:
    """`text` as a single-quoted string of Stripe's search query language."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def metadata_query(key: str, value: str) -> str:
    return f"metadata[{quoted(key)}]:{quoted(value)}"


async def customers_with_metadata(
    billing: Billing, key: str, value: str, *, limit: int = 2
) -> list[str]:
    """Ids of the customers whose `metadata[key]` is exactly `value` (at most `limit`: two
    are enough to know there is more than one)."""
    with stripe_errors(noun="Customer"):
        found = await get_json(
            billing, SEARCH_PATH, {"query": metadata_query(key, value), "limit": limit}
        )
    ids: list[str] = []
    for customer in found.get("data") or ():
        if not isinstance(customer, dict) or customer.get("deleted"):
            continue
        metadata = customer.get("metadata")
        if isinstance(metadata, dict) and metadata.get(key) == value:
            ids.append(str(customer["id"]))
    return ids


__all__ = ["customers_with_metadata", "metadata_query", "quoted"]
