"""Markers for tests that need more than Python: each test declares what it needs, so
`-m "not browser and not redis"` deselects exactly the tests that would otherwise skip.

The markers themselves are registered in pyproject.toml. This plugin holds them to the
tests: a test that uses Chromium or Redis through its fixtures, or lives in the benchmark
folder, without carrying the marker stops the run at collection. A fixture that reaches
Redis at run time (`request.getfixturevalue`) is held to it by `require_marker`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

# Fixture name -> the marker every test using it (directly or through other fixtures) carries.
FIXTURE_MARKERS: Final = {"browser": "browser", "redis_server": "redis", "redis_url": "redis"}
# Folder under tests/ -> the marker every test in it carries.
FOLDER_MARKERS: Final = {"bench": "bench"}
TESTS_DIR: Final = Path(__file__).resolve().parents[1]


def markers_needed(item: pytest.Item) -> set[str]:
    """The markers this test must carry, from the fixtures it uses and the folder it is in."""
    fixtures = set(getattr(item, "fixturenames", ()))
    needed = {marker for name, marker in FIXTURE_MARKERS.items() if name in fixtures}
    path = Path(item.path).resolve()
    if path.is_relative_to(TESTS_DIR):
        folder = path.relative_to(TESTS_DIR).parts[0]
        if folder in FOLDER_MARKERS:
            needed.add(FOLDER_MARKERS[folder])
    return needed


def markers_missing(item: pytest.Item) -> list[str]:
    return sorted(m for m in markers_needed(item) if item.get_closest_marker(m) is None)


def require_marker(request: pytest.FixtureRequest, marker: str) -> None:
    """Fail the test now unless it carries `marker`: for fixtures that reach a service only
    at run time, so the collection check cannot see them."""
    if request.node.get_closest_marker(marker) is None:
        pytest.fail(
            f"{request.node.nodeid} uses {request.fixturename} without "
            f"@pytest.mark.{marker}: add the marker (see pyproject.toml)",
            pytrace=False,
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        f"{item.nodeid}: needs @pytest.mark.{', @pytest.mark.'.join(missing)}"
        for item in items
        if (missing := markers_missing(item))
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests use a browser, Redis or a benchmark without declaring it:\n  "
            + "\n  ".join(unmarked)
        )
