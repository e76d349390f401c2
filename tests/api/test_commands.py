"""`python -m gateway serve` and `python -m gateway demo`, run as the operator runs them."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from typing import TYPE_CHECKING

import aiohttp
import pytest

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.world import World

START_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _until_ready(http: aiohttp.ClientSession, url: str) -> None:
    async with asyncio.timeout(START_SECONDS):
        while True:
            try:
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.2)


async def _stop(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode


async def test_serve_reads_its_settings_from_the_environment(
    emulator: RunningEmulator, world: World, stripe_client: stripe.StripeClient
) -> None:
    # No file and no ids: the gateway serves the account's active configurations.
    await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )
    port = _free_port()
    env = {
        **os.environ,
        "GATEWAY_STRIPE_API_KEY": "sk_test_serve_0123456789",
        "GATEWAY_STRIPE_API_BASE": emulator.url,
        "GATEWAY_ADMIN_KEYS": "first-admin-key,second-admin-key",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await _until_ready(http, url)
            async with http.post(
                f"{url}/graphql",
                json={"query": "{ customer { email } invoices(first: 1) { nodes { id } } }"},
                headers={
                    "Authorization": "Bearer second-admin-key",
                    "Portal-Customer": world.alice.id,
                },
            ) as response:
                body = await response.json()
        assert body == {
            "data": {
                "customer": {"email": "alice@example.com"},
                "invoices": {"nodes": [{"id": world.alice.invoices[0]}]},
            }
        }
    finally:
        await _stop(process)
        assert process.stdout is not None
        logged = (await process.stdout.read()).decode()
    assert "second-admin-key" not in logged
    assert "sk_test_serve" not in logged


async def _start_demo(
    port: int, emulator_port: int, *, sigint_ignored: bool = False
) -> tuple[asyncio.subprocess.Process, str]:
    """The demo as `scripts/demo` runs it, and its banner once it is serving."""
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
        # What a non-interactive shell does to a command it starts with `&`.
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )
    assert process.stdout is not None
    banner = ""
    try:
        async with asyncio.timeout(START_SECONDS):
            while "Ctrl-C" not in banner:
                line = await process.stdout.readline()
                assert line, banner
                banner += line.decode()
    except BaseException:
        await _stop(process)
        raise
    return process, banner


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


async def test_demo_prints_a_working_token() -> None:
    port, emulator_port = _free_port(), _free_port()
    process, banner = await _start_demo(port, emulator_port)
    try:
        graphiql = re.search(r"GraphiQL\s+(\S+)", banner)
        token = re.search(r"Access token\s+(\S+)", banner)
        admin_key = re.search(r"Admin key\s+(\S+)", banner)
        assert graphiql is not None, banner
        assert token is not None, banner
        assert admin_key is not None, banner
        assert graphiql.group(1) == f"http://127.0.0.1:{port}/graphql"
        async with aiohttp.ClientSession() as http:
            async with http.post(
                graphiql.group(1),
                json={"query": "{ customer { name } subscriptions { status } }"},
                headers={"Authorization": f"Bearer {token.group(1)}"},
            ) as response:
                body = await response.json()
            assert body == {
                "data": {
                    "customer": {"name": "Ada Active"},
                    "subscriptions": [{"status": "ACTIVE"}],
                }
            }
            trialing = re.search(r"trialing\s+(cus_\S+)", banner)
            assert trialing is not None, banner
            async with http.post(
                graphiql.group(1),
                json={"query": "{ subscriptions { status } }"},
                headers={
                    "Authorization": f"Bearer {admin_key.group(1)}",
                    "Portal-Customer": trialing.group(1),
                },
            ) as response:
                assert (await response.json())["data"] == {
                    "subscriptions": [{"status": "TRIALING"}]
                }
            async with http.get(graphiql.group(1), headers={"Accept": "text/html"}) as response:
                assert response.status == 200
            async with http.post(
                graphiql.group(1),
                json={"query": "{ session { returnUrl } }"},
                headers={"Authorization": f"Bearer {token.group(1)}"},
            ) as response:
                back = (await response.json())["data"]["session"]["returnUrl"]
            assert back == f"http://127.0.0.1:{port}/"
            async with http.get(back) as response:
                assert response.status == 200
                assert "merchant" in await response.text()
            # A change made on Stripe's side reaches the gateway by signed webhook.
            customer = re.search(r"active\s+(cus_\S+)", banner)
            assert customer is not None, banner
            async with http.post(
                f"http://127.0.0.1:{emulator_port}/v1/customers/{customer.group(1)}",
                data={"name": "Ada Renamed"},
                headers={"Authorization": "Bearer sk_test_from_the_dashboard"},
            ) as response:
                assert response.status == 200
            names = []
            for _ in range(50):
                async with http.post(
                    graphiql.group(1),
                    json={"query": "{ customer { name } }"},
                    headers={"Authorization": f"Bearer {token.group(1)}"},
                ) as response:
                    names.append((await response.json())["data"]["customer"]["name"])
                if names[-1] == "Ada Renamed":
                    break
                await asyncio.sleep(0.1)
            assert names[-1] == "Ada Renamed", names
    finally:
        code = await _stop(process)
    assert code == 0


@pytest.mark.parametrize(
    ("stop_signal", "sigint_ignored"),
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c-when-started-in-the-background", "sigterm"],
)
async def test_the_demo_stops_when_asked(stop_signal: signal.Signals, sigint_ignored: bool) -> None:
    process, _ = await _start_demo(_free_port(), _free_port(), sigint_ignored=sigint_ignored)
    process.send_signal(stop_signal)
    try:
        async with asyncio.timeout(10):
            code = await process.wait()
    finally:
        await _stop(process)
    assert process.stdout is not None
    logged = (await process.stdout.read()).decode()
    assert code == 0, logged
    assert "Traceback" not in logged
