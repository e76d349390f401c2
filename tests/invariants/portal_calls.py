"""The GraphQL the state machine sends, and what it reads back from the gateway."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import document

if TYPE_CHECKING:
    from tests.support.gateway import Result, RunningGateway

SUBSCRIPTION_FIELDS = """id status cancelAtPeriodEnd isCanceling isPaused resumesAt latestInvoiceId
  currentPeriodEnd trialEnd
  pauseCollection { behavior resumesAt }
  items { quantity price { id } }
  scheduledChange { effectiveAt items { priceId quantity } }
  availableActions
  unavailableActions { action code message }"""

OVERVIEW = f"{{ subscriptions {{ {SUBSCRIPTION_FIELDS} }} }}"

ONE = f"""query($id: ID!) {{ subscription(id: $id) {{ {SUBSCRIPTION_FIELDS}
  upcomingInvoice {{ amountDue total periodEnd }} }} }}"""

PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview {
      subscriptionId priceId quantity scheduled effectiveAt quote prorationDate currency
      prorationAmount invoicedNow amountDueNow nextInvoice { amountDue date } endsTrial
      amountDue
      invoice { amountDue total }
    }
    userErrors { code message field }
  }
}"""

ANSWERED = """id status cancelAtPeriodEnd isPaused resumesAt items { quantity price { id } }
  scheduledChange { effectiveAt items { priceId quantity } }"""
MUTATION_SELECTION = f"clientMutationId subscription {{ {ANSWERED} }}"
SELECTIONS = {
    "setDefaultPaymentMethod": "clientMutationId paymentMethod { id } updatedSubscriptionIds",
    "addTaxId": "clientMutationId taxId { id value }",
    "removeTaxId": "clientMutationId removedTaxId { id }",
    "payInvoice": (
        f"clientMutationId invoice {{ id status amountPaid }} subscription {{ {ANSWERED} }}"
    ),
}

INVOICE = """query($id: ID!) { invoice(id: $id) { id status amountDue amountRemaining
  availableActions } }"""


@dataclass(frozen=True)
class Call:
    """One customer mutation as a client sends it."""

    name: str
    fields: dict[str, Any] = field(hash=False)

    @property
    def subscription(self) -> str | None:
        value = self.fields.get("subscriptionId")
        return str(value) if value is not None else None

    def describe(self) -> str:
        return f"{self.name}({self.fields})"


@dataclass
class Answer:
    call: Call
    result: Result

    @property
    def payload(self) -> dict[str, Any]:
        assert self.result.status == 200, self.result.body
        assert not self.result.errors, (self.call.describe(), self.result.body)
        payload: dict[str, Any] = self.result.data[self.call.name]
        return payload

    @property
    def codes(self) -> list[str]:
        return [error["code"] for error in self.payload["userErrors"]]

    @property
    def ok(self) -> bool:
        return not self.payload["userErrors"]


async def send(gateway: RunningGateway, token: str, call: Call) -> Answer:
    selection = SELECTIONS.get(call.name, MUTATION_SELECTION)
    result = await gateway.post(document(call.name, selection), {"input": call.fields}, token=token)
    return Answer(call, result)


async def overview(gateway: RunningGateway, token: str) -> list[dict[str, Any]]:
    subscriptions: list[dict[str, Any]] = (await gateway.post(OVERVIEW, token=token)).ok()[
        "subscriptions"
    ]
    return subscriptions


async def subscription(gateway: RunningGateway, token: str, sub: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await gateway.post(ONE, {"id": sub}, token=token)).ok()[
        "subscription"
    ]
    return found


async def preview(gateway: RunningGateway, token: str, fields: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await gateway.post(PREVIEW, {"input": fields}, token=token)).ok()[
        "previewSubscriptionUpdate"
    ]
    return payload


RESUME_PREVIEW = """query($id: ID!) {
  previewSubscriptionResume(subscriptionId: $id) {
    preview { invoicedNow amountDueNow currency periodEnd quote }
    userErrors { code message field }
  }
}"""


async def preview_resume(gateway: RunningGateway, token: str, sub: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await gateway.post(RESUME_PREVIEW, {"id": sub}, token=token)).ok()[
        "previewSubscriptionResume"
    ]
    return payload


async def invoice(gateway: RunningGateway, token: str, invoice_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        await gateway.post(INVOICE, {"id": invoice_id}, token=token)
    ).ok()["invoice"]
    return found
