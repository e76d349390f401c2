"""Portal codes and access tokens never reach a log line: not when a validation error echoes
a wrongly typed variable, not when an access log records a query string or a referrer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from gateway.auth.sessions import CODE_PREFIX, TOKEN_PREFIX
from gateway.observability.json_logs import JsonFormatter, RedactingFormatter
from gateway.observability.redaction import redact

if TYPE_CHECKING:
    import pytest

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

# A code sent where a number belongs: graphql-core's error quotes the value.
PAGE_OF = "query($c: Int) { invoices(first: $c) { nodes { id } } }"


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as both formatters write it."""
    json_lines = (JsonFormatter().format(record) for record in caplog.records)
    text_lines = (RedactingFormatter("%(message)s").format(record) for record in caplog.records)
    return "\n".join([*json_lines, *text_lines])


async def test_codes_and_tokens_have_recognizable_prefixes(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations())
    created = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    code = created["session"]["code"]
    assert code.startswith(CODE_PREFIX)
    assert created["session"]["url"].endswith("?code=" + code)
    token = (await gateway.redeem(code)).ok()["redeemPortalSession"]["accessToken"]
    assert token.startswith(TOKEN_PREFIX)


async def test_a_code_echoed_by_a_validation_error_is_not_logged(
    gateway_factory: GatewayFactory, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = await gateway_factory.start(world.configurations())
    code = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]["session"][
        "code"
    ]
    token = await gateway.token_for(world.bob.id)
    caplog.clear()
    refused = await gateway.post(PAGE_OF, {"c": code}, token=token)
    # The caller is told which value was wrong (it sent it), the log is not.
    assert refused.error_codes == ["BAD_USER_INPUT"]
    assert code in refused.errors[0]["message"]
    await gateway.post(PAGE_OF, {"c": token}, token=token)
    text = logged(caplog)
    assert "Variable '$c'" in text  # the error was logged, with the value scrubbed
    assert code not in text
    assert token not in text


async def test_codes_and_tokens_in_access_logged_urls_are_not_logged(
    gateway_factory: GatewayFactory, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = await gateway_factory.start(world.configurations(), portal_ui=True)
    code = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]["session"][
        "code"
    ]
    token = await gateway.token_for(world.alice.id)
    caplog.clear()
    document = f'mutation {{ redeemPortalSession(code: "{code}") {{ accessToken }} }}'
    urls = [
        f"/graphql?{urlencode({'query': document})}",
        f"/graphql?query={quote(document)}",
        f"/portal?code={code}",
        f"/portal?session={code}&access_token={token}",
        f"/healthz?q=%22{token}%22",
    ]
    for url in urls:
        async with gateway.http.get(
            gateway.url + url, headers={"Referer": f"https://example.com/?c={code}"}
        ) as response:
            await response.read()
    access = [record for record in caplog.records if record.name == "aiohttp.access"]
    assert len(access) >= len(urls)
    text = logged(caplog)
    assert code not in text
    assert token not in text
    assert code[len(CODE_PREFIX) :] not in text
    assert token[len(TOKEN_PREFIX) :] not in text


def test_prefixed_secrets_are_redacted_wherever_they_appear() -> None:
    code = CODE_PREFIX + "Ab-c_D" * 7
    token = TOKEN_PREFIX + "Zy-x_W" * 7
    for text in (
        f"got invalid value '{code}'",
        f'"{token}"',
        f"/graphql?query=mutation%7BredeemPortalSession%28code%3A%22{code}%22%29%7D",
        f"code%3D{code}&t={token}",
        f"x={code},{token}",
    ):
        scrubbed = redact(text)
        assert code not in scrubbed
        assert token not in scrubbed
        assert "[redacted]" in scrubbed
