"""Start and stop the processes a benchmark measures: the Stripe emulator, the gateway and the
baseline server, each its own OS process on 127.0.0.1, pinned to a CPU when asked.

Every wait is bounded in time; every process started here is stopped here, by its pid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
STRIPE_KEY = "sk_test_bench_0123456789abcdef"
ADMIN_KEY = "gwadmin_bench_0123456789abcdef"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
UNLIMITED = "1000000000"
# The gateway and the servers it is compared with run on this CPU; the emulator and the load
# generator share the other one (a 2-core machine).
SERVER_CPU = 0
CLIENT_CPU = 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2


def pin_this_process(cpu: int | None) -> None:
    """Keep the load generator off the server's CPU (no-op when pinning is off)."""
    if cpu is not None and can_pin():
        os.sched_setaffinity(0, {cpu})


@dataclass
class Process:
    """A server this harness started; `stop()` ends it by its pid."""

    name: str
    url: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def rss_kib(self) -> int:
        """Resident memory now (VmRSS from /proc), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for {self.name}")

    def cpu_seconds(self) -> float:
        """User plus system CPU time used so far (from /proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(STOP_TIMEOUT_SECONDS)
        self._log.close()

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _spawn(
    name: str,
    args: Sequence[str],
    *,
    url: str,
    workdir: Path,
    cpu: int | None,
    env: Mapping[str, str] | None = None,
) -> Process:
    command = list(args)
    if cpu is not None and can_pin():
        command = ["taskset", "-c", str(cpu), *command]
    log_path = workdir / f"{name}.log"
    log = log_path.open("wb")
    popen = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return Process(name, url, popen, log_path, log)


async def _wait_ready(process: Process, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                break
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(process.url + path) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    tail = process.log_tail()
    process.stop()
    raise RuntimeError(f"{process.name} did not start:\n{tail}")


async def start_emulator(workdir: Path, *, cpu: int | None) -> Process:
    """`python -m stripe_emulator`: an empty Stripe account."""
    port = free_port()
    process = _spawn(
        "emulator",
        [PYTHON, "-m", "stripe_emulator", "--host", HOST, "--port", str(port)],
        url=f"http://{HOST}:{port}",
        workdir=workdir,
        cpu=cpu,
    )
    await _wait_ready(process, "/_emulator/faults")
    return process


async def start_gateway(
    workdir: Path,
    emulator_url: str,
    portal_config: Path,
    *,
    cpu: int | None,
    customer_cache_ttl: float | None = None,
    name: str = "gateway",
    default_limits: bool = False,
    stripe_budget: bool = False,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Process:
    """`python -m gateway serve`, configured only through GATEWAY_* variables, as deployed.

    Rate limits and the Stripe call budget are set far above what a benchmark sends, unless
    `default_limits` (the operation rate limits) or `stripe_budget` (the Stripe call cap and
    buckets) ask for the gateway's own defaults."""
    port = port or free_port()
    env = {
        "GATEWAY_HOST": HOST,
        "GATEWAY_PORT": str(port),
        "GATEWAY_STRIPE_API_KEY": STRIPE_KEY,
        "GATEWAY_STRIPE_API_BASE": emulator_url,
        "GATEWAY_STRIPE_MAX_RETRIES": "0",
        "GATEWAY_ADMIN_KEYS": ADMIN_KEY,
        "GATEWAY_PORTAL_CONFIG": str(portal_config),
        "GATEWAY_PORTAL_URL": "https://billing.example.com/portal",
        "GATEWAY_ENVIRONMENT": "production",
    }
    if not default_limits:
        # Rate limits stay on (their cost is measured) but far above what a benchmark sends.
        env.update(
            {
                f"GATEWAY_{kind}RATE_LIMIT_{name}": UNLIMITED
                for kind in ("", "ADMIN_", "ANONYMOUS_")
                for name in ("PER_SECOND", "BURST")
            }
        )
    if not stripe_budget:
        env.update(
            {
                f"GATEWAY_{kind}STRIPE_CALLS_{name}": UNLIMITED
                for kind in ("", "ADMIN_", "CUSTOMER_")
                for name in ("PER_SECOND", "BURST")
            }
        )
        env["GATEWAY_MAX_STRIPE_CALLS_PER_REQUEST"] = "0"
        env["GATEWAY_STRIPE_ACCOUNT_REQUESTS_PER_SECOND"] = "0"
    if customer_cache_ttl is not None:
        env["GATEWAY_CUSTOMER_CACHE_TTL_SECONDS"] = str(customer_cache_ttl)
    env.update(extra_env or {})
    process = _spawn(
        name,
        [PYTHON, "-m", "gateway", "serve"],
        url=f"http://{HOST}:{port}",
        workdir=workdir,
        cpu=cpu,
        env=env,
    )
    await _wait_ready(process, "/readyz")
    return process


async def start_baseline(workdir: Path, data: Path, *, cpu: int | None) -> Process:
    """The baseline: the same query served from memory by the same aiohttp/Strawberry stack."""
    port = free_port()
    process = _spawn(
        "baseline",
        [PYTHON, str(ROOT / "bench" / "baseline_server.py"), str(data), "--port", str(port)],
        url=f"http://{HOST}:{port}",
        workdir=workdir,
        cpu=cpu,
    )
    await _wait_ready(process, "/healthz")
    return process


class Processes:
    """Every process a run started, stopped in reverse order however the run ends."""

    def __init__(self) -> None:
        self.started: list[Process] = []

    def add(self, process: Process) -> Process:
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        while self.started:
            self.started.pop().stop()


__all__ = [
    "ADMIN_KEY",
    "CLIENT_CPU",
    "HOST",
    "SERVER_CPU",
    "STRIPE_KEY",
    "Process",
    "Processes",
    "pin_this_process",
    "start_baseline",
    "start_emulator",
    "start_gateway",
]
