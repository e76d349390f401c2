"""The Mutation root, merged from each domain's mutations (one file each, beside the domain's
queries and types).

A mutation file declares `SPEC = MutationSpec(name=..., completes=..., announces=...)` and
defines `<Name>Input`, `<Name>Payload` (with `userErrors`) and a `<Name>Mutation` type whose
resolver is decorated with `SPEC.field(...)`; add that type to `MUTATIONS` (the order is the
schema's). `declarations` refuses, at import, a field declared without a spec.
"""

from strawberry.tools import merge_types

from .customers.add_tax_id import AddTaxIdMutation
from .customers.remove_tax_id import RemoveTaxIdMutation
from .customers.update_customer import UpdateCustomerMutation
from .invoices.pay_invoice import PayInvoiceMutation
from .mutation_kit.spec import MutationSpec, declarations
from .payment_methods.complete_setup_intent import CompleteSetupIntentMutation
from .payment_methods.confirm_setup_intent_for_testing import ConfirmSetupIntentForTestingMutation
from .payment_methods.create_setup_intent import CreateSetupIntentMutation
from .payment_methods.detach_payment_method import DetachPaymentMethodMutation
from .payment_methods.set_default_payment_method import SetDefaultPaymentMethodMutation
from .sessions.create_portal_session import CreatePortalSessionMutation
from .sessions.end_portal_session import EndPortalSessionMutation
from .sessions.redeem_portal_session import RedeemPortalSessionMutation
from .sessions.revoke_portal_session import RevokePortalSessionMutation
from .subscriptions.accept_retention_offer import AcceptRetentionOfferMutation
from .subscriptions.cancel_subscription import CancelSubscriptionMutation
from .subscriptions.pause_subscription import PauseSubscriptionMutation
from .subscriptions.renew_subscription import RenewSubscriptionMutation
from .subscriptions.resume_subscription import ResumeSubscriptionMutation
from .subscriptions.undo_scheduled_change import UndoScheduledChangeMutation
from .subscriptions.update_subscription import UpdateSubscriptionMutation

MUTATIONS: tuple[type, ...] = (
    CreatePortalSessionMutation,
    RedeemPortalSessionMutation,
    RevokePortalSessionMutation,
    EndPortalSessionMutation,
    CancelSubscriptionMutation,
    AcceptRetentionOfferMutation,
    RenewSubscriptionMutation,
    UpdateSubscriptionMutation,
    UndoScheduledChangeMutation,
    PauseSubscriptionMutation,
    ResumeSubscriptionMutation,
    CreateSetupIntentMutation,
    ConfirmSetupIntentForTestingMutation,
    CompleteSetupIntentMutation,
    SetDefaultPaymentMethodMutation,
    DetachPaymentMethodMutation,
    UpdateCustomerMutation,
    AddTaxIdMutation,
    RemoveTaxIdMutation,
    PayInvoiceMutation,
)

# What each field of the root completes and announces, in the schema's order.
SPECS: tuple[MutationSpec, ...] = declarations(MUTATIONS)

Mutation = merge_types("Mutation", MUTATIONS)
