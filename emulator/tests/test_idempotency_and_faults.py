"""Idempotency-Key replay, injected faults and the request log, as a client sees them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import stripe

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from stripe_emulator.testing import RunningEmulator

AUTH = {"Authorization": "Bearer sk_test_emulator_0123456789"}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _faults(
    http: aiohttp.ClientSession, emulator: RunningEmulator, spec: dict[str, Any]
) -> Any:
    async with http.post(emulator.url + "/_emulator/faults", json=spec) as response:
        assert response.status == 200
        return await response.json()


async def test_replay_returns_the_first_response(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    options: Any = {"idempotency_key": "order-1"}
    first = await stripe_client.v1.customers.create_async(
        {"email": "a@example.com"}, options=options
    )
    again = await stripe_client.v1.customers.create_async(
        {"email": "a@example.com"}, options=options
    )
    assert again.id == first.id
    assert len(emulator.emu.find("customer")) == 1
    headers = {**AUTH, "Idempotency-Key": "order-1"}
    async with http.post(
        emulator.url + "/v1/customers", data={"email": "a@example.com"}, headers=headers
    ) as response:
        assert response.headers["Idempotent-Replayed"] == "true"
        assert (await response.json())["id"] == first.id
    with pytest.raises(stripe.IdempotencyError) as exc:
        await stripe_client.v1.customers.create_async({"email": "b@example.com"}, options=options)
    assert "Try using a key other than 'order-1'" in str(exc.value.user_message)


async def test_failed_validation_is_not_saved(stripe_client: stripe.StripeClient) -> None:
    options: Any = {"idempotency_key": "order-2"}
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.products.create_async({"name": "X", "bogus": 1}, options=options)  # type: ignore[typeddict-unknown-key]
    # Nothing began, so nothing was saved: the corrected request may reuse the key.
    made = await stripe_client.v1.products.create_async({"name": "X"}, options=options)
    assert made.name == "X"
    with pytest.raises(stripe.IdempotencyError):
        await stripe_client.v1.products.create_async({"name": "Y"}, options=options)


async def test_outcomes_that_began_are_saved(stripe_client: stripe.StripeClient) -> None:
    options: Any = {"idempotency_key": "price-1"}
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.prices.create_async(
                {"currency": "usd", "unit_amount": 1, "product": "prod_missing"}, options=options
            )
        assert exc.value.code == "resource_missing"


async def test_rate_limit_and_server_error_faults(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    state = await _faults(
        http, emulator, {"seed": 1, "rules": [{"path": "/v1/products", "rate_429": 1.0}]}
    )
    assert state["rules"][0]["rate_429"] == 1.0
    with pytest.raises(stripe.RateLimitError) as limited:
        await stripe_client.v1.products.list_async()
    assert limited.value.http_status == 429
    assert isinstance(limited.value.json_body, dict)
    assert limited.value.json_body["error"]["code"] == "rate_limit"
    await stripe_client.v1.customers.list_async()
    await _faults(
        http, emulator, {"rules": [{"method": "POST", "path": "/v1/.*", "rate_500": 1.0}]}
    )
    with pytest.raises(stripe.APIError) as broken:
        await stripe_client.v1.products.create_async({"name": "X"})
    assert broken.value.http_status == 500
    await stripe_client.v1.products.list_async()
    async with http.get(emulator.url + "/_emulator/faults") as response:
        assert (await response.json())["injected"] == {"500": 1}
    await _faults(http, emulator, {"rules": []})
    await stripe_client.v1.products.create_async({"name": "X"})


async def test_latency(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    await _faults(http, emulator, {"rules": [{"path": "/v1/customers", "latency_ms": 150}]})
    started = time.monotonic()
    await stripe_client.v1.customers.list_async()
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    await stripe_client.v1.products.list_async()
    assert time.monotonic() - started < 0.15


async def test_drop_before_and_after_applying(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    await _faults(
        http, emulator, {"rules": [{"method": "POST", "path": "/v1/products", "rate_drop": 1.0}]}
    )
    with pytest.raises(stripe.APIConnectionError):
        await stripe_client.v1.products.create_async({"name": "Lost"})
    assert emulator.emu.find("product") == []
    await _faults(
        http,
        emulator,
        {"rules": [{"method": "POST", "path": "/v1/products", "rate_drop_after": 1.0}]},
    )
    options: Any = {"idempotency_key": "made-but-unseen"}
    with pytest.raises(stripe.APIConnectionError):
        await stripe_client.v1.products.create_async({"name": "Made"}, options=options)
    made = emulator.emu.find("product")
    assert [p["name"] for p in made] == ["Made"]
    await _faults(http, emulator, {"rules": []})
    retried = await stripe_client.v1.products.create_async({"name": "Made"}, options=options)
    assert retried.id == made[0]["id"]
    assert len(emulator.emu.find("product")) == 1


async def test_malformed_fault_spec(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    async with http.post(
        emulator.url + "/_emulator/faults", json={"rules": [{"rate_nope": 1}]}
    ) as response:
        assert response.status == 400
        assert "error" in await response.json()


async def test_request_log(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    customer = await stripe_client.v1.customers.create_async({"email": "log@example.com"})
    await stripe_client.v1.customers.retrieve_async(customer.id)
    await stripe_client.v1.customers.retrieve_async(customer.id)
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.customers.retrieve_async("cus_missing")
    async with http.get(emulator.url + "/_emulator/requests") as response:
        log = await response.json()
    assert log["total"] == 4
    assert log["by_route"] == {"POST /v1/customers": 1, "GET /v1/customers/{customer}": 3}
    assert [entry["status"] for entry in log["requests"]] == [200, 200, 200, 404]
    async with http.post(emulator.url + "/_emulator/requests/reset") as response:
        assert (await response.json()) == {"reset": True}
    async with http.get(emulator.url + "/_emulator/requests") as response:
        assert (await response.json())["total"] == 0
