"""`python -m gateway serve` as a process: it says where it listens, refuses bad settings and
configurations in one line each (no traceback), and on SIGTERM stops accepting, closes live
sockets as "going away" and lets a mutation in flight finish within the grace."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from tests.api.test_commands import _free_port, _stop, _until_ready

if TYPE_CHECKING:
    from pathlib import Path

    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.world import World

ADMIN_KEY = "lifecycle-admin-key-0123456789"
# The mutation's Stripe write is held this long, so SIGTERM arrives while it is in flight.
STRIPE_DELAY_MS = 1500
CANCEL = """mutation LifecycleCancel($input: CancelSubscriptionInput!) {
  cancelSubscription(input: $input) {
    subscription { id cancelAtPeriodEnd }
    userErrors { code message field }
  }
}"""


def _environment(emulator: RunningEmulator, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "GATEWAY_STRIPE_API_KEY": "sk_test_lifecycle_0123456789",
        "GATEWAY_STRIPE_API_BASE": emulator.url,
        "GATEWAY_ADMIN_KEYS": ADMIN_KEY,
        **extra,
    }


async def _serve(env: dict[str, str], port: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
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


async def _output(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    return (await process.stdout.read()).decode()


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


async def test_sigterm_lets_a_mutation_in_flight_finish(
    emulator: RunningEmulator,
    world: World,
    stripe_client: stripe.StripeClient,
    tmp_path: Path,
) -> None:
    config = tmp_path / "portal.json"
    config.write_text(json.dumps(world.configurations()), encoding="utf-8")
    port = _free_port()
    env = _environment(
        emulator, GATEWAY_PORTAL_CONFIG=str(config), GATEWAY_SHUTDOWN_GRACE_SECONDS="10"
    )
    process = await _serve(env, port)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {ADMIN_KEY}", "Portal-Customer": world.alice.id}
    try:
        async with aiohttp.ClientSession() as http:
            await _until_ready(http, url)
            socket = await http.ws_connect(f"{url}/graphql", protocols=("graphql-transport-ws",))
            await socket.send_json({"type": "connection_init", "payload": headers})
            assert (await socket.receive_json())["type"] == "connection_ack"
            emulator.runtime.faults.configure(
                {
                    "rules": [
                        {
                            "method": "POST",
                            "path": f"/v1/subscriptions/{world.alice.subscription}",
                            "latency_ms": STRIPE_DELAY_MS,
                        }
                    ]
                }
            )
            variables = {"input": {"subscriptionId": world.alice.subscription}}
            in_flight = asyncio.create_task(
                http.post(
                    f"{url}/graphql",
                    json={"query": CANCEL, "variables": variables},
                    headers=headers,
                )
            )
            await asyncio.sleep(STRIPE_DELAY_MS / 3000)
            assert not in_flight.done()
            process.send_signal(signal.SIGTERM)

            # The live socket is closed at once, as "going away" (clients reconnect elsewhere).
            closing = await asyncio.wait_for(socket.receive(), 5)
            assert closing.type is aiohttp.WSMsgType.CLOSE
            assert closing.data == aiohttp.WSCloseCode.GOING_AWAY
            # New connections are refused while the mutation is still running.
            await asyncio.sleep(0.2)
            with pytest.raises(aiohttp.ClientConnectionError):
                async with aiohttp.ClientSession() as fresh:
                    await fresh.get(f"{url}/healthz")
            assert not in_flight.done()

            response = await asyncio.wait_for(in_flight, 10)
            body = await response.json()
            response.release()
        assert response.status == 200, body
        payload = body["data"]["cancelSubscription"]
        assert payload["userErrors"] == []
        assert payload["subscription"]["cancelAtPeriodEnd"] is True
        async with asyncio.timeout(10):
            assert await process.wait() == 0
    finally:
        emulator.runtime.faults.configure({"rules": []})
        await _stop(process)
        output = await _output(process)
    # Stripe has the change the answer reported.
    subscription = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert subscription.cancel_at_period_end is True
    events = [line.get("event") for line in _lines(output)]
    assert "listening" in events
    assert "stopping" in events
    assert "Traceback" not in output


async def test_serve_says_where_it_listens(
    emulator: RunningEmulator, world: World, tmp_path: Path
) -> None:
    config = tmp_path / "portal.json"
    config.write_text(json.dumps(world.configurations()), encoding="utf-8")
    port = _free_port()
    process = await _serve(_environment(emulator, GATEWAY_PORTAL_CONFIG=str(config)), port)
    try:
        async with aiohttp.ClientSession() as http:
            await _until_ready(http, f"http://127.0.0.1:{port}")
    finally:
        await _stop(process)
        output = await _output(process)
    (listening,) = [line for line in _lines(output) if line.get("event") == "listening"]
    assert listening["urls"] == [f"http://127.0.0.1:{port}"]
    assert listening["message"] == f"listening on http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            '{"features": {"subscription_cancel": {"enabled": "maybe"}}}',
            "features.subscription_cancel.enabled: expected a boolean, got str 'maybe'",
        ),
        ("{not json", "invalid JSON at line 1 column 2"),
    ],
)
async def test_an_invalid_configuration_file_stops_serve_in_one_line(
    emulator: RunningEmulator, tmp_path: Path, content: str, problem: str
) -> None:
    config = tmp_path / "portal.json"
    config.write_text(content, encoding="utf-8")
    process = await _serve(_environment(emulator, GATEWAY_PORTAL_CONFIG=str(config)), _free_port())
    async with asyncio.timeout(20):
        code = await process.wait()
    output = await _output(process)
    assert code == 2
    assert "Traceback" not in output
    (line,) = _lines(output)
    assert line["level"] == "error"
    assert problem in line["message"]
    assert str(config) in line["message"]


async def test_a_configuration_the_catalog_refuses_stops_serve_in_one_line(
    emulator: RunningEmulator, world: World, tmp_path: Path
) -> None:
    configuration = world.configurations()[0]
    configuration["features"]["subscription_update"]["products"] = [
        {"product": "prod_missing", "prices": ["price_missing"]}
    ]
    config = tmp_path / "portal.json"
    config.write_text(json.dumps([configuration]), encoding="utf-8")
    process = await _serve(_environment(emulator, GATEWAY_PORTAL_CONFIG=str(config)), _free_port())
    async with asyncio.timeout(30):
        code = await process.wait()
    output = await _output(process)
    assert code == 2
    assert "Traceback" not in output
    errors = [line for line in _lines(output) if line["level"] == "error"]
    assert errors
    assert all(e["message"].startswith("invalid portal configuration: ") for e in errors)
    assert any("price_missing" in e["message"] for e in errors)


async def test_an_invalid_setting_is_one_line(emulator: RunningEmulator) -> None:
    process = await _serve(
        _environment(emulator, GATEWAY_SHUTDOWN_GRACE_SECONDS="soon"), _free_port()
    )
    async with asyncio.timeout(20):
        code = await process.wait()
    output = await _output(process)
    assert code == 2
    assert output.strip().splitlines() == [
        "invalid setting GATEWAY_SHUTDOWN_GRACE_SECONDS: Input should be a valid number, "
        "unable to parse string as a number (got 'soon')"
    ]
