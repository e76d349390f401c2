"""What the operation asks for below the current field, so a resolver can start a Stripe read
its children will need beside its own, instead of one round trip after it."""

from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from .context import Info


def _included(directives: dict[str, Any]) -> bool:
    if directives.get("skip", {}).get("if") is True:
        return False
    return directives.get("include", {}).get("if") is not False


def _asks_for(selections: list[Any], name: str) -> bool:
    for selection in selections:
        if not _included(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif isinstance(selection, FragmentSpread | InlineFragment) and _asks_for(
            selection.selections, name
        ):
            return True
    return False


def selects(info: Info, name: str) -> bool:
    """True when the current field's selection includes the field `name` (camelCase), directly
    or through fragments, and no `@skip`/`@include` leaves it out."""
    return any(
        _asks_for(field.selections, name)
        for field in info.selected_fields
        if isinstance(field, SelectedField)
    )
