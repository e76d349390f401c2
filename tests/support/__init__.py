"""Helpers shared by the gateway's tests: a running gateway and a seeded Stripe world."""
