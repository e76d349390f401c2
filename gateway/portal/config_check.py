"""Check a portal configuration file: every problem found, and whether it may be served.

Pure: the caller reads Stripe (when asked to) and prints; this only decides, exactly as
the server does when it starts, so the command and the server never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .loading import load_configuration_file
from .problems import errors_only
from .registry import collect_configurations

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .catalog import Catalog


@dataclass(frozen=True)
class ConfigCheck:
    """The lines to show, and whether the file is valid (warnings allowed)."""

    lines: tuple[str, ...]
    valid: bool


def check_configuration_file(
    path: str,
    *,
    catalog: Catalog | None = None,
    stripe_configurations: Sequence[Mapping[str, Any]] = (),
) -> ConfigCheck:
    """Check the file at `path`, against Stripe's catalog and configurations when given."""
    loaded = load_configuration_file(path, catalog=catalog)
    configurations, problems = collect_configurations(
        loaded, stripe_configurations, catalog=catalog
    )
    from_file = set(loaded.problems)
    lines = [f"{path}: {problem}" if problem in from_file else str(problem) for problem in problems]
    errors = errors_only(problems)
    if errors:
        lines.append(f"{len(errors)} problem(s) found; the configuration is invalid.")
        return ConfigCheck(tuple(lines), valid=False)
    default = next(c.id for c in configurations if c.is_default)
    checked = "checked against the Stripe catalog" if catalog is not None else "checked"
    lines.append(f"OK: {len(configurations)} configuration(s) {checked}; the default is {default}.")
    return ConfigCheck(tuple(lines), valid=True)
