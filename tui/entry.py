"""The `replydesk` console script: subcommands go to the linter CLI; bare `replydesk` opens the desk."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from replydesk.linting.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
