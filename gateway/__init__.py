"""Portal gateway: a GraphQL API for custom Stripe billing portals."""

__version__ = "0.1.0"
