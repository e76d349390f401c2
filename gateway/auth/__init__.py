"""Admin API keys and portal sessions: who may call, and for which customer."""
