"""`python -m gateway check-config FILE --with-stripe` as an operator runs it: what it needs
and lacks is said in one line, never as "the billing service is unavailable" or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "portal.yaml"


def check_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    return subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", str(EXAMPLE), "--with-stripe"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_with_stripe_without_a_key_says_which_setting_is_missing() -> None:
    checked = check_config({})
    assert checked.returncode == 1
    assert (checked.stdout + checked.stderr).splitlines() == [
        "cannot read the catalog from Stripe: GATEWAY_STRIPE_API_KEY is not set"
    ]


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "GATEWAY_STRIPE_MAX_RETRIES",
            "many",
            "invalid setting GATEWAY_STRIPE_MAX_RETRIES: Input should be a valid integer, "
            "unable to parse string as an integer (got 'many')",
        ),
        (
            "GATEWAY_STRIPE_TIMEOUT_SECONDS",
            "0",
            "invalid setting GATEWAY_STRIPE_TIMEOUT_SECONDS: Input should be greater than 0 "
            "(got '0')",
        ),
    ],
)
def test_with_stripe_and_an_invalid_setting_says_which(name: str, value: str, line: str) -> None:
    checked = check_config({"GATEWAY_STRIPE_API_KEY": "sk_test_cli_0123456789", name: value})
    assert checked.returncode == 1
    assert (checked.stdout + checked.stderr).splitlines() == [line]
