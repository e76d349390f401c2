"""Admin keys: matched by digest against every configured key, never shown."""

from __future__ import annotations

from pydantic import SecretStr

from gateway.auth.admin_keys import AdminKeys
from gateway.settings import Settings


def test_matches_any_configured_key() -> None:
    keys = AdminKeys([SecretStr("first-key"), SecretStr("second-key")])
    assert keys.matches("first-key")
    assert keys.matches("second-key")
    assert not keys.matches("first-ke")
    assert not keys.matches("first-keyX")
    assert not keys.matches("")


def test_no_keys_matches_nothing() -> None:
    keys = AdminKeys([])
    assert not keys
    assert not keys.matches("")
    assert not keys.matches("anything")


def test_keys_come_from_the_environment_and_are_never_shown(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("GATEWAY_ADMIN_KEYS", " alpha-secret , beta-secret ,")
    settings = Settings()
    keys = AdminKeys(settings.admin_keys)
    assert keys.matches("alpha-secret")
    assert keys.matches("beta-secret")
    assert "alpha" not in repr(keys) + repr(settings) + str(settings)
    assert repr(keys) == "AdminKeys(<2 configured>)"
