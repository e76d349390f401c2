"""Typed spellings of `@strawberry.field(...)` / `@strawberry.mutation(...)` with arguments.

Strawberry's overloads type the parametrised decorators as returning `Any`, which strict
mypy rejects on every resolver; these keep the resolver's own signature.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(*, description: str, name: str | None = None) -> Callable[[F], F]:
    return cast("Callable[[F], F]", strawberry.field(description=description, name=name))


def mutation(*, description: str, name: str | None = None) -> Callable[[F], F]:
    return cast("Callable[[F], F]", strawberry.mutation(description=description, name=name))
