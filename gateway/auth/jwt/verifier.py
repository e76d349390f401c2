"""Signature and registered claims of a sign-in token, by PyJWT (no cryptography here).

The header's `alg` must be one the settings allow (`none` never is). HS256 is checked only
with the configured shared secret and the asymmetric algorithms only with the provider's
keys, each key bound to one algorithm: a public key can never be used as an HMAC secret.
`exp`, `sub` and `aud` (and `iss` with an issuer) are required; `nbf` and `iat` are honoured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from jwt import exceptions as errors

from .config import HS256
from .key_set import KeysUnavailableError
from .refusal import JwtRefusal, RefusalReason

if TYPE_CHECKING:
    from .config import JwtConfig
    from .key_set import KeySet

# Larger tokens are refused before any parsing (a header carries them; real ones are ~1 KB).
MAX_TOKEN_CHARS = 8192


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    subject: str
    expires_at: int


def _refusal(exc: errors.PyJWTError) -> JwtRefusal:
    if isinstance(exc, errors.ExpiredSignatureError):
        return JwtRefusal(RefusalReason.EXPIRED, "the token's exp has passed")
    if isinstance(exc, errors.ImmatureSignatureError):
        return JwtRefusal(RefusalReason.NOT_YET_VALID, f"the token is not valid yet: {exc}")
    if isinstance(exc, errors.InvalidAudienceError):
        return JwtRefusal(RefusalReason.WRONG_AUDIENCE, f"audience check failed: {exc}")
    if isinstance(exc, errors.InvalidIssuerError):
        return JwtRefusal(RefusalReason.WRONG_ISSUER, f"issuer check failed: {exc}")
    if isinstance(exc, errors.MissingRequiredClaimError):
        return JwtRefusal(RefusalReason.MISSING_CLAIM, f"the token has no {exc.claim!r} claim")
    if isinstance(exc, errors.InvalidSignatureError):
        return JwtRefusal(RefusalReason.BAD_SIGNATURE, "the signature does not verify")
    if isinstance(exc, errors.InvalidAlgorithmError):
        return JwtRefusal(RefusalReason.ALGORITHM_NOT_ALLOWED, str(exc))
    if isinstance(exc, errors.InvalidKeyError):
        return JwtRefusal(RefusalReason.UNKNOWN_KEY, f"the key cannot verify this token: {exc}")
    if isinstance(exc, errors.DecodeError):
        return JwtRefusal(RefusalReason.MALFORMED, f"the token cannot be decoded: {exc}")
    return JwtRefusal(RefusalReason.INVALID_CLAIM, f"a registered claim is invalid: {exc}")


class TokenVerifier:
    def __init__(self, config: JwtConfig, keys: KeySet | None) -> None:
        self._config = config
        self._keys = keys
        self._algorithms = config.algorithms
        required = ["exp", "sub", "aud"]
        if config.issuer is not None:
            required.append("iss")
        self._options: dict[str, Any] = {"require": required}
        self._decoder = jwt.PyJWT()

    async def verify(self, token: str) -> VerifiedToken:
        """The token's claims once its signature and registered claims hold (else `JwtRefusal`)."""
        if len(token) > MAX_TOKEN_CHARS:
            raise JwtRefusal(RefusalReason.MALFORMED, f"the token is over {MAX_TOKEN_CHARS} chars")
        try:
            header = jwt.get_unverified_header(token)
        except errors.PyJWTError as exc:
            raise _refusal(exc) from None
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise JwtRefusal(
                RefusalReason.ALGORITHM_NOT_ALLOWED,
                f"alg {alg!r} is not one of {sorted(self._algorithms)}",
            )
        if kid is not None and not isinstance(kid, str):
            raise JwtRefusal(RefusalReason.MALFORMED, "the header's kid is not a string")
        if alg == HS256:
            assert self._config.hs256_secret is not None
            claims = self._decode(token, self._config.hs256_secret, alg)
        else:
            claims = self._decode_with_keys(token, await self._candidates(kid, alg), alg, kid)
        return self._checked(claims)

    async def _candidates(self, kid: str | None, alg: str) -> list[jwt.PyJWK]:
        if self._keys is None:
            raise JwtRefusal(RefusalReason.UNKNOWN_KEY, "no JWKS or issuer is configured")
        try:
            found = await self._keys.keys_for(kid, alg)
        except KeysUnavailableError as exc:
            raise JwtRefusal(RefusalReason.KEYS_UNAVAILABLE, str(exc)) from None
        if not found:
            raise JwtRefusal(
                RefusalReason.UNKNOWN_KEY, f"no key with kid {kid!r} for {alg} in the JWK set"
            )
        return found

    def _decode_with_keys(
        self, token: str, keys: list[jwt.PyJWK], alg: str, kid: str | None
    ) -> dict[str, Any]:
        # Without a kid every key of the algorithm is tried; any other failure is final.
        for key in keys[:-1]:
            try:
                return self._decode(token, key, alg)
            except JwtRefusal as exc:
                if exc.reason is not RefusalReason.BAD_SIGNATURE:
                    raise
        return self._decode(token, keys[-1], alg)

    def _decode(self, token: str, key: jwt.PyJWK | bytes, alg: str) -> dict[str, Any]:
        config = self._config
        try:
            claims: dict[str, Any] = self._decoder.decode(
                token,
                key,
                algorithms=[alg],
                options=self._options,  # type: ignore[arg-type]
                audience=list(config.audience),
                issuer=config.issuer,
                leeway=config.leeway_seconds,
            )
        except errors.PyJWTError as exc:
            raise _refusal(exc) from None
        return claims

    def _checked(self, claims: dict[str, Any]) -> VerifiedToken:
        subject, expires_at = claims.get("sub"), claims.get("exp")
        if not isinstance(subject, str) or not subject or len(subject) > 255:
            raise JwtRefusal(RefusalReason.INVALID_CLAIM, "sub is not a string of 1 to 255 chars")
        if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
            raise JwtRefusal(RefusalReason.INVALID_CLAIM, "exp is not a number")
        return VerifiedToken(claims=claims, subject=subject, expires_at=int(expires_at))


__all__ = ["MAX_TOKEN_CHARS", "TokenVerifier", "VerifiedToken"]
