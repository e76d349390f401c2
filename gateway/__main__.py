"""Command line: serve, demo, export-schema, check-config.

The emulator has its own: `python -m stripe_emulator`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gateway",
        description="GraphQL gateway for custom Stripe billing portals.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the GraphQL API (settings from GATEWAY_*)")
    serve.add_argument("--host", help="bind address (GATEWAY_HOST)")
    serve.add_argument("--port", type=int, help="port (GATEWAY_PORT)")

    demo = commands.add_parser(
        "demo", help="emulator with demo data plus gateway in one process; no Stripe account"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--emulator-port", type=int, default=12111)

    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--output", help="write to this file instead of stdout")

    check = commands.add_parser("check-config", help="validate a portal configuration file")
    check.add_argument("file", help="JSON or YAML file of billing_portal.Configuration objects")
    check.add_argument(
        "--with-stripe",
        action="store_true",
        help="also check products and prices against the Stripe catalog (GATEWAY_STRIPE_*)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from pydantic import ValidationError

        from .app import serve
        from .settings import Settings
        from .startup import settings_problems

        overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
        try:
            settings = Settings(**overrides)
        except ValidationError as exc:
            for line in settings_problems(exc):
                print(f"invalid setting {line}", file=sys.stderr)
            return 2
        return serve(settings)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.host, args.port, args.emulator_port)
    if args.command == "export-schema":
        from .api.schema import schema

        sdl = schema.as_str() + "\n"
        if args.output:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(sdl)
        else:
            sys.stdout.write(sdl)
        return 0
    if args.command == "check-config":
        from .cli.check_config import check_config_command

        return check_config_command(args.file, with_stripe=args.with_stripe)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
