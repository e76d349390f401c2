"""Why the policy said no: one of its codes (`RefusalCode`), a message, the input at fault."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RefusalCode


@dataclass(frozen=True)
class Refusal:
    """A refused action. `field` is the GraphQL input field (camelCase) at fault, if one is."""

    code: RefusalCode
    message: str
    field: str | None = None


def refuse(code: RefusalCode, message: str, field: str | None = None) -> Refusal:
    return Refusal(code, message, field)


# The policy's codes are named here too: they are part of what the policy answers.
__all__ = ["Refusal", "RefusalCode", "refuse"]
