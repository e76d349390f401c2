"""Configuration problems as `path: message` lines, in Stripe's dotted/indexed path form.

Every problem names where it is (`features.subscription_update.products[1].prices[0]`), so
an operator can fix a pasted configuration without guessing. Pydantic's errors are turned
into the same form, so type errors and rule violations read alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pydantic import ValidationError

Severity = Literal["error", "warning"]
PathPart = str | int


def format_path(parts: Iterable[PathPart]) -> str:
    """('features', 'products', 1, 'prices', 0) -> 'features.products[1].prices[0]'."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong (or suspicious, for warnings) with a configuration source."""

    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        label = f"{self.path}: {self.message}" if self.path else self.message
        return label if self.severity == "error" else f"warning: {label}"

    def under(self, prefix: str) -> ConfigProblem:
        """The same problem, located inside `prefix` (a list position or a source id)."""
        return ConfigProblem(join_path(prefix, self.path), self.message, self.severity)


class ConfigurationError(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s) in the portal configuration:\n"
            + "\n".join(f"  {p}" for p in errors)
        )


def errors_only(problems: Iterable[ConfigProblem]) -> list[ConfigProblem]:
    return [p for p in problems if p.severity == "error"]


_TYPE_NAMES = {
    "bool_type": "a boolean",
    "int_type": "an integer",
    "string_type": "a string",
    "model_type": "an object",
    "dict_type": "an object",
    "model_attributes_type": "an object",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _describe(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required"
    if kind == "literal_error":
        return f"{value!r} is not valid; expected {ctx.get('expected', 'another value')}"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {type(value).__name__} {value!r}"
    if kind == "greater_than_equal":
        return f"{value!r} is too small; must be at least {ctx.get('ge')}"
    return str(error["msg"])


def problems_from_validation_error(error: ValidationError) -> list[ConfigProblem]:
    """Pydantic's errors as problems with Stripe-style paths."""
    return [ConfigProblem(format_path(e["loc"]), _describe(e)) for e in error.errors()]
