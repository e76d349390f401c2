"""All configurations the gateway serves, from a file and from Stripe, and which is the default.

Pure: it takes configurations already read (a parsed file, JSON dicts fetched from Stripe
by billing/) and checks what only makes sense across them: ids are unique and exactly one
configuration is the default. A session names any of them, or gets the default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .loading import LoadedConfigurations, parse_stripe_configuration
from .problems import ConfigProblem, ConfigurationError, errors_only

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from .catalog import Catalog
    from .configuration import Configuration


class UnknownConfigurationError(LookupError):
    def __init__(self, configuration_id: str) -> None:
        super().__init__(f"no portal configuration {configuration_id!r}")
        self.configuration_id = configuration_id


class InactiveConfigurationError(LookupError):
    def __init__(self, configuration_id: str) -> None:
        super().__init__(f"the portal configuration {configuration_id!r} is not active")
        self.configuration_id = configuration_id


def registry_problems(configurations: Sequence[Configuration]) -> list[ConfigProblem]:
    """Cross-configuration rules: unique ids, exactly one default."""
    problems = []
    seen: set[str] = set()
    for config in configurations:
        if config.id in seen:
            problems.append(ConfigProblem(config.id, "this id is defined more than once"))
        seen.add(config.id)
    defaults = [c.id for c in configurations if c.is_default]
    if not configurations:
        problems.append(ConfigProblem("", "no portal configuration is defined"))
    elif not defaults:
        problems.append(
            ConfigProblem(
                "",
                "no configuration is the default; set is_default: true on exactly one of "
                + ", ".join(c.id for c in configurations),
            )
        )
    elif len(defaults) > 1:
        problems.append(
            ConfigProblem(
                "",
                "exactly one configuration may be the default, but these all are: "
                + ", ".join(defaults),
            )
        )
    return problems


class ConfigurationRegistry:
    """The configurations by id, with the default; immutable once built."""

    def __init__(self, configurations: Sequence[Configuration]) -> None:
        problems = registry_problems(configurations)
        if problems:
            raise ConfigurationError(problems)
        self._by_id = {c.id: c for c in configurations}
        self.default = next(c for c in configurations if c.is_default)

    def __iter__(self) -> Iterator[Configuration]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, configuration_id: str) -> Configuration | None:
        return self._by_id.get(configuration_id)

    def resolve(self, configuration_id: str | None = None) -> Configuration:
        """The configuration a session uses: the one named, or the default; active only."""
        if configuration_id is None:
            return self.default
        config = self._by_id.get(configuration_id)
        if config is None:
            raise UnknownConfigurationError(configuration_id)
        if not config.active:
            raise InactiveConfigurationError(configuration_id)
        return config


def collect_configurations(
    file_configurations: LoadedConfigurations | None,
    stripe_configurations: Sequence[Mapping[str, Any]] = (),
    *,
    catalog: Catalog | None = None,
) -> tuple[list[Configuration], list[ConfigProblem]]:
    """Every configuration from both sources, and every problem (sources then registry)."""
    configurations = list(file_configurations.configurations if file_configurations else ())
    problems = list(file_configurations.problems if file_configurations else ())
    for data in stripe_configurations:
        config, found = parse_stripe_configuration(data, catalog=catalog)
        if data.get("active") is False and errors_only(found):
            # Only sessions created before it was deactivated still use it: an old,
            # no longer valid configuration must not stop the gateway serving the others.
            problems += [_skipped(p) for p in found]
            continue
        problems += found
        if config is not None:
            configurations.append(config)
    if not errors_only(problems):
        problems += registry_problems(configurations)
    return configurations, problems


def _skipped(problem: ConfigProblem) -> ConfigProblem:
    return ConfigProblem(
        problem.path, f"{problem.message} (inactive configuration, skipped)", "warning"
    )


def build_registry(
    file_configurations: LoadedConfigurations | None,
    stripe_configurations: Sequence[Mapping[str, Any]] = (),
    *,
    catalog: Catalog | None = None,
) -> ConfigurationRegistry:
    """The registry, or `ConfigurationError` with every problem (the server must not start)."""
    configurations, problems = collect_configurations(
        file_configurations, stripe_configurations, catalog=catalog
    )
    if errors_only(problems):
        raise ConfigurationError(problems)
    return ConfigurationRegistry(configurations)
