"""Discounts: the coupons (and promotion codes) applied to subscriptions and invoices."""
