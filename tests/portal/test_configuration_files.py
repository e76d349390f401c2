"""Configuration files as operators write them: Stripe's own list answer pasted as it is, and
the commented example in examples/, both accepted by `check-config` as by the server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from gateway.portal.loading import parse_configurations

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "portal.yaml"


def check_config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_stripes_list_answer_is_a_configuration_file(
    emulator: RunningEmulator, stripe_client: stripe.StripeClient, tmp_path: Path
) -> None:
    await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )
    # What `curl https://api.stripe.com/v1/billing_portal/configurations` prints.
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{emulator.url}/v1/billing_portal/configurations",
            headers={"Authorization": "Bearer sk_test_files_0123456789"},
        ) as response,
    ):
        listed = await response.json()
    assert listed["object"] == "list"
    path = tmp_path / "configurations.json"
    path.write_text(json.dumps(listed), encoding="utf-8")
    checked = check_config(path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("OK: 1 configuration(s) checked"), checked.stdout


def test_a_partial_list_says_so_and_a_broken_one_names_the_entry() -> None:
    page = {
        "object": "list",
        "data": [],
        "has_more": True,
        "url": "/v1/billing_portal/configurations",
    }
    loaded = parse_configurations(json.dumps(page), "json")
    assert any(p.path == "has_more" and p.severity == "warning" for p in loaded.problems)
    broken = {"object": "list", "data": [{"features": {"invoice_history": {"enabled": "yes"}}}]}
    loaded = parse_configurations(json.dumps(broken), "json")
    assert [str(p) for p in loaded.problems] == [
        "data[0].features.invoice_history.enabled: expected a boolean, got str 'yes'"
    ]


def test_the_example_configuration_is_valid() -> None:
    checked = check_config(EXAMPLE)
    assert checked.returncode == 0, checked.stdout
    assert "OK: 2 configuration(s) checked; the default is bpc_standard." in checked.stdout


def test_every_field_of_the_example_is_explained() -> None:
    """Each key carries a comment, on its own line or on the line above."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    unexplained = [
        line.strip()
        for index, line in enumerate(lines)
        if re.match(r"^\s*(?:- )?[a-z_]+:", line)
        and "#" not in line
        and not (index and lines[index - 1].strip().startswith(("#", "- #")))
    ]
    assert unexplained == []
