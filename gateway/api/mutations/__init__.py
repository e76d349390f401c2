"""The Mutation root: one file per mutation, merged here.

A mutation file defines `<Name>Input`, `<Name>Payload` (with `userErrors`) and a
`<Name>Mutation` type holding the resolver; add that type to `MUTATIONS`.
"""

from strawberry.tools import merge_types

from .create_portal_session import CreatePortalSessionMutation
from .end_portal_session import EndPortalSessionMutation
from .redeem_portal_session import RedeemPortalSessionMutation
from .revoke_portal_session import RevokePortalSessionMutation

MUTATIONS: tuple[type, ...] = (
    CreatePortalSessionMutation,
    RedeemPortalSessionMutation,
    RevokePortalSessionMutation,
    EndPortalSessionMutation,
)

Mutation = merge_types("Mutation", MUTATIONS)
