"""Bound what validating a document costs, before any of graphql-core's rules run.

The token limit bounds parsing, not validation: graphql-core's OverlappingFieldsCanBeMerged
rule compares every pair of fields that land on the same place in the response, so one
small document that repeats a field a few hundred times (`{ session { configuration { id }
configuration { id } ... } }`) costs a second of CPU, and fragments spread into each other
multiply a document's size without adding tokens. So a document is measured first, in one
pass that expands every fragment spread as the rules do and stops at the first selection
over a limit (the pass costs at most about twice `max_fields` steps):

- `max_fields`: fields in the whole document, every spread counting its fragment's fields
  again (fragments no operation spreads are counted once, as the rules visit them too);
  fragment spreads and inline fragments are counted against the same limit, apart;
- `max_selection_set_fields`: fields, spreads and inline fragments in one selection set,
  its fragments expanded (the rule compares every pair of a set's fragments);
- `max_field_repeats`: how often one response path (`session.configuration.id`) is
  selected: repeated fields, overlapping fragments and repeated parents all add up (the
  rule compares each pair of them);
- `max_depth`: how deeply an operation's fields nest (introspection fields, `__schema`...,
  are not counted), as Strawberry's depth limiter counted it: checked here, it bounds
  validation too (graphql-core's caches hash nodes by their whole subtree) and cannot
  fail on a spread of an unknown fragment;
- `max_aliases`: aliases in the operations, fragments expanded, as Strawberry's alias
  limiter counted them (aliases are the cheapest way to a large document).

Within these, the rules' work is bounded by about `max_fields x max_field_repeats` field
comparisons. A refusal is a top-level error with `extensions.code` `DOCUMENT_TOO_COMPLEX`,
the limit's name (`limit`) and value (`max`); the depth and alias limits keep the messages
and code (`GRAPHQL_VALIDATION_FAILED`) of the validation rules they replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from .error_codes import DOCUMENT_TOO_COMPLEX, VALIDATION_FAILED

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode, SelectionNode, SelectionSetNode


@dataclass(frozen=True)
class SizeLimits:
    """How large a document may be once its fragments are expanded (see the module doc)."""

    max_fields: int
    max_selection_set_fields: int
    max_field_repeats: int
    max_depth: int
    max_aliases: int


class DocumentTooComplex(GraphQLError):
    """A document refused before validation, with the limit it broke."""

    def __init__(
        self, limit: str, maximum: int, message: str, code: str = DOCUMENT_TOO_COMPLEX
    ) -> None:
        super().__init__(message, extensions={"code": code, "limit": limit, "max": maximum})


@dataclass
class _Frame:
    """A selection set being walked: where its fields land, and whose count they add to."""

    selections: Iterator[SelectionNode]
    place: int
    set_count: list[int]
    fragment: str | None
    # Fields around this set (None: not counted, below an introspection field).
    depth: int | None


class _Measure:
    def __init__(self, document: DocumentNode, limits: SizeLimits) -> None:
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.reached: set[str] = set()
        self.fields = 0
        self.spreads = 0
        self.aliases = 0
        # Places in the response: (parent place, response name) -> place; per place its
        # parent, name and how many fields select it.
        self.places: dict[tuple[int, str], int] = {}
        self.parents: list[int] = [-1]
        self.names: list[str] = [""]
        self.repeats: list[int] = [0]

    def document(self, document: DocumentNode) -> None:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                name = definition.name.value if definition.name else "anonymous"
                self.walk(definition.selection_set, None, name)
        for name, fragment in self.fragments.items():
            if name not in self.reached:  # validation refuses it; its size still costs
                self.walk(fragment.selection_set, name, None)
        if self.aliases > self.limits.max_aliases:
            raise DocumentTooComplex(
                "maxAliases",
                self.limits.max_aliases,
                f"{self.aliases} aliases found. Allowed: {self.limits.max_aliases}",
                VALIDATION_FAILED,
            )

    def walk(self, root: SelectionSetNode, fragment: str | None, operation: str | None) -> None:
        """Walk one definition with its spreads expanded, iteratively (no recursion limit).

        The depth is checked in operations only (`operation` names one)."""
        place = self.new_place(0, "")
        stack = [_Frame(iter(root.selections), place, [0], fragment, 0 if operation else None)]
        expanding = {fragment} if fragment else set()
        while stack:
            frame = stack[-1]
            selection = next(frame.selections, None)
            if selection is None:
                stack.pop()
                if frame.fragment is not None:
                    expanding.discard(frame.fragment)
                continue
            self.count_in_set(frame)
            if frame.depth is not None and frame.depth > self.limits.max_depth:
                raise DocumentTooComplex(
                    "maxQueryDepth",
                    self.limits.max_depth,
                    f"'{operation}' exceeds maximum operation depth of {self.limits.max_depth}",
                    VALIDATION_FAILED,
                )
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if selection.alias is not None and operation is not None:
                    self.aliases += 1
                place = self.select(frame.place, (selection.alias or selection.name).value)
                if selection.selection_set is not None:
                    depth = None if frame.depth is None or name.startswith("__") else frame.depth
                    nested = iter(selection.selection_set.selections)
                    stack.append(
                        _Frame(nested, place, [0], None, None if depth is None else depth + 1)
                    )
                continue
            self.count_spread()
            if isinstance(selection, InlineFragmentNode):
                nested = iter(selection.selection_set.selections)
                stack.append(_Frame(nested, frame.place, frame.set_count, None, frame.depth))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                self.reached.add(name)
                spread = self.fragments.get(name)
                # Unknown or cyclic spreads are left to the rules that report them.
                if spread is not None and name not in expanding:
                    expanding.add(name)
                    nested = iter(spread.selection_set.selections)
                    stack.append(_Frame(nested, frame.place, frame.set_count, name, frame.depth))

    def new_place(self, parent: int, name: str) -> int:
        self.parents.append(parent)
        self.names.append(name)
        self.repeats.append(0)
        return len(self.parents) - 1

    def select(self, parent: int, name: str) -> int:
        self.fields += 1
        if self.fields > self.limits.max_fields:
            raise DocumentTooComplex(
                "maxFields",
                self.limits.max_fields,
                f"The document selects more than {self.limits.max_fields} fields (a "
                "fragment's fields count again wherever it is spread).",
            )
        place = self.places.get((parent, name))
        if place is None:
            place = self.places[parent, name] = self.new_place(parent, name)
        self.repeats[place] += 1
        if self.repeats[place] > self.limits.max_field_repeats:
            raise DocumentTooComplex(
                "maxFieldRepeats",
                self.limits.max_field_repeats,
                f"'{self.path(place)}' is selected more than {self.limits.max_field_repeats} "
                "times (repeated fields, overlapping fragments and repeated parents all "
                "count): select each field once.",
            )
        return place

    def count_in_set(self, frame: _Frame) -> None:
        frame.set_count[0] += 1
        if frame.set_count[0] > self.limits.max_selection_set_fields:
            where = self.path(frame.place) or "the operation's root"
            raise DocumentTooComplex(
                "maxSelectionSetFields",
                self.limits.max_selection_set_fields,
                f"The selection set at '{where}' holds more than "
                f"{self.limits.max_selection_set_fields} fields, fragment spreads and inline "
                "fragments (its fragments expanded).",
            )

    def count_spread(self) -> None:
        self.spreads += 1
        if self.spreads > self.limits.max_fields:
            raise DocumentTooComplex(
                "maxFields",
                self.limits.max_fields,
                f"The document holds more than {self.limits.max_fields} fragment spreads and "
                "inline fragments (a fragment's spreads count again wherever it is spread).",
            )

    def path(self, place: int) -> str:
        names: list[str] = []
        while place > 0 and self.names[place]:
            names.append(self.names[place])
            place = self.parents[place]
        return ".".join(reversed(names))


def count_fields(document: DocumentNode, limits: SizeLimits) -> int:
    """The document's fields, fragments expanded; `DocumentTooComplex` past any limit."""
    measure = _Measure(document, limits)
    measure.document(document)
    return measure.fields


__all__ = [
    "DocumentTooComplex",
    "SizeLimits",
    "count_fields",
]
