"""What the operator reads when a sign-in token is refused (the reason and its detail), and
what nobody reads: the token itself, wherever it is echoed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from gateway.observability.redaction import redact
from tests.auth.test_jwt_http import WHO
from tests.hardening.test_log_secrets import PAGE_OF, logged

if TYPE_CHECKING:
    import pytest

    from tests.support.gateway import GatewayFactory
    from tests.support.identity import IdentityProvider
    from tests.support.world import World


async def test_a_refusal_logs_its_detail_for_the_operator_and_never_the_token(
    gateway_factory: GatewayFactory,
    world: World,
    identity_provider: IdentityProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    gateway = await gateway_factory.start(world.configurations(), **identity_provider.settings())
    wrong = identity_provider.token(world.alice.id, aud="another-app")
    good = identity_provider.token(world.alice.id)
    caplog.clear()

    refused = await gateway.post(WHO, token=wrong)
    echoed = await gateway.post(PAGE_OF, {"c": good}, token=good)

    assert "another-app" not in str(refused.body)
    assert echoed.error_codes == ["BAD_USER_INPUT"]
    text = logged(caplog)
    # The operator learns what to fix; the caller was told only "another audience".
    assert "TOKEN_WRONG_AUDIENCE" in text
    assert "audience check failed" in text
    assert wrong not in text
    assert good not in text
    assert "Variable '$c'" in text


def test_jwts_are_redacted_wherever_they_appear(identity_provider: IdentityProvider) -> None:
    token = identity_provider.token("cus_someone")
    for text in (
        f"got invalid value '{token}'",
        f'"{token}"',
        f"/portal?x=1&access_token={quote(token)}",
        f"value%22{token}%22",
        f"x={token},y",
    ):
        scrubbed = redact(text)
        assert token not in scrubbed
        assert token.split(".")[1] not in scrubbed
        assert "[redacted]" in scrubbed
