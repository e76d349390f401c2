"""A mutation's declaration, in the mutation's own file: its GraphQL name, the session flows
it completes and what it announces to live subscribers.

The resolver is declared through its spec (`SPEC.field(...)`), which names the field, and
the Mutation root accepts only fields declared so (`declarations`). Both `completes` and
`announces` are required and typed, so a mutation cannot join the schema without saying
what it does for a flow and for live updates, and a misspelled flow is refused when the
module is imported (and by mypy before that).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import strawberry
from strawberry.types.base import get_object_definition

from ...portal import FLOW_TYPES, FlowType
from ..live.announce import Announcement

F = TypeVar("F", bound=Callable[..., Any])

# Where a declared field carries its spec (Strawberry keeps a field's `metadata` as given).
SPEC_KEY = "mutation_spec"
_GRAPHQL_NAME = re.compile(r"[a-z][A-Za-z0-9]*")


@dataclass(frozen=True, kw_only=True)
class MutationSpec:
    """What a mutation is, beside its resolver.

    `name`: the field on the Mutation root. `completes`: the session flows whose action it
    performs (its payload then carries the flow's `afterCompletion`); empty for none.
    `announces`: the live event a success publishes; None for a mutation that changes
    nothing a customer sees.
    """

    name: str
    completes: tuple[FlowType, ...]
    announces: Announcement | None

    def __post_init__(self) -> None:
        if not _GRAPHQL_NAME.fullmatch(self.name):
            raise ValueError(f"A mutation's name is lowerCamelCase, not {self.name!r}.")
        unknown = sorted(set(self.completes) - set(FLOW_TYPES))
        if unknown:
            raise ValueError(f"{self.name} completes unknown flows: {', '.join(unknown)}.")

    def completes_flow(self, flow: FlowType) -> bool:
        return flow in self.completes

    def field(self, *, description: str) -> Callable[[F], F]:
        """The resolver's decorator: `@strawberry.mutation` under this spec's name."""
        return cast(
            "Callable[[F], F]",
            strawberry.mutation(name=self.name, description=description, metadata={SPEC_KEY: self}),
        )


def declaration(metadata: Mapping[Any, Any] | None) -> MutationSpec | None:
    """The spec a field was declared with, from its metadata."""
    spec = (metadata or {}).get(SPEC_KEY)
    return spec if isinstance(spec, MutationSpec) else None


def declarations(types: Iterable[type]) -> tuple[MutationSpec, ...]:
    """Every field's spec, in order; a TypeError for a field declared without one, or for
    two fields of one name."""
    specs: list[MutationSpec] = []
    for holder in types:
        definition = get_object_definition(holder, strict=True)
        for field in definition.fields:
            spec = declaration(field.metadata)
            if spec is None:
                raise TypeError(
                    f"{holder.__name__}.{field.python_name} is not declared with a "
                    "MutationSpec: decorate it with `SPEC.field(description=...)`."
                )
            if any(seen.name == spec.name for seen in specs):
                raise TypeError(f"Two mutations are named {spec.name}.")
            specs.append(spec)
    return tuple(specs)
