"""Types several domains share."""
