"""Customer and TaxId."""

from typing import Self

import strawberry

from ... import models
from ...billing import BillingError
from ...portal import view_payment_methods_refusal
from ..common.types import Address, Shipping
from ..context import Info
from ..errors import billing_failure, refused
from ..fields import field
from ..payment_methods.types import PaymentMethod


@strawberry.type
class TaxId:
    id: strawberry.ID
    type: str = strawberry.field(description="Stripe's tax ID type, e.g. eu_vat, us_ein, gb_vat.")
    value: str
    verification_status: str | None = strawberry.field(
        description="pending, verified, unverified or unavailable (Stripe's value)."
    )

    @classmethod
    def from_model(cls, tax_id: models.TaxId) -> Self:
        return cls(
            id=strawberry.ID(tax_id.id),
            type=tax_id.type,
            value=tax_id.value,
            verification_status=tax_id.verification_status,
        )


@strawberry.type
class Customer:
    id: strawberry.ID
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    shipping: Shipping | None
    preferred_locales: list[str]
    model: strawberry.Private[models.Customer]

    @classmethod
    def from_model(cls, customer: models.Customer) -> Self:
        return cls(
            id=strawberry.ID(customer.id),
            email=customer.email,
            name=customer.name,
            phone=customer.phone,
            address=Address.from_model(customer.address),
            shipping=Shipping.from_model(customer.shipping),
            preferred_locales=list(customer.preferred_locales),
            model=customer,
        )

    @strawberry.field
    async def tax_ids(self, info: Info) -> list[TaxId] | None:
        try:
            found = await info.context.loaders.tax_ids()
        except BillingError as exc:
            raise billing_failure(exc) from None
        return [TaxId.from_model(tax_id) for tax_id in found]

    @field(
        description="The payment method invoices and subscriptions charge; refused exactly "
        "when `paymentMethods` is."
    )
    async def default_payment_method(self, info: Info) -> PaymentMethod | None:
        refusal = view_payment_methods_refusal(info.context.read_policy())
        if refusal is not None:
            raise refused(refusal)
        default_id = self.model.default_payment_method_id
        if default_id is None:
            return None
        try:
            methods = await info.context.loaders.payment_methods()
        except BillingError as exc:
            raise billing_failure(exc) from None
        found = next((pm for pm in methods if pm.id == default_id), None)
        return PaymentMethod.from_model(found, default_id) if found else None
