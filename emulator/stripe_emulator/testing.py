"""Start the emulator on a loopback port, for test suites and benchmarks of its users."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aiohttp import web

from .app import RUNTIME, Runtime, create_app
from .state import Emulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

# Any `sk_test_...` key is accepted; tests share this one.
TEST_API_KEY = "sk_test_emulator_0123456789"


class RunningEmulator:
    """A started emulator: its base URL, and its state and request log for assertions."""

    def __init__(self, url: str, runtime: Runtime) -> None:
        self.url = url
        self.runtime = runtime

    @property
    def emu(self) -> Emulator:
        return self.runtime.emu

    async def request_count(self) -> int:
        return len(self.runtime.log.entries)

    def reset_log(self) -> None:
        self.runtime.log.reset()


@asynccontextmanager
async def running_emulator(seed: int = 1) -> AsyncIterator[RunningEmulator]:
    """An emulator on 127.0.0.1 with a free port, stopped on exit."""
    app = create_app(Emulator(seed=seed))
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    port = server.sockets[0].getsockname()[1]
    try:
        yield RunningEmulator(f"http://127.0.0.1:{port}", app[RUNTIME])
    finally:
        await runner.cleanup()
