"""A per-operation cost limit: what a document may ask of Stripe, counted before it runs.

Depth and alias limits bound a document's shape; cost bounds its work. The operation a
request runs is priced from its document and variables, after validation and before
anything executes:

- a field that returns an object costs 1, a scalar or enum costs 0;
- a field backed by a Stripe request (reads such as `subscriptions`, `upcomingInvoice`,
  `customer`) costs `STRIPE_WEIGHT` instead, and one that writes or has Stripe compute an
  invoice (every mutation, `previewSubscriptionUpdate`, `previewSubscriptionResume`)
  `WRITE_WEIGHT`;
- a list's selection is paid once per element: `first` elements for a paginated field
  (its `nodes`/`edges`; from the literal or the variable's value, `MAX_PAGE_SIZE` when
  neither says), `LIST_SIZE` elements for other lists of objects.

So `{ subscriptions { upcomingInvoice { total } } }` costs 10 + 10 x 10 = 110: one list
request, and an upcoming-invoice request for each of up to ten subscriptions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from strawberry.extensions import SchemaExtension

from .document_memo import Memo

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import DocumentNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode

STRIPE_WEIGHT = 10
WRITE_WEIGHT = 25
# Queries that have Stripe compute an invoice, priced like a write.
INVOICE_PREVIEWS = frozenset({"Query.previewSubscriptionUpdate", "Query.previewSubscriptionResume"})
LIST_SIZE = 10
MAX_PAGE_SIZE = 100
# Fields that make a Stripe request each time they resolve (besides every mutation and
# every field returning a Customer, which is read from Stripe).
STRIPE_FIELDS = frozenset(
    {
        "Query.subscriptions",
        "Query.subscription",
        "Query.invoices",
        "Query.invoice",
        "Query.upcomingInvoice",
        "Query.paymentMethods",
        "Customer.taxIds",
        "Customer.defaultPaymentMethod",
        "Subscription.upcomingInvoice",
    }
)


def _clamp(value: int) -> int:
    return max(0, min(value, MAX_PAGE_SIZE))


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragment_definitions = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.defaults = {
            d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
        }
        # A fragment's price depends only on the type it is spread into (and the page it
        # is in): pricing each once keeps fragments spread many times from costing
        # exponential time here.
        self.fragments: dict[tuple[str, str, int | None], int] = {}
        self.pricing: set[str] = set()

    def page_size(self, field: FieldNode) -> int | None:
        """The `first` argument's value, or None when the field takes none."""
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return _clamp(given)
                value = self.defaults.get(value.name.value) or value
            if isinstance(value, IntValueNode):
                return _clamp(int(value.value))
            return MAX_PAGE_SIZE
        return None

    def selection(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None
    ) -> int:
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, page)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selection(node.selection_set, target, page)
            elif isinstance(node, FragmentSpreadNode):
                total += self.spread(node.name.value, parent, page)
        return total

    def spread(self, name: str, parent: GraphQLNamedType, page: int | None) -> int:
        fragment = self.fragment_definitions.get(name)
        if fragment is None or name in self.pricing:  # unknown or cyclic: validation says so
            return 0
        target = self.schema.get_type(fragment.type_condition.name.value) or parent
        memo = (name, target.name, page)
        if memo not in self.fragments:
            self.pricing.add(name)
            self.fragments[memo] = self.selection(fragment.selection_set, target, page)
            self.pricing.discard(name)
        return self.fragments[memo]

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        key = f"{parent.name}.{name}"
        if parent.name == "Mutation" or key in INVOICE_PREVIEWS:
            weight = WRITE_WEIGHT
        elif key in STRIPE_FIELDS or named.name == "Customer":
            weight = STRIPE_WEIGHT
        else:
            weight = 1 if is_composite_type(named) else 0
        if node.selection_set is None:
            return weight
        first = self.page_size(node)
        size = 1
        if first is None and is_list_type(get_nullable_type(definition.type)):
            size = page if page is not None else LIST_SIZE
        children = self.selection(node.selection_set, named, first)
        return weight + size * children


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int | None:
    """The price of the operation `operation_name` selects (None: no such operation)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    pricer = _Pricer(schema, document, operation, variables or {})
    return pricer.selection(operation.selection_set, root, None)


# Prices by (schema, text, operation, variables); a tuple, so a None price is kept too.
_PRICED: Memo[tuple[int, str, str | None, str], tuple[int | None]] = Memo()


class QueryCostLimiter(SchemaExtension):
    """Refuse, before execution, an operation that costs more than `max_cost`.

    Runs after validation (place it after `ValidationCache`): an invalid document is
    refused for what is wrong with it, and only valid ones are priced.
    """

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            cost = self._cost(context.schema._schema, context.query or "", document)
            if cost is not None and cost > self.max_cost:
                context.pre_execution_errors = [self._refusal(cost, document)]
        yield

    def _cost(self, schema: GraphQLSchema, query: str, document: DocumentNode) -> int | None:
        """`operation_cost`, kept by the document's text, operation and variables."""
        context = self.execution_context
        variables = context.variables or {}
        try:
            key = (id(schema), query, context.operation_name, json.dumps(variables, sort_keys=True))
        except (TypeError, ValueError):
            return operation_cost(schema, document, context.operation_name, variables)
        found = _PRICED.get(key)
        if found is None:
            found = (operation_cost(schema, document, context.operation_name, variables),)
            _PRICED.put(key, found)
        return found[0]

    def _refusal(self, cost: int, document: DocumentNode) -> GraphQLError:
        operation = get_operation_ast(document, self.execution_context.operation_name)
        name = f"'{operation.name.value}'" if operation and operation.name else "The operation"
        return GraphQLError(
            f"{name} costs {cost}, more than the limit of {self.max_cost}: ask for smaller "
            "pages or fewer Stripe-backed fields per request.",
            operation,
            extensions={"cost": cost, "maxCost": self.max_cost},
        )


__all__ = [
    "LIST_SIZE",
    "MAX_PAGE_SIZE",
    "STRIPE_WEIGHT",
    "WRITE_WEIGHT",
    "QueryCostLimiter",
    "operation_cost",
]
