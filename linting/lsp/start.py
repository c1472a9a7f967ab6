"""`replydesk lsp [--log FILE] [--log-level LEVEL]`: start the linting process, then the server.

The order is the point (see worker.py): the linting process is spawned
before pygls is imported here, so the two start-up costs overlap on two
cores instead of adding up.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="replydesk lsp",
        description="The replydesk language server, on stdin/stdout. Start it from your editor (README: Editors).")
    parser.add_argument("--log", metavar="FILE", help="write the server's log here (default: stderr, which editors keep)")
    parser.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="warning")
    parser.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")
    args = parser.parse_args(argv)
    from .worker import Worker

    linting = Worker(prebuild=Path.cwd())
    handler: logging.Handler = (logging.FileHandler(args.log, encoding="utf-8") if args.log
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(args.log_level.upper())
    if sys.stdin.isatty():
        print("replydesk lsp speaks the Language Server Protocol on stdin/stdout; start it from your editor "
              "(README: Editors).", file=sys.stderr)
    from .server import server

    server.linting = linting
    try:
        server.start_io()
    finally:
        linting.close()
        server.worker.shutdown(wait=False, cancel_futures=True)
    # LSP: exit after a shutdown request is 0, an exit (or the editor gone) without one is 1.
    return 0 if server.protocol._shutdown else 1
