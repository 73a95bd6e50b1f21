"""`lyricgenre serve`: the web page and the JSON API."""

from __future__ import annotations

import argparse
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.cli.options import check_threads

MAX_PORT = 65535


def _add_serve_command(subcommands: argparse._SubParsersAction) -> None:
    serve = subcommands.add_parser("serve", help="web page and JSON HTTP API")
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000)")
    serve.add_argument("--model", type=Path, help="exported model folder (default: the shipped model)")
    serve.add_argument("--threads", type=int, help="inference threads per request (default: 1)")
    serve.add_argument("--workers", type=int, help="requests classified at once (default: one per core)")
    serve.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> None:
    from lyricgenre.interfaces.web.app import serve

    check_threads(args.threads)
    check_threads(args.workers, "--workers")
    if not 1 <= args.port <= MAX_PORT:
        raise UserError(f"--port must be between 1 and {MAX_PORT}, got {args.port}")
    serve(args.host, args.port, args.model, args.threads, args.workers)


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    _add_serve_command(subcommands)
