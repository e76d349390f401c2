"""What the operation asks for below the current field, so a resolver can start a Stripe read
its children will need beside its own, instead of one round trip after it."""

from collections.abc import Iterable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionNode,
    VariableNode,
)

from .context import Info


def _literal(info: GraphQLResolveInfo[Any], value: Any) -> Any:
    """A directive's `if:` argument: a literal or a variable."""
    if isinstance(value, VariableNode):
        # A plain dict at run time, whatever graphql-core's annotation says.
        variables: Any = info.variable_values
        return getattr(variables, "coerced", variables).get(value.name.value)
    return getattr(value, "value", None)


def _included(info: GraphQLResolveInfo[Any], node: SelectionNode) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        condition = next(
            (_literal(info, a.value) for a in directive.arguments or () if a.name.value == "if"),
            None,
        )
        if (name == "skip" and condition is True) or (name == "include" and condition is False):
            return False
    return True


def _asks_for(
    info: GraphQLResolveInfo[Any], selections: Iterable[SelectionNode], name: str
) -> bool:
    for node in selections:
        if not _included(info, node):
            continue
        if isinstance(node, FieldNode):
            if node.name.value == name:
                return True
            continue
        inner: FragmentDefinitionNode | InlineFragmentNode | None = None
        if isinstance(node, InlineFragmentNode):
            inner = node
        elif isinstance(node, FragmentSpreadNode):
            inner = info.fragments.get(node.name.value)
        if inner is not None and _asks_for(info, inner.selection_set.selections, name):
            return True
    return False


def selects(info: Info, name: str) -> bool:
    """True when the current field's selection includes the field `name` (camelCase), directly
    or through fragments, and no `@skip`/`@include` leaves it out.

    Reads graphql-core's syntax tree (one level, no copies): Strawberry's `selected_fields`
    would convert the whole subtree on every request.
    """
    raw: GraphQLResolveInfo[Any] = info._raw_info
    return any(
        node.selection_set is not None and _asks_for(raw, node.selection_set.selections, name)
        for node in raw.field_nodes
    )
