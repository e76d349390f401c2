"""Configuration files (JSON or YAML, three shapes), the registry across sources, check-config."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import pytest

from gateway.cli.check_config import StripeSources, check_config_command
from gateway.models import Price, Product
from gateway.portal.catalog import Catalog
from gateway.portal.loading import load_configuration_file, parse_configurations
from gateway.portal.problems import ConfigurationError
from gateway.portal.registry import (
    ConfigurationRegistry,
    InactiveConfigurationError,
    UnknownConfigurationError,
    build_registry,
    collect_configurations,
)
from tests.portal.portal_builders import FULL, config_data

if TYPE_CHECKING:
    from pathlib import Path


def _small(**fields: Any) -> dict[str, Any]:
    return {"features": {"invoice_history": {"enabled": True}}, **fields}


def test_single_object_file() -> None:
    loaded = parse_configurations(json.dumps(FULL), "json")
    assert loaded.ok
    assert [c.id for c in loaded.configurations] == ["bpc_full"]


def test_list_file_locates_problems_by_position() -> None:
    bad = config_data(**{"features.subscription_cancel.mode": "later"})
    loaded = parse_configurations(json.dumps([_small(is_default=True), bad]), "json")
    assert not loaded.ok
    assert [str(p) for p in loaded.problems] == [
        "[1].features.subscription_cancel.mode: 'later' is not valid; expected "
        "'at_period_end' or 'immediately'"
    ]
    assert [c.id for c in loaded.configurations] == ["file_1"]


def test_wrapped_yaml_file_with_derived_ids() -> None:
    text = """
configurations:
  - name: Pro plans
    is_default: true
    features:
      subscription_cancel: {enabled: true, mode: immediately}
  - features:
      invoice_history:
        enabled: true
  - id: bpc_explicit
    features: {}
