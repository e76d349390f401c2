"""DateTime inputs as Stripe's Unix seconds (a time without a zone is taken as UTC)."""

from datetime import UTC, datetime


def unix_seconds(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())
