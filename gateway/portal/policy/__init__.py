"""The policy engine: pure functions deciding every customer action (no I/O, no clock)."""
