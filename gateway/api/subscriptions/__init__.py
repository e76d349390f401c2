"""Subscriptions and what the customer may do with them."""
