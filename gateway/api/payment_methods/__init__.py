"""Saved payment methods."""