"""
    loaded = parse_configurations(text, "yaml")
    assert loaded.ok, loaded.problems
    assert [c.id for c in loaded.configurations] == ["file_pro_plans", "file_2", "bpc_explicit"]
    assert loaded.configurations[0].features.subscription_cancel.mode == "immediately"


def test_wrapped_file_locates_problems_under_configurations() -> None:
    text = json.dumps({"configurations": [_small(), {"features": {"nope": {}}}], "extra": 1})
    loaded = parse_configurations(text, "json")
    assert sorted(str(p) for p in loaded.problems) == [
        "configurations[1].features.nope: unknown key",
        "extra: unknown key; expected only 'configurations'",
    ]


def test_duplicate_ids_in_a_file() -> None:
    text = json.dumps([_small(name="Team"), _small(name="team")])
    loaded = parse_configurations(text, "json")
    assert [str(p) for p in loaded.problems] == ["[1].id: 'file_team' is already the id of [0]"]


@pytest.mark.parametrize(
    ("text", "file_format", "expected"),
    [
        ('{"features": {', "json", "invalid JSON at line 1 column 15"),
        ("features: [unclosed", "yaml", "invalid YAML at line 1"),
        ("[]", "json", "the file holds no configuration"),
        ("42", "json", "expected a configuration object, a list of them"),
        ('{"configurations": {}}', "json", "configurations: expected a list"),
        ("[1]", "json", "[0]: expected a billing_portal.configuration object"),
        (
            '{"features": {}, "features": {}}',
            "json",
            "features: key appears twice; only the last is kept",
        ),
        (
            "features:\n  invoice_history: {enabled: true}\n  invoice_history: {enabled: false}\n",
            "yaml",
            "features.invoice_history: key appears twice",
        ),
    ],
)
def test_malformed_files(text: str, file_format: Any, expected: str) -> None:
    loaded = parse_configurations(text, file_format)
    assert not loaded.ok
    assert any(str(p).startswith(expected) for p in loaded.problems), loaded.problems


def test_load_file_by_extension(tmp_path: Path) -> None:
    yaml_file = tmp_path / "portal.yml"
    yaml_file.write_text("features:\n  invoice_history: {enabled: true}\nis_default: true\n")
    loaded = load_configuration_file(yaml_file)
    assert loaded.ok
    assert loaded.configurations[0].features.invoice_history.enabled
    missing = load_configuration_file(tmp_path / "absent.json")
    assert [str(p) for p in missing.problems] == [
        f"cannot read {tmp_path / 'absent.json'}: No such file or directory"
    ]


def _stripe(config_id: str, **fields: Any) -> dict[str, Any]:
    return {**config_data(id=config_id, is_default=False), **fields}


def test_registry_merges_file_and_stripe_and_resolves() -> None:
    file = parse_configurations(json.dumps([_small(id="local", is_default=True)]), "json")
    registry = build_registry(file, [_stripe("bpc_a"), _stripe("bpc_off", active=False)])
    assert len(registry) == 3
    assert registry.default.id == "local"
    assert registry.resolve().id == "local"
    assert registry.resolve("bpc_a").id == "bpc_a"
    with pytest.raises(UnknownConfigurationError, match="no portal configuration 'bpc_x'"):
        registry.resolve("bpc_x")
    with pytest.raises(InactiveConfigurationError, match="'bpc_off' is not active"):
        registry.resolve("bpc_off")
    assert registry.get("bpc_off") is not None


def test_registry_needs_exactly_one_default() -> None:
    file = parse_configurations(json.dumps([_small(id="a"), _small(id="b")]), "json")
    with pytest.raises(ConfigurationError) as none:
        build_registry(file)
    assert [str(p) for p in none.value.problems] == [
        "no configuration is the default; set is_default: true on exactly one of a, b"
    ]
    file = parse_configurations(json.dumps([_small(id="a", is_default=True)]), "json")
    with pytest.raises(ConfigurationError) as two:
        build_registry(file, [_stripe("bpc_dash", is_default=True)])
    assert [str(p) for p in two.value.problems] == [
        "exactly one configuration may be the default, but these all are: a, bpc_dash"
    ]
    with pytest.raises(ConfigurationError, match="no portal configuration is defined"):
        ConfigurationRegistry([])


def test_registry_refuses_an_id_defined_twice_and_locates_stripe_problems() -> None:
    file = parse_configurations(json.dumps([_small(id="bpc_a", is_default=True)]), "json")
    _, problems = collect_configurations(file, [_stripe("bpc_a")])
    assert [str(p) for p in problems] == ["bpc_a: this id is defined more than once"]
    bad = _stripe("bpc_b")
    bad["features"]["subscription_cancel"]["mode"] = "later"
    _, problems = collect_configurations(file, [bad])
    assert [str(p) for p in problems] == [
        "bpc_b.features.subscription_cancel.mode: 'later' is not valid; expected "
        "'at_period_end' or 'immediately'"
    ]


def test_check_config_ok(tmp_path: Path) -> None:
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(FULL))
    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=False, out=out) == 0
    assert out.getvalue() == "OK: 1 configuration(s) checked; the default is bpc_full.\n"


def test_check_config_prints_every_problem(tmp_path: Path) -> None:
    bad = config_data(
        **{
            "features.subscription_cancel.mode": "later",
            "business_profile.headline": "x" * 70,
        }
    )
    path = tmp_path / "portal.json"
    path.write_text(json.dumps([bad, _small(is_default=True)]))
    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=False, out=out) == 1
    assert out.getvalue().splitlines() == [
        f"{path}: [0].features.subscription_cancel.mode: 'later' is not valid; expected "
        "'at_period_end' or 'immediately'",
        "1 problem(s) found; the configuration is invalid.",
    ]
    path.write_text(json.dumps([config_data(**{"business_profile.headline": "x" * 70})]))
    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=False, out=out) == 1
    assert out.getvalue().splitlines()[0] == (
        f"{path}: [0].business_profile.headline: is 70 characters; Stripe allows at most 60"
    )


def test_check_config_with_an_injected_stripe_catalog(tmp_path: Path) -> None:
    data = config_data(is_default=False)
    data["features"]["subscription_update"]["products"] = [
        {"product": "prod_PRO", "prices": ["price_pro_m", "price_setup"]}
    ]
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(data))
    catalog = Catalog.build(
        [Product("prod_PRO", "Pro", True)],
        [
            Price("price_pro_m", "prod_PRO", True, "usd", 3000, "recurring", "month"),
            Price("price_setup", "prod_PRO", True, "usd", 5000, "one_time"),
        ],
    )
    stripe_default = _stripe("bpc_live", is_default=True)
    stripe_default["features"]["subscription_update"]["products"] = [
        {"product": "prod_PRO", "prices": ["price_pro_m"]}
    ]

    async def fetch() -> StripeSources:
        return StripeSources(catalog, [stripe_default])

    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=True, fetch_stripe=fetch, out=out) == 1
    assert out.getvalue().splitlines()[0] == (
        f"{path}: features.subscription_update.products[0].prices[1]: price_setup is not a "
        "recurring price of prod_PRO"
    )


def test_check_config_reports_an_unreachable_stripe(tmp_path: Path) -> None:
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(FULL))

    async def fetch() -> StripeSources:
        raise ConnectionError("connection refused")

    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=True, fetch_stripe=fetch, out=out) == 1
    assert out.getvalue() == "cannot read the catalog from Stripe: connection refused\n"


def test_check_config_reports_unusable_stripe_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(FULL))
    monkeypatch.setenv("GATEWAY_STRIPE_MAX_RETRIES", "many")
    out = io.StringIO()
    assert check_config_command(str(path), with_stripe=True, out=out) == 1
    # One line naming the variable, not a failure to reach Stripe.
    assert out.getvalue().startswith("invalid setting GATEWAY_STRIPE_MAX_RETRIES: ")
    assert "(got 'many')" in out.getvalue()


def test_an_invalid_inactive_configuration_is_skipped_with_a_warning() -> None:
    """Listing the account includes retired configurations; one that no longer loads must
    not stop the gateway serving the active ones (an active one that fails still does)."""
    broken = {"enabled": True, "mode": "sometimes"}
    retired = _stripe("bpc_old", active=False)
    retired["features"] = {**retired["features"], "subscription_cancel": broken}
    configurations, problems = collect_configurations(
        None, [_stripe("bpc_a", is_default=True), retired]
    )
    assert [c.id for c in configurations] == ["bpc_a"]
    assert problems
    assert all(p.severity == "warning" for p in problems), problems
    assert all("inactive configuration, skipped" in str(p) for p in problems)
    active = {**retired, "active": True}
    _, problems = collect_configurations(None, [_stripe("bpc_a", is_default=True), active])
    assert any(p.severity == "error" and p.path.startswith("bpc_old") for p in problems)
