from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import stripe

if TYPE_CHECKING:
    from stripe.params.billing_portal import (
        ConfigurationCreateParams,
        ConfigurationCreateParamsFeaturesSubscriptionUpdate,
    )
    from stripe_emulator.testing import RunningEmulator

PRODUCTS = "features.subscription_update.products"
# The SDK drops empty dicts, so `features={}` would arrive as a missing param.
MINIMAL: Any = {"invoice_history": {"enabled": False}}


async def _catalog(
    client: stripe.StripeClient,
) -> tuple[stripe.Product, stripe.Price, stripe.Price]:
    product = await client.v1.products.create_async({"name": "Pro"})
    monthly = await client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
        }
    )
    yearly = await client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 10000,
            "recurring": {"interval": "year"},
        }
    )
    return product, monthly, yearly


def _full(product: str, prices: list[str]) -> ConfigurationCreateParams:
    return {
        "business_profile": {
            "headline": "Acme billing",
            "privacy_policy_url": "https://acme.test/p",
        },
        "default_return_url": "https://acme.test/account",
        "name": "Self-serve",
        "metadata": {"team": "billing"},
        "features": {
            "customer_update": {"enabled": True, "allowed_updates": ["email", "address", "tax_id"]},
            "invoice_history": {"enabled": True},
            "payment_method_update": {"enabled": True},
            "subscription_cancel": {
                "enabled": True,
                "mode": "immediately",
                "proration_behavior": "create_prorations",
                "cancellation_reason": {"enabled": True, "options": ["too_expensive", "unused"]},
            },
            "subscription_pause": {
                "enabled": True,
                "duration": {
                    "type": "interval_options",
                    "interval_options": [{"interval": "week", "interval_count": 2}],
                },
            },
            "subscription_update": {
                "enabled": True,
                "default_allowed_updates": ["price", "quantity"],
                "proration_behavior": "always_invoice",
                "products": [
                    {
                        "product": product,
                        "prices": prices,
                        "adjustable_quantity": {"enabled": True, "maximum": 5},
                    }
                ],
                "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}]},
                "billing_cycle_anchor": "now",
                "trial_update_behavior": "continue_trial",
            },
        },
    }


async def test_minimal_configuration_has_stripe_defaults(
    stripe_client: stripe.StripeClient,
) -> None:
    config = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": MINIMAL}
    )
    assert config.id.startswith("bpc_")
    assert config.object == "billing_portal.configuration"
    assert config.active is True
    assert config.is_default is True
    assert config.application is None
    assert config.login_page.enabled is False
    assert config.login_page.url is None
    features = config.features
    assert features.customer_update.enabled is False
    assert features.customer_update.allowed_updates == []
    assert features.invoice_history.enabled is False
    assert features.payment_method_update.payment_method_configuration is None
    assert features.subscription_cancel.mode == "at_period_end"
    assert features.subscription_cancel.proration_behavior == "none"
    assert features.subscription_cancel.cancellation_reason.enabled is False
    assert features.subscription_pause.enabled is False
    assert features.subscription_pause.duration.type == "interval_options"
    assert features.subscription_update.proration_behavior == "none"
    assert features.subscription_update.trial_update_behavior == "end_trial"
    assert features.subscription_update.billing_cycle_anchor == "unchanged"
    assert features.subscription_update.schedule_at_period_end.conditions == []
    assert "products" not in features.subscription_update
    second = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": MINIMAL}
    )
    assert second.is_default is False


async def test_full_configuration_and_includable_products(
    stripe_client: stripe.StripeClient,
) -> None:
    product, monthly, yearly = await _catalog(stripe_client)
    created = await stripe_client.v1.billing_portal.configurations.create_async(
        _full(product.id, [monthly.id, yearly.id])
    )
    assert created.business_profile.headline == "Acme billing"
    assert created.default_return_url == "https://acme.test/account"
    assert created.name == "Self-serve"
    cancel = created.features.subscription_cancel
    assert cancel.cancellation_reason.options == ["too_expensive", "unused"]
    pause = created.features.subscription_pause.duration.interval_options[0]
    assert (pause.interval, pause.interval_count) == ("week", 2)
    update = created.features.subscription_update
    assert update.default_allowed_updates == ["price", "quantity"]
    assert update.schedule_at_period_end.conditions[0].type == "decreasing_item_amount"
    assert "products" not in update
    expanded = await stripe_client.v1.billing_portal.configurations.retrieve_async(
        created.id, {"expand": [PRODUCTS]}
    )
    products = expanded.features.subscription_update.products
    assert products is not None
    assert products[0].product == product.id
    assert products[0].prices == [monthly.id, yearly.id]
    assert products[0].adjustable_quantity.enabled is True
    assert products[0].adjustable_quantity.minimum == 0
    assert products[0].adjustable_quantity.maximum == 5
    listed = await stripe_client.v1.billing_portal.configurations.list_async(
        {"expand": ["data." + PRODUCTS]}
    )
    assert listed.data[0].features.subscription_update.products is not None


