"""`removeTaxId`: take a tax ID off the customer (someone else's reads like a missing one)."""

from typing import Any

import strawberry

from ... import models
from ...billing import BillingError, NotFound, fetch_tax_id, remove_tax_id
from ...portal import Refusal, decide_remove_tax_id
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, required_id, start_call, stripe_failure
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION, after_completion
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .account_target import CUSTOMER_DESCRIPTION, current_customer
from .types import Customer, TaxId

SPEC = MutationSpec(
    name="removeTaxId",
    completes=("customer_update",),
    announces=Announcement(LiveEventKind.CUSTOMER),
)
FIELD = "taxIdId"


@strawberry.input
class RemoveTaxIdInput:
    tax_id_id: strawberry.ID = strawberry.field(description="The tax ID's id (txi_...).")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class RemoveTaxIdPayload:
    client_mutation_id: str | None
    removed_tax_id: TaxId | None = strawberry.field(description="The tax ID as it was.")
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


def _memo(tax_id: models.TaxId) -> dict[str, Any]:
    return {
        "id": tax_id.id,
        "type": tax_id.type,
        "value": tax_id.value,
        "verification_status": tax_id.verification_status,
    }


async def _remove_tax_id(context: Context, data: RemoveTaxIdInput) -> RemoveTaxIdPayload:
    def failed(error: UserError) -> RemoveTaxIdPayload:
        return RemoveTaxIdPayload(
            client_mutation_id=data.client_mutation_id,
            removed_tax_id=None,
            after_completion=None,
            user_errors=[error],
        )

    def done(tax_id: models.TaxId) -> RemoveTaxIdPayload:
        return RemoveTaxIdPayload(
            client_mutation_id=data.client_mutation_id,
            removed_tax_id=TaxId.from_model(tax_id),
            after_completion=after_completion(context, SPEC),
            user_errors=[],
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return failed(call)
    if call.replayed is not None:
        removed = call.replayed.get("tax_id") or {}
        return done(models.TaxId(customer_id=call.customer_id, **removed))
    tax_id_id = str(data.tax_id_id)
    missing = required_id(tax_id_id, FIELD, "tax ID")
    if missing is not None:
        return failed(missing)
    # The customer's tax ID list (cached when the portal just showed it) is the only read:
    # it proves the customer exists and owns the tax ID, and nothing here is dated.
    tax_id = await _find_tax_id(context, call.customer_id, tax_id_id)
    if isinstance(tax_id, UserError):
        return failed(tax_id)
    decision = decide_remove_tax_id(await context.policy(), call.customer_id, tax_id)
    if isinstance(decision, Refusal):
        return failed(from_refusal(decision))
    try:
        await remove_tax_id(
            context.billing, call.customer_id, decision.tax_id, call.keys.key("tax_id")
        )
    except BillingError as exc:
        call.wrote()
        return failed(stripe_failure(exc, field=FIELD))
    await call.completed({"tax_id": _memo(tax_id)})
    return done(tax_id)


async def _find_tax_id(
    context: Context, customer_id: str, tax_id_id: str
) -> models.TaxId | UserError:
    try:
        return await fetch_tax_id(context.billing, customer_id, tax_id_id)
    except NotFound as exc:
        if exc.noun == "Customer":
            return user_error(ErrorCode.NOT_FOUND, "Customer not found.")
        return user_error(ErrorCode.NOT_FOUND, "Tax ID not found.", FIELD)
    except BillingError as exc:
        return stripe_failure(exc)


@strawberry.type
class RemoveTaxIdMutation:
    @SPEC.field(description="Remove one of the customer's tax IDs.")
    async def remove_tax_id(self, info: Info, input: RemoveTaxIdInput) -> RemoveTaxIdPayload:
        return await _remove_tax_id(info.context, input)
