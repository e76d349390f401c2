"""`addTaxId`: a VAT number or the like on the customer's invoices (Stripe checks its format)."""

import strawberry

from ...billing import (
    STRIPE_TAX_ID_TYPES,
    BillingError,
    NotFound,
    add_tax_id,
    customer_tax_ids,
    fetch_tax_id,
)
from ...portal import Refusal, decide_add_tax_id
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, start_call, stripe_failure
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION, after_completion
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .account_target import CUSTOMER_DESCRIPTION, current_customer
from .types import Customer, TaxId

SPEC = MutationSpec(
    name="addTaxId",
    completes=("customer_update",),
    announces=Announcement(LiveEventKind.CUSTOMER),
)


@strawberry.input
class AddTaxIdInput:
    type: str = strawberry.field(description="Stripe's tax ID type, e.g. eu_vat, gb_vat, us_ein.")
    value: str = strawberry.field(description="The number, e.g. DE123456789.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class AddTaxIdPayload:
    client_mutation_id: str | None
    tax_id: TaxId | None
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


async def _add_tax_id(context: Context, data: AddTaxIdInput) -> AddTaxIdPayload:
    def failed(error: UserError) -> AddTaxIdPayload:
        return AddTaxIdPayload(
            client_mutation_id=data.client_mutation_id,
            tax_id=None,
            after_completion=None,
            user_errors=[error],
        )

    def done(tax_id: TaxId) -> AddTaxIdPayload:
        return AddTaxIdPayload(
            client_mutation_id=data.client_mutation_id,
            tax_id=tax_id,
            after_completion=after_completion(context, SPEC),
            user_errors=[],
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return failed(call)
    if call.replayed is not None:
        try:
            found = await fetch_tax_id(
                context.billing, call.customer_id, str(call.replayed.get("tax_id"))
            )
        except NotFound:
            return failed(user_error(ErrorCode.NOT_FOUND, "Tax ID not found."))
        except BillingError as exc:
            return failed(stripe_failure(exc))
        return done(TaxId.from_model(found))
    # The customer's tax IDs (read with the customer, cached when the portal just showed
    # it) prove the customer exists, and the policy refuses a tax ID they already have,
    # however spelled.
    try:
        existing = await customer_tax_ids(context.billing, call.customer_id)
    except NotFound:
        return failed(user_error(ErrorCode.NOT_FOUND, "Customer not found."))
    except BillingError as exc:
        return failed(stripe_failure(exc))
    decision = decide_add_tax_id(
        await context.policy(),
        call.customer_id,
        type=data.type.strip(),
        value=data.value,
        existing=existing,
        test_mode=context.services.settings.stripe_test_mode,
        known_types=STRIPE_TAX_ID_TYPES,
    )
    if isinstance(decision, Refusal):
        return failed(from_refusal(decision))
    try:
        created = await add_tax_id(
            context.billing,
            call.customer_id,
            decision.params,
            call.keys.key("tax_id"),
            known=existing,
        )
    except BillingError as exc:
        call.wrote()
        return failed(stripe_failure(exc))
    await call.completed({"tax_id": created.id})
    return done(TaxId.from_model(created))


@strawberry.type
class AddTaxIdMutation:
    @SPEC.field(description="Add a tax ID (VAT number, ...) to the customer.")
    async def add_tax_id(self, info: Info, input: AddTaxIdInput) -> AddTaxIdPayload:
        return await _add_tax_id(info.context, input)
