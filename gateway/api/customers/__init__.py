"""The customer's own details."""
