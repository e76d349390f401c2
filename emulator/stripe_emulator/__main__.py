"""`python -m stripe_emulator`: serve the Stripe API emulator alone."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .server import run_emulator

if TYPE_CHECKING:
    from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m stripe_emulator", description="Serve the Stripe API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--seed", choices=["demo"], help="load a data set at start")
    parser.add_argument("--webhook-url", help="register a webhook endpoint at start")
    parser.add_argument("--webhook-secret", help="its signing secret (whsec_...)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run_emulator(
        args.host,
        args.port,
        seed=args.seed,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
