"""A real redis-server for tests, started on a free loopback port and stopped after the run.

Fixtures: `redis_server` (session: the server's URL) and `redis_url` (per test: the same
URL with an empty database). Tests that use them carry `@pytest.mark.redis`; they are
skipped, with the reason, on a machine without `redis-server`; CI installs it, so they
run there.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from typing import TYPE_CHECKING

import pytest
import redis

from tests.support.markers import require_marker

if TYPE_CHECKING:
    from collections.abc import Iterator

START_TIMEOUT_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited with status {process.returncode}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs it; apt-get install redis-server)")
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> str:
    """The test server's URL, its data flushed before the test. Held to the `redis` marker
    here too, since fixtures may ask for it only at run time."""
    require_marker(request, "redis")
    redis_server: str = request.getfixturevalue("redis_server")
    client = redis.Redis.from_url(redis_server)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server
