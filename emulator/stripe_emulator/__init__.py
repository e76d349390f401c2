"""A stateful Stripe API emulator.

It imports nothing from the rest of the gateway, and the gateway imports
nothing from it (only the CLI starts it), so the gateway cannot tell it from
the real Stripe and a shared bug cannot hide a mismatch.
"""
