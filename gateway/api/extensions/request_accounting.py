"""Tell the request log what ran: each operation's type and name, and its error codes.

The operation is noted once parsed; the codes once the schema has its final answer (coded
and, in production, masked: what the client sees). Payload `userErrors` codes are counted
too; they are answers, not failures, and the log keeps them apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from ...observability.request_record import note_error_codes, note_operation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from strawberry.types import ExecutionContext, ExecutionResult

# Anonymous operations are described by their root fields, this many at most.
MAX_DESCRIBED_FIELDS = 5


def describe(context: ExecutionContext) -> str:
    """`query Overview`, or `mutation { cancelSubscription }` for an unnamed operation."""
    document = context.graphql_document
    definitions = document.definitions if document else ()
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    wanted = context.operation_name
    chosen = next(
        (op for op in operations if wanted is None or (op.name and op.name.value == wanted)),
        None,
    )
    if chosen is None:
        return "(unparsed)" if document is None else "(unknown operation)"
    kind = chosen.operation.value
    if chosen.name is not None:
        return f"{kind} {chosen.name.value}"
    fields = [s.name.value for s in chosen.selection_set.selections if isinstance(s, FieldNode)]
    shown = " ".join(fields[:MAX_DESCRIBED_FIELDS]) + (" ..." if len(fields) > 5 else "")
    return f"{kind} {{ {shown} }}"


def user_error_codes(data: Any) -> list[str]:
    """The codes of every root payload's `userErrors`."""
    if not isinstance(data, dict):
        return []
    codes: list[str] = []
    for value in data.values():
        if isinstance(value, dict):
            for error in value.get("userErrors") or ():
                if isinstance(error, dict) and isinstance(error.get("code"), str):
                    codes.append(error["code"])
    return codes


def account(result: ExecutionResult) -> None:
    """Note a finished operation's error codes (top-level and `userErrors`)."""
    errors = result.errors or []
    codes = [str((error.extensions or {}).get("code", "INTERNAL_ERROR")) for error in errors]
    note_error_codes(codes, user_error_codes(result.data))


class RequestAccounting(SchemaExtension):
    """Note which operation runs, once it is parsed (the schema notes how it ended)."""

    def on_validate(self) -> Iterator[None]:
        note_operation(describe(self.execution_context))
        yield


__all__ = ["RequestAccounting", "account", "describe", "user_error_codes"]
