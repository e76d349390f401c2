"""One call of a customer mutation: who acts, the idempotency keys of its Stripe writes, and,
when the client retries a call it already made, that call's outcome.

A `clientMutationId` makes a call retryable: its keys are derived from the session, the
mutation and that id, and its outcome is remembered, so a retry is applied once and
answers like the first call. The same id with a different input is refused.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import strawberry

from ...billing import (
    IDEMPOTENCY_PARAM,
    REUSED_KEY_MESSAGE,
    BillingError,
    IdempotencyKeys,
    begin_change,
    end_change,
    idempotency_keys,
    recall_outcome,
    remember_outcome,
)
from ..context import Context
from ..errors import ErrorCode, UserError, from_billing, user_error
from ..input_limits import too_long
from ..live.announce import announce_write, announce_writing
from .flow_completion import open_portal_after_flow
from .spec import MutationSpec

MAX_CLIENT_MUTATION_ID = 200
CLIENT_MUTATION_ID_FIELD = "clientMutationId"


def client_mutation_id_field() -> Any:
    """The optional `clientMutationId` every customer mutation input takes."""
    return strawberry.field(
        default=None,
        description="Any id the client chooses, echoed in the payload. Retrying a call with "
        "the same id applies it once and answers like the first call.",
    )


def _fingerprint(data: object) -> str:
    fields = {k: v for k, v in strawberry.asdict(data).items() if k != "client_mutation_id"}
    encoded = json.dumps(fields, default=str, sort_keys=True)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MutationCall:
    context: Context
    mutation: MutationSpec
    customer_id: str
    client_mutation_id: str | None
    keys: IdempotencyKeys
    fingerprint: str
    # The outcome of the earlier call this one retries (None: a new call).
    replayed: dict[str, Any] | None

    def wrote(self) -> None:
        """After any write attempt: this operation's later fields read again."""
        self.context.loaders.forget_customer_data()

    async def completed(self, outcome: dict[str, Any]) -> None:
        """After the writes succeeded: `outcome` (ids) answers a retry of this call."""
        self.wrote()
        end_change()
        await remember_outcome(self.context.billing.cache, self.keys, self.fingerprint, outcome)
        await open_portal_after_flow(self.context, self.mutation)
        await announce_write(
            self.context.services,
            self.mutation.name,
            self.mutation.announces,
            self.customer_id,
            outcome,
            self.keys.base,
        )


async def start_call(
    context: Context, mutation: MutationSpec, data: object
) -> MutationCall | UserError:
    """Authenticate (a top-level error when there is no customer) and prepare the call."""
    begin_change()
    scope = context.scope()
    client_id: str | None = getattr(data, "client_mutation_id", None)
    if client_id is not None and not 0 < len(client_id.strip()) <= MAX_CLIENT_MUTATION_ID:
        return user_error(
            ErrorCode.INVALID_INPUT,
            f"A clientMutationId has 1 to {MAX_CLIENT_MUTATION_ID} characters.",
            CLIENT_MUTATION_ID_FIELD,
        )
    overlong = too_long(data)
    if overlong is not None:
        return overlong
    actor = scope.session_id or scope.subject or f"admin:{scope.customer_id}"
    keys = idempotency_keys(actor, mutation.name, client_id)
    fingerprint = _fingerprint(data)
    memo = await recall_outcome(context.billing.cache, keys)
    if memo is not None and memo.fingerprint != fingerprint:
        return user_error(ErrorCode.INVALID_INPUT, REUSED_KEY_MESSAGE, CLIENT_MUTATION_ID_FIELD)
    if memo is None:
        await announce_writing(context.services, mutation.announces, keys.base)
    return MutationCall(
        context=context,
        mutation=mutation,
        customer_id=scope.customer_id,
        client_mutation_id=client_id,
        keys=keys,
        fingerprint=fingerprint,
        replayed=memo.outcome if memo is not None else None,
    )


def stripe_failure(
    exc: BillingError, *, field: str | None = None, fields: dict[str, str] | None = None
) -> UserError:
    """A Stripe failure as a user error; `fields` maps Stripe parameters to input fields."""
    return from_billing(
        exc, field=field, fields={IDEMPOTENCY_PARAM: CLIENT_MUTATION_ID_FIELD, **(fields or {})}
    )


def required_id(value: str, field: str, what: str) -> UserError | None:
    """INVALID_INPUT for an empty id (GraphQL's ID! still lets "" through)."""
    if not value.strip():
        return user_error(ErrorCode.INVALID_INPUT, f"Give the {what}'s id.", field)
    return None
