"""Run the emulator as its own server (`python -m stripe_emulator`)."""

from __future__ import annotations

from aiohttp import web

from .app import create_app
from .state import Emulator


def build(seed: str | None) -> Emulator:
    emu = Emulator(seed=7 if seed else None)
    if seed == "demo":
        from .seed import seed_demo

        seed_demo(emu)
    return emu


def run_emulator(
    host: str,
    port: int,
    *,
    seed: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> None:
    app = create_app(build(seed), webhook_url=webhook_url, webhook_secret=webhook_secret)
    print(f"Stripe emulator on http://{host}:{port} (any sk_test_... key)", flush=True)
    web.run_app(app, host=host, port=port, print=None)
