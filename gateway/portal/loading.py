"""Reading portal configurations from a JSON or YAML file, or from Stripe's JSON.

A file holds one configuration object, a list of them, `{"configurations": [...]}`, or
Stripe's own list answer (`{"object": "list", "data": [...]}`, as the API returns it).
Problems are located by where they are in the file: `features...` for a single object,
`[1].features...` for a list, `configurations[1].features...` for the wrapped form.

A configuration in a file may leave out `id`. It then gets one derived from its `name`
(`file_` + the name in lower case, runs of other characters as `_`: "Pro plans" ->
`file_pro_plans`) or, without a name, from its position (`file_1` for the first). Give an
explicit `id` when sessions or headers refer to a configuration: positions move.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import ValidationError

from .configuration import Configuration
from .problems import (
    ConfigProblem,
    PathPart,
    errors_only,
    format_path,
    join_path,
    problems_from_validation_error,
)
from .validation import validate_configuration

if TYPE_CHECKING:
    from .catalog import Catalog

FileFormat = Literal["json", "yaml"]


@dataclass(frozen=True)
class LoadedConfigurations:
    """What a source yielded: the valid configurations, and every problem found."""

    configurations: tuple[Configuration, ...]
    problems: tuple[ConfigProblem, ...]

    @property
    def ok(self) -> bool:
        return not errors_only(self.problems)


class _Object(dict[Any, Any]):
    """A parsed mapping that remembers keys it saw twice (JSON and YAML keep the last)."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[Any] = []


def _json_object(pairs: list[tuple[Any, Any]]) -> _Object:
    result = _Object()
    for key, value in pairs:
        if key in result:
            result.duplicates.append(key)
        result[key] = value
    return result


class _YamlLoader(yaml.SafeLoader):
    pass


def _yaml_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> _Object:
    loader.flatten_mapping(node)
    result = _Object()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            result.duplicates.append(key)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _yaml_mapping)


def _duplicate_keys(value: Any, parts: tuple[PathPart, ...] = ()) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    if isinstance(value, _Object):
        for key in value.duplicates:
            problems.append(
                ConfigProblem(
                    format_path((*parts, str(key))), "key appears twice; only the last is kept"
                )
            )
        for key, item in value.items():
            problems += _duplicate_keys(item, (*parts, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _duplicate_keys(item, (*parts, index))
    return problems


def _parse_text(text: str, file_format: FileFormat) -> tuple[Any, list[ConfigProblem]]:
    try:
        if file_format == "json":
            return json.loads(text, object_pairs_hook=_json_object), []
        return yaml.load(text, Loader=_YamlLoader), []
    except json.JSONDecodeError as error:
        return None, [
            ConfigProblem(
                "", f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
            )
        ]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        return None, [ConfigProblem("", f"invalid YAML{where}: {problem}")]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def derived_id(data: Mapping[str, Any], position: int) -> str:
    """The id of a file configuration that has none (`position` counts from 0)."""
    name = data.get("name")
    if isinstance(name, str) and _slug(name):
        return f"file_{_slug(name)}"
    return f"file_{position + 1}"


def parse_configuration(
    data: Any, *, catalog: Catalog | None = None
) -> tuple[Configuration | None, list[ConfigProblem]]:
    """One configuration object, checked; problems are relative to the object."""
    if not isinstance(data, Mapping):
        return None, [ConfigProblem("", "expected a billing_portal.configuration object")]
    try:
        config = Configuration.model_validate(dict(data))
    except ValidationError as error:
        return None, problems_from_validation_error(error)
    problems = validate_configuration(config, catalog)
    return (config if not errors_only(problems) else None), problems


# The keys of Stripe's list object (`GET /v1/billing_portal/configurations` as it answers).
_STRIPE_LIST_KEYS = frozenset({"object", "data", "has_more", "url"})


def _stripe_list(document: Mapping[Any, Any]) -> tuple[list[tuple[str, Any]], list[ConfigProblem]]:
    """Stripe's list answer, pasted as it is: its `data` are the configurations."""
    problems = [
        ConfigProblem(str(key), "unknown key in Stripe's list object")
        for key in document
        if key not in _STRIPE_LIST_KEYS
    ]
    listed = document.get("data")
    if not isinstance(listed, list):
        return [], [*problems, ConfigProblem("data", "expected a list")]
    if document.get("has_more") is True:
        problems.append(
            ConfigProblem(
                "has_more",
                "Stripe said more configurations follow: this file has the first page only",
                "warning",
            )
        )
    return [(f"data[{i}]", item) for i, item in enumerate(listed)], problems


def _items(document: Any) -> tuple[list[tuple[str, Any]], list[ConfigProblem]]:
    """The configuration objects of a document, each with its location prefix."""
    if isinstance(document, Mapping) and "configurations" in document:
        problems = [
            ConfigProblem(str(key), "unknown key; expected only 'configurations'")
            for key in document
            if key != "configurations"
        ]
        listed = document["configurations"]
        if not isinstance(listed, list):
            return [], [*problems, ConfigProblem("configurations", "expected a list")]
        return [(f"configurations[{i}]", item) for i, item in enumerate(listed)], problems
    if isinstance(document, Mapping) and document.get("object") == "list":
        return _stripe_list(document)
    if isinstance(document, list):
        return [(f"[{i}]", item) for i, item in enumerate(document)], []
    if isinstance(document, Mapping):
        return [("", document)], []
    return [], [
        ConfigProblem(
            "",
            'expected a configuration object, a list of them, {"configurations": [...]} or '
            'Stripe\'s list object {"object": "list", "data": [...]}',
        )
    ]


def parse_configurations(
    text: str, file_format: FileFormat, *, catalog: Catalog | None = None
) -> LoadedConfigurations:
    """Parse and check the text of a configuration file."""
    document, problems = _parse_text(text, file_format)
    if problems:
        return LoadedConfigurations((), tuple(problems))
    problems = _duplicate_keys(document)
    items, shape_problems = _items(document)
    problems += shape_problems
    if not items and not shape_problems:
        problems.append(ConfigProblem("", "the file holds no configuration"))
    configurations: list[Configuration] = []
    first_id: dict[str, str] = {}
    for position, (prefix, data) in enumerate(items):
        if isinstance(data, Mapping) and "id" not in data:
            data = {**data, "id": derived_id(data, position)}
        config, found = parse_configuration(data, catalog=catalog)
        problems += [p.under(prefix) for p in found]
        if config is None:
            continue
        if config.id in first_id:
            problems.append(
                ConfigProblem(
                    join_path(prefix, "id"),
                    f"{config.id!r} is already the id of {first_id[config.id] or 'another'}",
                )
            )
            continue
        first_id[config.id] = prefix
        configurations.append(config)
    return LoadedConfigurations(tuple(configurations), tuple(problems))


def file_format_of(path: Path, text: str) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def load_configuration_file(
    path: str | Path, *, catalog: Catalog | None = None
) -> LoadedConfigurations:
    """Read and check a configuration file; an unreadable file is a problem, not a crash."""
    file_path = Path(path)
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return LoadedConfigurations((), (ConfigProblem("", f"cannot read {path}: {reason}"),))
    return parse_configurations(text, file_format_of(file_path, text), catalog=catalog)


def parse_stripe_configuration(
    data: Mapping[str, Any], *, catalog: Catalog | None = None
) -> tuple[Configuration | None, list[ConfigProblem]]:
    """A configuration fetched from Stripe; problems are located under its id."""
    label = str(data.get("id") or "stripe configuration")
    config, problems = parse_configuration(data, catalog=catalog)
    return config, [p.under(label) for p in problems]
