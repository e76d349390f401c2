"""What parsing and validating the documents of one request may cost, checked before the work.

Replaces Strawberry's token limiter and validation cache with one extension:

- parsing stops at `max_tokens` tokens, and a document longer than `max_document_length`
  characters is refused before it is read (a long string or comment is one token, but
  lexing it costs CPU by the character);
- the parsed document is measured (`document_size`) and refused with
  `DOCUMENT_TOO_COMPLEX` before any validation rule runs when it is too large;
- only then is it validated, at most `MAX_VALIDATION_ERRORS` errors deep, without
  "Did you mean" suggestions when those are off, and the result cached per document.

The documents of one HTTP request share one budget of tokens, characters and fields
(`shared_budget`): a batch of five documents may be as large as one, not five times as
large. A document alone (or over WebSocket) has the whole budget.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import TokenKind, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from .document_memo import Memo
from .document_size import DocumentTooComplex, SizeLimits, count_fields

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema

# A document this wrong is not worth reading further (graphql-core's default is 100).
MAX_VALIDATION_ERRORS = 20
CACHE_SIZE = 256


@dataclass(frozen=True)
class DocumentLimits:
    """The limits of one request's documents (the GATEWAY_MAX_* settings)."""

    max_tokens: int
    max_document_length: int
    max_fields: int
    max_selection_set_fields: int
    max_field_repeats: int
    max_depth: int
    max_aliases: int


@dataclass
class DocumentBudget:
    """What the documents of one request may still spend."""

    tokens: int
    length: int
    fields: int

    @classmethod
    def full(cls, limits: DocumentLimits) -> DocumentBudget:
        return cls(limits.max_tokens, limits.max_document_length, limits.max_fields)


_REQUEST_BUDGET: ContextVar[DocumentBudget | None] = ContextVar("document_budget", default=None)


@contextlib.contextmanager
def shared_budget(limits: DocumentLimits) -> Iterator[DocumentBudget]:
    """Within this block, every document executed (a batch's, concurrently) shares one budget."""
    budget = DocumentBudget.full(limits)
    token = _REQUEST_BUDGET.set(budget)
    try:
        yield budget
    finally:
        _REQUEST_BUDGET.reset(token)


def document_tokens(document: DocumentNode) -> int:
    """Tokens in a parsed document (comments included), counted from its token list."""
    count = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        if token.kind is not TokenKind.SOF and token.kind is not TokenKind.EOF:
            count += 1
        token = token.next
    return count


_VALIDATED: Memo[tuple[int, str, tuple[type[ASTValidationRule], ...], bool], list[GraphQLError]] = (
    Memo(CACHE_SIZE)
)
# Per document text: its tokens and its fields once measured within the full limits.
_MEASURED: Memo[tuple[str, SizeLimits], tuple[int, int]] = Memo(CACHE_SIZE)


def _validate(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """`_validated`, kept by the document's text (hashing the document hashes every node)."""
    key = (id(schema), query, rules, hide_suggestions)
    found = _VALIDATED.get(key)
    if found is None:
        found = _validated(schema, document, rules, hide_suggestions)
        _VALIDATED.put(key, found)
    return found


def _validated(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """Strawberry's validation (its own two rules added), bounded and without suggestions."""
    return validate(
        schema,
        document,
        (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
        max_errors=MAX_VALIDATION_ERRORS,
        hide_suggestions=hide_suggestions,
    )


class DocumentLimiter(SchemaExtension):
    """Bound parsing, measure, then validate (in place of Strawberry's validation cache)."""

    def __init__(self, limits: DocumentLimits, *, hide_suggestions: bool) -> None:
        self.limits = limits
        self.hide_suggestions = hide_suggestions
        self.budget = DocumentBudget.full(limits)

    def on_operation(self) -> Iterator[None]:
        self.budget = _REQUEST_BUDGET.get() or DocumentBudget.full(self.limits)
        options = self.execution_context.parse_options
        options["max_tokens"] = self.budget.tokens
        # graphql-core's parse() takes it; Strawberry's ParseOptions does not declare it.
        options["max_source_length"] = self.budget.length  # type: ignore[typeddict-unknown-key]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            try:
                self._spend(context.query or "", document)
            except DocumentTooComplex as refusal:
                context.pre_execution_errors = [refusal]
            else:
                context.pre_execution_errors = _validate(
                    context.schema._schema,
                    context.query or "",
                    document,
                    context.validation_rules,
                    self.hide_suggestions,
                )
        yield

    def _spend(self, query: str, document: DocumentNode) -> None:
        """Take the document from the request's budget; a cached document is checked here
        (the parser's limits applied only when it was first parsed)."""
        budget, limits = self.budget, self.limits
        full = SizeLimits(
            limits.max_fields,
            limits.max_selection_set_fields,
            limits.max_field_repeats,
            limits.max_depth,
            limits.max_aliases,
        )
        measured = _MEASURED.get((query, full))
        if (
            measured is not None
            and measured[0] <= budget.tokens
            and measured[1] <= budget.fields
            and len(query) <= budget.length
        ):
            budget.tokens -= measured[0]
            budget.length -= len(query)
            budget.fields -= measured[1]
            return
        tokens = document_tokens(document)
        if tokens > budget.tokens or len(query) > budget.length:
            shared = " (the documents of one request share this limit)"
            raise DocumentTooComplex(
                "maxTokens" if tokens > budget.tokens else "maxDocumentLength",
                limits.max_tokens if tokens > budget.tokens else limits.max_document_length,
                f"The request's documents hold more than {limits.max_tokens} tokens or "
                f"{limits.max_document_length} characters{shared}.",
            )
        budget.tokens -= tokens
        budget.length -= len(query)
        size = SizeLimits(
            budget.fields,
            limits.max_selection_set_fields,
            limits.max_field_repeats,
            limits.max_depth,
            limits.max_aliases,
        )
        fields = count_fields(document, size)
        budget.fields -= fields
        if size == full:
            _MEASURED.put((query, full), (tokens, fields))


__all__ = [
    "MAX_VALIDATION_ERRORS",
    "DocumentBudget",
    "DocumentLimiter",
    "DocumentLimits",
    "document_tokens",
    "shared_budget",
]
