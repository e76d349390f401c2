"""The identity provider's signing keys: fetched, cached, refetched when they rotate.

Keys come from the JWKS URLs, or from the issuer's discovery document (`jwks_uri`). They are
used for `max_age` seconds, then read again in the background: requests go on with the
keys at hand, so a slow provider never holds them up. A token naming a `kid` that is not known
triggers a read at once, but never more often than every `refetch` seconds, so a stream of
invented `kid`s cannot turn into a stream of requests to the provider. When the provider
cannot be reached (or answers nonsense) the last good keys stay in use.

Only signing keys of asymmetric types are taken: a symmetric (`oct`) key in a JWKS is
ignored, so no published key can ever verify an HS256 token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from jwt import PyJWK
from jwt.exceptions import PyJWTError

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# A key set or discovery document larger than this is not one.
MAX_DOCUMENT_BYTES = 512 * 1024
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=5.0, connect=3.0)

_FAMILIES = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "EC": ("ES256", "ES384", "ES512"),
    "OKP": ("EdDSA",),
}
_CURVES = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


class KeysUnavailableError(Exception):
    """No key set was ever read (the provider is unreachable or answers nonsense)."""


def _compatible(jwk: dict[str, Any], alg: str) -> bool:
    """Whether `jwk` may verify `alg`: its own `alg` when it names one, else its type's."""
    named = jwk.get("alg")
    if isinstance(named, str):
        return named == alg
    kty = jwk.get("kty")
    if kty == "EC":
        return _CURVES.get(str(jwk.get("crv"))) == alg
    return alg in _FAMILIES.get(str(kty), ())


def _signing_keys(document: object) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK set (no 'keys' list)")
    keys = [
        key
        for key in document["keys"]
        if isinstance(key, dict)
        and key.get("kty") in _FAMILIES
        and key.get("use", "sig") == "sig"
        and key.get("key_ops") in (None, ["verify"])
    ]
    if not keys:
        raise ValueError("the JWK set holds no asymmetric signing key")
    return keys


@dataclass
class _Loaded:
    keys: list[dict[str, Any]] = field(default_factory=list)
    # Prepared keys by (kid, alg), built on first use.
    prepared: dict[tuple[str | None, str], list[PyJWK]] = field(default_factory=dict)


class KeySet:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        issuer: str | None,
        jwks_urls: tuple[str, ...],
        max_age: float,
        refetch: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._issuer = issuer
        self._jwks_urls = jwks_urls
        self._max_age = max_age
        self._refetch = refetch
        self._clock = clock
        self._loaded: _Loaded | None = None
        # Per source URL, the keys it last answered with (one failing source keeps its own).
        self._by_source: dict[str, list[dict[str, Any]]] = {}
        self._fetched_at = float("-inf")
        self._tried_at = float("-inf")
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self.fetches = 0

    async def keys_for(self, kid: str | None, alg: str) -> list[PyJWK]:
        """The keys that may verify a token with this header (empty: none known, even after
        reading the keys again where allowed). Raises `KeysUnavailableError` when no key set
        was ever read."""
        now = self._clock()
        if self._loaded is None:
            await self._refresh(now)
        elif now - self._fetched_at >= self._max_age and not self._lock.locked():
            self._background = asyncio.get_running_loop().create_task(self._refresh(now))
        found = self._match(kid, alg)
        if not found and kid is not None and now - self._tried_at >= self._refetch:
            await self._refresh(now)
            found = self._match(kid, alg)
        return found

    def _match(self, kid: str | None, alg: str) -> list[PyJWK]:
        loaded = self._loaded
        if loaded is None:
            raise KeysUnavailableError("the identity provider's keys were never read")
        cached = loaded.prepared.get((kid, alg))
        if cached is not None:
            return cached
        prepared: list[PyJWK] = []
        for jwk in loaded.keys:
            if kid is not None and jwk.get("kid") != kid:
                continue
            if not _compatible(jwk, alg):
                continue
            try:
                prepared.append(PyJWK(jwk, algorithm=alg))
            except PyJWTError:
                logger.warning("ignoring an unusable key %r of the JWK set", jwk.get("kid"))
        if prepared or kid is None:
            loaded.prepared[(kid, alg)] = prepared
        return prepared

    async def close(self) -> None:
        """Stop a background read (at shutdown, before the HTTP session closes)."""
        if self._background is not None and not self._background.done():
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._background

    async def _refresh(self, seen_at: float) -> None:
        """Read the keys once for everyone waiting (a read that finished after `seen_at` is
        taken as this one)."""
        async with self._lock:
            if self._tried_at >= seen_at and self._loaded is not None:
                return
            # Never read, the provider is retried sooner (a blip at start-up heals quickly).
            pause = self._refetch if self._loaded is not None else min(self._refetch, 1.0)
            if self._clock() - self._tried_at < pause:
                return
            self._tried_at = self._clock()
            self.fetches += 1
            keys = await self._fetch_all()
            if keys:
                self._loaded = _Loaded(keys)
                self._fetched_at = self._clock()

    async def _fetch_all(self) -> list[dict[str, Any]]:
        urls = list(self._jwks_urls)
        if self._issuer is not None:
            try:
                urls.append(await self._discover(self._issuer))
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                logger.warning("cannot read the issuer's discovery document: %s", exc)
                urls.extend(url for url in self._by_source if url not in self._jwks_urls)
        keys: list[dict[str, Any]] = []
        for url in dict.fromkeys(urls):
            try:
                self._by_source[url] = _signing_keys(await self._get_json(url))
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                logger.warning("cannot read the JWK set at %s; keeping its last keys: %s", url, exc)
            keys.extend(self._by_source.get(url, ()))
        return keys

    async def _discover(self, issuer: str) -> str:
        document = await self._get_json(issuer.rstrip("/") + DISCOVERY_PATH)
        if not isinstance(document, dict):
            raise ValueError("the discovery document is not a JSON object")
        if document.get("issuer") != issuer:
            raise ValueError(
                f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}"
            )
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise ValueError("the discovery document has no jwks_uri")
        return jwks_uri

    async def _get_json(self, url: str) -> object:
        async with self._session.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False) as reply:
            if reply.status != 200:
                raise ValueError(f"{url} answered HTTP {reply.status}")
            body = await reply.content.read(MAX_DOCUMENT_BYTES + 1)
            if len(body) > MAX_DOCUMENT_BYTES:
                raise ValueError(f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes")
            try:
                return json.loads(body)
            except ValueError as exc:
                raise ValueError(f"{url} did not answer JSON: {exc}") from None


__all__ = ["KeySet", "KeysUnavailableError"]