@pytest.mark.parametrize(
    ("features", "message", "param"),
    [
        (
            {"subscription_cancel": {"enabled": True, "proration_behavior": "always_invoice"}},
            "always_invoice is not supported",
            "features[subscription_cancel][proration_behavior]",
        ),
        (
            {
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "proration_behavior": "create_prorations",
                }
            },
            "only be create_prorations when",
            "features[subscription_cancel][proration_behavior]",
        ),
        (
            {
                "payment_method_update": {"enabled": True},
                "subscription_update": {"enabled": True, "default_allowed_updates": ["price"]},
            },
            "Missing required param: features[subscription_update][products].",
            "features[subscription_update][products]",
        ),
        (
            {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options"}}},
            "Missing required param: features[subscription_pause][duration][interval_options].",
            "features[subscription_pause][duration][interval_options]",
        ),
        (
            {
                "subscription_pause": {
                    "enabled": True,
                    "duration": {
                        "type": "interval_options",
                        "interval_options": [{"interval": "month", "interval_count": 37}],
                    },
                }
            },
            "at most three years",
            "features[subscription_pause][duration][interval_options][0][interval_count]",
        ),
        (
            {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True}}},
            "Missing required param: features[subscription_cancel][cancellation_reason][options].",
            "features[subscription_cancel][cancellation_reason][options]",
        ),
    ],
)
async def test_feature_rules(
    stripe_client: stripe.StripeClient, features: dict[str, Any], message: str, param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.billing_portal.configurations.create_async({"features": features})  # type: ignore[typeddict-item]
    assert message in str(exc.value.user_message)
    assert exc.value.param == param


async def test_subscription_update_rules(stripe_client: stripe.StripeClient) -> None:
    product, monthly, _ = await _catalog(stripe_client)
    other = await stripe_client.v1.products.create_async({"name": "Other"})
    base: ConfigurationCreateParamsFeaturesSubscriptionUpdate = {
        "enabled": True,
        "default_allowed_updates": ["price"],
    }
    configs = stripe_client.v1.billing_portal.configurations
    with pytest.raises(stripe.InvalidRequestError) as pmu:
        await configs.create_async(
            {
                "features": {
                    "subscription_update": {
                        **base,
                        "products": [{"product": product.id, "prices": [monthly.id]}],
                    }
                }
            }
        )
    assert (
        pmu.value.user_message
        == "Cannot enable subscription updates while payment method update is disabled."
    )
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await configs.create_async(
            {
                "features": {
                    "payment_method_update": {"enabled": True},
                    "subscription_update": {
                        **base,
                        "products": [{"product": other.id, "prices": [monthly.id]}],
                    },
                }
            }
        )
    assert foreign.value.param == "features[subscription_update][products][0][prices][0]"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await configs.create_async(
            {
                "features": {
                    "payment_method_update": {"enabled": True},
                    "subscription_update": {
                        **base,
                        "products": [{"product": "prod_nope", "prices": [monthly.id]}],
                    },
                }
            }
        )
    assert missing.value.code == "resource_missing"
    assert missing.value.param == "features[subscription_update][products][0][product]"
    with pytest.raises(stripe.InvalidRequestError) as headline:
        await configs.create_async(
            {"features": MINIMAL, "business_profile": {"headline": "x" * 61}}
        )
    assert headline.value.param == "business_profile[headline]"


async def test_update_merges_and_is_all_or_nothing(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    product, monthly, yearly = await _catalog(stripe_client)
    configs = stripe_client.v1.billing_portal.configurations
    config = await configs.create_async(_full(product.id, [monthly.id]))
    updated = await configs.update_async(
        config.id,
        {
            "features": {
                "subscription_cancel": {"mode": "at_period_end", "proration_behavior": "none"},
                "subscription_update": {
                    "products": [{"product": product.id, "prices": [monthly.id, yearly.id]}]
                },
            },
            "business_profile": {"headline": ""},
            "login_page": {"enabled": True},
            "expand": [PRODUCTS],
        },
    )
    assert updated.features.subscription_cancel.mode == "at_period_end"
    assert updated.features.subscription_cancel.cancellation_reason.enabled is True
    assert updated.features.invoice_history.enabled is True
    assert updated.business_profile.headline is None
    assert updated.business_profile.privacy_policy_url == "https://acme.test/p"
    assert updated.login_page.url is not None
    assert updated.login_page.url.startswith(emulator.url + "/p/login/test_")
    assert updated.features.subscription_update.products is not None
    assert updated.features.subscription_update.products[0].prices == [monthly.id, yearly.id]
    with pytest.raises(stripe.InvalidRequestError):
        await configs.update_async(
            config.id,
            {"name": "Half", "features": {"payment_method_update": {"enabled": False}}},
        )
    unchanged = await configs.retrieve_async(config.id)
    assert unchanged.name == "Self-serve"
    assert unchanged.features.payment_method_update.enabled is True
    event = emulator.emu.find("event")[0]
    assert event["type"] == "billing_portal.configuration.updated"
    assert "products" not in event["data"]["object"]["features"]["subscription_update"]


async def test_list_filters(stripe_client: stripe.StripeClient) -> None:
    configs = stripe_client.v1.billing_portal.configurations
    first = await configs.create_async({"features": MINIMAL})
    second = await configs.create_async({"features": MINIMAL})
    await configs.update_async(second.id, {"active": False})
    inactive = await configs.list_async({"active": False})
    assert [c.id for c in inactive.data] == [second.id]
    default = await configs.list_async({"is_default": True})
    assert [c.id for c in default.data] == [first.id]
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await configs.retrieve_async("bpc_nope")
    assert missing.value.http_status == 404
