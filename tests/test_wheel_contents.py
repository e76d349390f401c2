"""The gateway's wheel is what production installs: it carries the gateway and nothing of the
emulator, which is its own distribution (only `gateway.demo` imports it, when installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Local state a build must not see (and would be slow to copy).
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "test-artifacts",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Build the wheel from a copy of the checkout (a build writes beside its sources), offline."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    out = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        timeout=300,
    )
    [built] = out.glob("gateway-*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.slow
def test_the_wheel_carries_no_emulator_file(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "gateway/__init__.py" in names  # the build did package the gateway
    assert "gateway/models/__init__.py" in names
    emulator = [n for n in names if "emulator" in n.split("/")[0] or "/emulator" in n]
    assert emulator == []
    top_level = {n.split("/")[0] for n in names}
    assert {t for t in top_level if not t.startswith("gateway")} == set()


@pytest.mark.slow
def test_the_wheel_does_not_require_the_emulator(wheel: zipfile.ZipFile) -> None:
    [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    requires = [
        line for line in wheel.read(metadata).decode().splitlines() if line.startswith("Requires")
    ]
    assert requires  # the gateway's own dependencies are declared
    assert not [line for line in requires if "emulator" in line.lower()]
