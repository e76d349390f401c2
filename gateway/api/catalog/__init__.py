"""Products and prices: what subscriptions are made of and what `plans` offers."""
