"""The system under test: an emulator process holding the bench account, and gateway processes
pointed at it. Used as `async with bench_stack(...) as stack:`; everything stops at the end."""

from __future__ import annotations

import contextlib
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from account import (
    BenchCustomer,
    Catalog,
    create_catalog,
    create_customers,
    stripe_client,
    write_portal_configuration,
)
from harness import (
    CLIENT_CPU,
    SERVER_CPU,
    Process,
    Processes,
    can_pin,
    pin_this_process,
    start_baseline,
    start_emulator,
    start_gateway,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import AsyncIterator


@dataclass
class Stack:
    workdir: Path
    processes: Processes
    emulator: Process
    catalog: Catalog
    customers: list[BenchCustomer]
    portal_config: Path
    pinned: bool

    @property
    def server_cpu(self) -> int | None:
        return SERVER_CPU if self.pinned else None

    async def gateway(
        self,
        name: str = "gateway",
        *,
        customer_cache_ttl: float | None = None,
        default_limits: bool = False,
        stripe_budget: bool = False,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Process:
        """A gateway process on the server CPU (its own, one per call)."""
        return self.processes.add(
            await start_gateway(
                self.workdir,
                self.emulator.url,
                self.portal_config,
                cpu=self.server_cpu,
                customer_cache_ttl=customer_cache_ttl,
                name=name,
                default_limits=default_limits,
                stripe_budget=stripe_budget,
                port=port,
                extra_env=extra_env,
            )
        )

    async def baseline(self, data: Path) -> Process:
        return self.processes.add(await start_baseline(self.workdir, data, cpu=self.server_cpu))

    def stop(self, process: Process) -> None:
        process.stop()
        self.processes.started.remove(process)


@contextlib.asynccontextmanager
async def bench_stack(*, customers: int, months: int, pin: bool) -> AsyncIterator[Stack]:
    """Emulator up, account seeded (catalog + `customers` customers), portal config written."""
    pinned = pin and can_pin()
    pin_this_process(CLIENT_CPU if pinned else None)
    processes = Processes()
    with tempfile.TemporaryDirectory(prefix="gateway-bench-") as tmp:
        workdir = Path(tmp)
        try:
            # The emulator shares the load generator's CPU, away from the server's.
            emulator = processes.add(
                await start_emulator(workdir, cpu=CLIENT_CPU if pinned else None)
            )
            async with stripe_client(emulator.url) as client:
                catalog = await create_catalog(client)
                seeded = await create_customers(client, catalog, customers, months=months)
            config = write_portal_configuration(catalog, workdir / "portal.json")
            yield Stack(workdir, processes, emulator, catalog, seeded, config, pinned)
        finally:
            processes.stop_all()


def common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="tiny bounds: a smoke run")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="do not pin the server and the load generator to separate CPUs",
    )


def describe_machine(pinned: bool) -> str:
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    layout = (
        f"gateway/baseline on CPU {SERVER_CPU}; emulator and load generator on CPU {CLIENT_CPU}"
        if pinned
        else "no CPU pinning"
    )
    return (
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"load average {' '.join(load) or '?'}; {layout}"
    )
