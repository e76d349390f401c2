"""compose.yaml and deploy/nginx.conf agree with the code: every GATEWAY_* value is a valid
setting, the proxy reaches both instances, the emulator's command is one it accepts, the
shared secrets match and each instance's stop grace outlasts its shutdown grace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from stripe_emulator.__main__ import _parser as emulator_parser

from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GATEWAYS = ("gateway-a", "gateway-b")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


def test_every_gateway_variable_is_a_valid_setting() -> None:
    services = _compose()["services"]
    for name in GATEWAYS:
        environment: dict[str, str] = services[name]["environment"]
        fields = {key.removeprefix("GATEWAY_").lower(): value for key, value in environment.items()}
        unknown = set(fields) - set(Settings.model_fields)
        assert unknown == set(), unknown
        settings = Settings.model_validate(fields)
        assert settings.redis_url == "redis://redis:6379/0"
        assert settings.host == "0.0.0.0"
        assert _seconds(services[name]["stop_grace_period"]) > settings.shutdown_grace_seconds
        assert services[name]["build"] == "."


def test_the_emulator_runs_as_stripe_with_the_gateways_webhook_secret() -> None:
    services = _compose()["services"]
    command: list[str] = services["stripe"]["command"]
    assert command[:3] == ["python", "-m", "stripe_emulator"]
    args = emulator_parser().parse_args(command[3:])
    assert args.webhook_url == "http://proxy:8080/webhooks/stripe"
    for name in GATEWAYS:
        environment = services[name]["environment"]
        assert environment["GATEWAY_WEBHOOK_SECRET"] == args.webhook_secret
        assert environment["GATEWAY_STRIPE_API_BASE"] == f"http://stripe:{args.port}"
    assert (ROOT / services["stripe"]["build"] / "Dockerfile").exists()


def test_the_proxy_reaches_both_instances_and_passes_websockets() -> None:
    compose = _compose()
    proxy = compose["services"]["proxy"]
    (volume,) = proxy["volumes"]
    source = volume.split(":")[0]
    config = (ROOT / source).read_text(encoding="utf-8")
    upstreams = re.findall(r"server (\S+):(\d+)", config)
    assert sorted(host for host, _ in upstreams) == sorted(GATEWAYS)
    for name in GATEWAYS:
        port = compose["services"][name]["environment"]["GATEWAY_PORT"]
        assert (name, port) in upstreams
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "listen 8080;" in config
    assert proxy["ports"] == ["127.0.0.1:8080:8080"]
