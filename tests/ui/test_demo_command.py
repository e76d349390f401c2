"""`python -m gateway demo` prints a portal link that works in a browser."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sys
from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import expect

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]
START_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_printed_portal_link_opens_the_portal(browsing: Browsing) -> None:
    port, emulator_port = _free_port(), _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "demo",
        "--port",
        str(port),
        "--emulator-port",
        str(emulator_port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    banner = ""
    try:
        async with asyncio.timeout(START_SECONDS):
            while "Ctrl-C" not in banner:
                line = await process.stdout.readline()
                assert line, banner
                banner += line.decode()
        assert re.search(r"Promotion code\s+WELCOME20\b", banner), banner
        link = re.search(r"Portal\s+(\S+)", banner)
        assert link is not None, banner
        assert link.group(1).startswith(f"http://127.0.0.1:{port}/portal?code=")

        page = await browsing.open(link.group(1))
        await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
        await expect(page.get_by_text("Signed in as active@demo.example")).to_be_visible()
        await expect(page.locator("article.subscription")).to_contain_text("Pro")
        await expect(page.locator("table.invoice-table tbody tr")).to_have_count(10)
        # Leave before the demo stops (its live-update socket would report the lost server).
        await page.close()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
