"""Every field of the Mutation root is declared once, in its own file, and only so: a
mutation cannot reach the schema without saying what it completes and announces."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.types.base import StrawberryObjectDefinition

import gateway.api
from gateway.api.live.announce import Announcement, LiveEventKind
from gateway.api.mutation_kit.spec import MutationSpec, declaration, declarations
from gateway.api.mutations import MUTATIONS, SPECS
from gateway.api.schema import schema


def declared_in_modules() -> list[MutationSpec]:
    """Every MutationSpec a module of the api defines (each object once, wherever imported)."""
    found: dict[int, MutationSpec] = {}
    for module_info in pkgutil.walk_packages(gateway.api.__path__, "gateway.api."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, MutationSpec):
                found[id(value)] = value
    return list(found.values())


def mutation_fields() -> list[str]:
    """The Mutation root's fields, in the order the schema (and schema.graphql) lists them."""
    root = schema._schema.mutation_type
    assert isinstance(root, GraphQLObjectType)
    return list(root.fields)


def test_every_mutation_field_has_exactly_one_declaration_and_every_declaration_a_field() -> None:
    declared = sorted(spec.name for spec in declared_in_modules())
    assert declared == sorted(mutation_fields())


def test_the_root_lists_the_declarations_in_the_schema_order() -> None:
    assert [spec.name for spec in SPECS] == mutation_fields()
    assert len(SPECS) == len(MUTATIONS)


def test_each_field_carries_the_declaration_that_named_it() -> None:
    root = schema.get_type_by_name("Mutation")
    assert isinstance(root, StrawberryObjectDefinition)
    for field in root.fields:
        spec = declaration(field.metadata)
        assert spec is not None, field.python_name
        assert spec.name == field.graphql_name


def test_a_field_declared_without_a_spec_keeps_the_root_from_assembling() -> None:
    @strawberry.type
    class Undeclared:
        @strawberry.mutation
        def forgotten(self) -> bool:
            return True

    with pytest.raises(TypeError, match=r"Undeclared\.forgotten is not declared"):
        declarations((*MUTATIONS, Undeclared))


def test_two_declarations_of_one_name_keep_the_root_from_assembling() -> None:
    twin = MutationSpec(name="cancelSubscription", completes=(), announces=None)

    @strawberry.type
    class Twin:
        @twin.field(description="Another cancelSubscription.")
        def cancel(self) -> bool:
            return True

    with pytest.raises(TypeError, match="Two mutations are named cancelSubscription"):
        declarations((*MUTATIONS, Twin))


def test_a_misspelled_flow_or_name_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown flows: subscription_cancle"):
        MutationSpec(
            name="cancelSubscription",
            completes=("subscription_cancle",),  # type: ignore[arg-type]
            announces=None,
        )
    with pytest.raises(ValueError, match="lowerCamelCase"):
        MutationSpec(name="cancel_subscription", completes=(), announces=None)


def test_a_declaration_cannot_leave_out_what_it_completes_or_announces() -> None:
    with pytest.raises(TypeError, match="announces"):
        MutationSpec(name="pauseSubscription", completes=())  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="completes"):
        MutationSpec(  # type: ignore[call-arg]
            name="pauseSubscription",
            announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
        )


def test_the_flows_a_mutation_completes_are_its_own() -> None:
    completes = {spec.name: set(spec.completes) for spec in SPECS if spec.completes}
    assert completes == {
        "cancelSubscription": {"subscription_cancel"},
        "acceptRetentionOffer": {"subscription_cancel"},
        "pauseSubscription": {"subscription_pause"},
        "updateSubscription": {"subscription_update", "subscription_update_confirm"},
        "setDefaultPaymentMethod": {"payment_method_update"},
        "completeSetupIntent": {"payment_method_update"},
        "updateCustomer": {"customer_update"},
        "addTaxId": {"customer_update"},
        "removeTaxId": {"customer_update"},
    }
