"""Configurations and the catalog read from Stripe (the emulator, through the real SDK).

A configuration Stripe holds must load unchanged; the catalog must catch a listed price
that Stripe would not let a subscription switch to; `check-config --with-stripe` must do
both from the command line.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING, Any

import pytest

from gateway.billing.catalog_fetch import fetch_catalog
from gateway.billing.errors import NotFound
from gateway.billing.portal_configurations import fetch_portal_configurations
from gateway.portal.catalog import Catalog
from gateway.portal.loading import parse_stripe_configuration
from gateway.portal.registry import build_registry

if TYPE_CHECKING:
    from pathlib import Path

    import stripe

    from tests.conftest import RunningEmulator


async def _catalog(client: stripe.StripeClient) -> dict[str, str]:
    pro = await client.v1.products.create_async({"name": "Pro"})
    basic = await client.v1.products.create_async({"name": "Basic"})
    ids = {"pro": pro.id, "basic": basic.id}
    for name, product, amount, interval in (
        ("pro_m", pro.id, 3000, "month"),
        ("pro_y", pro.id, 30000, "year"),
        ("basic_m", basic.id, 1000, "month"),
    ):
        price = await client.v1.prices.create_async(
            {
                "product": product,
                "currency": "usd",
                "unit_amount": amount,
                "recurring": {"interval": interval},
            }
        )
        ids[name] = price.id
    setup = await client.v1.prices.create_async(
        {"product": pro.id, "currency": "usd", "unit_amount": 500}
    )
    ids["setup"] = setup.id
    await client.v1.prices.update_async(ids["pro_y"], {"active": False})
    return ids


async def _configuration(client: stripe.StripeClient, ids: dict[str, str]) -> str:
    config = await client.v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "Acme billing"},
            "features": {
                "customer_update": {"enabled": True, "allowed_updates": ["email", "tax_id"]},
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "cancellation_reason": {"enabled": True, "options": ["unused", "other"]},
                },
                "subscription_pause": {"enabled": True},
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price", "quantity"],
                    "proration_behavior": "create_prorations",
                    "products": [
                        {
                            "product": ids["pro"],
                            "prices": [ids["pro_m"]],
                            "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 20},
                        },
                        {"product": ids["basic"], "prices": [ids["basic_m"]]},
                    ],
                    "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}]},
                },
            },
            "metadata": {"segment": "teams"},
        }
    )
    return config.id


async def test_configuration_from_stripe_loads_unchanged(
    stripe_client: stripe.StripeClient,
) -> None:
    ids = await _catalog(stripe_client)
    config_id = await _configuration(stripe_client, ids)
    [data] = await fetch_portal_configurations(stripe_client, [config_id])
    assert data["object"] == "billing_portal.configuration"
    config, problems = parse_stripe_configuration(data)
    assert problems == []
    assert config is not None
    assert config.id == config_id
    assert config.is_default  # the emulator's first configuration is the default, as on Stripe
    update = config.features.subscription_update
    assert update.products is not None
    assert [(p.product, p.prices) for p in update.products] == [
        (ids["pro"], (ids["pro_m"],)),
        (ids["basic"], (ids["basic_m"],)),
    ]
    assert update.products[0].adjustable_quantity.maximum == 20
    assert config.features.subscription_cancel.cancellation_reason.options == ("unused", "other")
    assert config.metadata == {"segment": "teams"}


async def test_missing_configuration_is_not_found(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(NotFound):
        await fetch_portal_configurations(stripe_client, ["bpc_missing"])


async def test_catalog_checks_a_configuration_against_stripe(
    emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    ids = await _catalog(stripe_client)
    for index in range(3):
        await stripe_client.v1.products.create_async({"name": f"Filler {index}"})
    emulator.reset_log()
    products, prices = await fetch_catalog(stripe_client, page_size=2)
    pages = [e["path"] for e in emulator.runtime.log.entries]
    assert pages.count("/v1/products") == 3
    assert pages.count("/v1/prices") == 2
    assert {ids["pro"], ids["basic"]} <= {p.id for p in products}
    assert len(products) == 5
    assert len(prices) == 4
    catalog = Catalog.build(products, prices)
    assert catalog.price(ids["pro_y"]) is not None
    assert not catalog.prices[ids["pro_y"]].active
    assert catalog.prices[ids["setup"]].type == "one_time"
    config_id = await _configuration(stripe_client, ids)
    [data] = await fetch_portal_configurations(stripe_client, [config_id])
    data["features"]["subscription_update"]["products"][0]["prices"] += [
        ids["setup"],
        ids["pro_y"],
        ids["basic_m"],
    ]
    _, problems = parse_stripe_configuration(data, catalog=catalog)
    base = "features.subscription_update.products"
    where = f"{config_id}.{base}[0]"
    assert [str(p) for p in problems] == [
        f"{config_id}.{base}[1].prices[0]: {ids['basic_m']} is already listed under "
        f"{ids['pro']} ({base}[0].prices[3])",
        f"{where}.prices[1]: {ids['setup']} is not a recurring price of {ids['pro']}",
        f"{where}.prices[2]: {ids['pro_y']} is inactive (archived)",
        f"{where}.prices[3]: {ids['basic_m']} belongs to {ids['basic']}, not {ids['pro']}",
    ]


async def test_stripe_and_file_configurations_make_one_registry(
    stripe_client: stripe.StripeClient,
) -> None:
    ids = await _catalog(stripe_client)
    config_id = await _configuration(stripe_client, ids)
    stripe_configs = await fetch_portal_configurations(stripe_client, [config_id])
    registry = build_registry(None, stripe_configs)
    assert registry.default.id == config_id
    assert registry.resolve(config_id).features.subscription_pause.enabled


async def _run_cli(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_check_config_command_line_with_stripe(
    emulator: RunningEmulator, stripe_client: stripe.StripeClient, tmp_path: Path
) -> None:
    ids = await _catalog(stripe_client)
    stripe_id = await _configuration(stripe_client, ids)
    env = {
        **os.environ,
        "GATEWAY_STRIPE_API_KEY": "sk_test_emulator_0123456789",
        "GATEWAY_STRIPE_API_BASE": emulator.url,
        "GATEWAY_STRIPE_MAX_RETRIES": "0",
        "GATEWAY_PORTAL_CONFIGURATION_IDS": stripe_id,
    }
    file_config: dict[str, Any] = {
        "id": "teams",
        "features": {
            "payment_method_update": {"enabled": True},
            "subscription_update": {
                "enabled": True,
                "default_allowed_updates": ["price"],
                "products": [{"product": ids["pro"], "prices": [ids["pro_m"], ids["setup"]]}],
            },
        },
    }
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(file_config))
    code, output = await _run_cli(["check-config", str(path), "--with-stripe"], env)
    assert code == 1
    assert output.splitlines() == [
        f"{path}: features.subscription_update.products[0].prices[1]: {ids['setup']} is not a "
        f"recurring price of {ids['pro']}",
        "1 problem(s) found; the configuration is invalid.",
    ]
    file_config["features"]["subscription_update"]["products"][0]["prices"] = [ids["pro_m"]]
    path.write_text(json.dumps(file_config))
    code, output = await _run_cli(["check-config", str(path), "--with-stripe"], env)
    assert (code, output) == (
        0,
        f"OK: 2 configuration(s) checked against the Stripe catalog; the default is {stripe_id}.\n",
    )
    # Without --with-stripe the file alone has no default.
    code, output = await _run_cli(["check-config", str(path)], env)
    assert code == 1
    assert output.splitlines()[0] == (
        "no configuration is the default; set is_default: true on exactly one of teams"
    )
