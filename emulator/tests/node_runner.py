"""Running a Node script of the tests (tools from npm, installed by `npm ci` in its folder).

Without node or the folder's modules the test skips and says why; under CI (which installs
both) that is a failure instead, so a broken setup never passes as a skip.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path


def require_node(folder: Path, package: str) -> None:
    """Skip (or, under CI, fail) unless node and `package` in `folder` are installed."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (folder / "node_modules" / package).is_dir():
        missing = f"{package} is not installed: run `npm ci --prefix emulator/tests/{folder.name}`"
    if missing is None:
        return
    assert not os.environ.get("CI"), missing
    pytest.skip(missing)


async def run_node(script: Path, *arguments: str, limit_seconds: float) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `node script arguments`; killed after `limit_seconds`."""
    process = await asyncio.create_subprocess_exec(
        "node",
        str(script),
        *arguments,
        cwd=script.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), limit_seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def json_lines(stdout: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The script's result lines and its one summary line."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    summary = [line for line in lines if "summary" in line]
    assert len(summary) == 1, stdout
    return [line for line in lines if "summary" not in line], summary[0]
