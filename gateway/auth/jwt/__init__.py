"""The team's own sign-in tokens (JWTs): verified against its identity provider's keys, and
turned into a scope for exactly one Stripe customer, with the same rules as a portal session.

`config` reads the settings; `key_set` fetches and caches the provider's keys; `verifier`
checks signature and claims; `claims` reads a claim by path; `customer_lookup` finds the
customer by metadata when the token carries the app's own user id; `authenticator` ties
them into the `CustomerScope` every customer-scoped field is checked against.
"""

from .authenticator import JwtAuthenticator, looks_like_jwt
from .refusal import JwtRefusal, RefusalReason

__all__ = ["JwtAuthenticator", "JwtRefusal", "RefusalReason", "looks_like_jwt"]
