"""Why the policy said no: one of its codes (`RefusalCode`), a message, the input at fault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..errors import RefusalCode


@dataclass(frozen=True)
class Refusal:
    """A refused action. `field` is the GraphQL input field (camelCase) at fault, if one is."""

    code: RefusalCode
    message: str
    field: str | None = None


def refuse(code: RefusalCode, message: str, field: str | None = None) -> Refusal:
    return Refusal(code, message, field)
