"""A typed spelling of `@strawberry.field(...)` with arguments.

Strawberry's overloads type the parametrised decorator as returning `Any`, which strict
mypy rejects on every resolver; this keeps the resolver's own signature. Mutations are
declared through their `MutationSpec.field` instead.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(*, description: str, name: str | None = None) -> Callable[[F], F]:
    return cast("Callable[[F], F]", strawberry.field(description=description, name=name))
