"""The `replydesk` console script: subcommands go to the linter CLI or the importer; bare `replydesk` opens the desk.

Kept light on purpose: Textual is imported only when the desk runs, so
`replydesk lint` in CI never pays for it.
"""
from __future__ import annotations

import sys

from replydesk.linting.display import visible_controls

LINTER_COMMANDS = frozenset({"lint", "rules", "explain", "glossary"})

USAGE = """\
usage: replydesk [QUEUE_DIR] [--mouse | --no-mouse] [--bell]
                                                         open the operator desk
       replydesk lint PATH... [options]                  lint draft replies
       replydesk rules [--format text|json]              list every rule
       replydesk explain CODE                            explain a rule
       replydesk glossary ...                            search and check the glossaries
       replydesk lsp [--log FILE]                        the language server, on stdio, for editors
       replydesk import FILE... [--queue DIR] [--source NAME] [--replace]
                                                         platforms' payloads and exported notices
                                                         into cases (new, or updates of theirs)
       replydesk receive [--queue DIR] [--listen HOST:PORT] [--secrets FILE]
                                                         receive TikTok Shop / Shopee pushes and
                                                         signed relayed events over HTTP
       replydesk doctor QUEUE_DIR                        check a shared queue's permissions,
                                                         locks and clock; say what to fix
       replydesk export CASE_ID... | --all [--since DATE] [--queue DIR]
                        [--format json|csv|html] [--output FILE]
                                                         cases' whole chains, as evidence
       replydesk stats [QUEUE_DIR] [--since DATE] [--by platform|kind|operator|week]
                       [--format text|json] [--now ISO]
                                                         response and on-time rates, outcomes

The desk opens QUEUE_DIR, else $REPLYDESK_QUEUE, else a per-user queue
(filled with a demo queue on first run). The mouse is off by default so
that the terminal's own text selection works over SSH; --mouse turns it on.
Operator name for locks, assignment and the case history: $REPLYDESK_OPERATOR,
else the login name. --bell (or REPLYDESK_BELL=1) rings the terminal bell when
a case of yours, or nobody's, comes within 2 h of its deadline or passes it.

Run `replydesk COMMAND --help` for a command's options; inside the desk press ? for every key.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in LINTER_COMMANDS:
        from replydesk.linting.cli import main as cli_main

        return cli_main(args)
    if args and args[0] == "lsp":
        from replydesk.linting.lsp.start import main as lsp_main

        return lsp_main(args[1:])
    if args and args[0] == "import":
        from replydesk.tui.queue.importer import main as import_main

        return import_main(args[1:])
    if args and args[0] == "receive":
        from replydesk.tui.inbound.receiver import main as receive_main

        return receive_main(args[1:])
    if args and args[0] == "doctor":
        from replydesk.tui.queue.doctor import main as doctor_main

        return doctor_main(args[1:])
    if args and args[0] == "export":
        from replydesk.tui.queue.export import main as export_main

        return export_main(args[1:])
    if args and args[0] == "stats":
        from replydesk.tui.queue.stats import main as stats_main

        return stats_main(args[1:])
    if args and args[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    return run_desk(args)


def run_desk(args: list[str]) -> int:
    import os

    mouse = False
    bell = os.environ.get("REPLYDESK_BELL", "").strip().lower() in ("1", "yes", "true", "on")
    queue_arg: str | None = None
    for arg in args:
        if arg == "--bell":
            bell = True
        elif arg == "--mouse":
            mouse = True
        elif arg == "--no-mouse":
            mouse = False
        elif arg.startswith("-"):
            sys.stderr.write(f"replydesk: error: unknown option {visible_controls(arg)}\n{USAGE}")
            return 2
        elif queue_arg is None:
            queue_arg = arg
        else:
            sys.stderr.write(f"replydesk: error: unexpected argument {visible_controls(repr(arg))} (one queue directory at most)\n")
            return 2

    from replydesk.tui.queue.location import resolve_queue
    from replydesk.tui.queue.store import QueueError, QueueStore

    try:
        location = resolve_queue(queue_arg)
        store = QueueStore(location.path)
    except (QueueError, OSError) as exc:
        sys.stderr.write(f"replydesk: error: {visible_controls(str(exc))}\n")
        return 2
    if location.installed_demo:
        sys.stderr.write(f"replydesk: installed the demo queue in {visible_controls(str(location.path))}\n")

    from replydesk.tui.app import ReplydeskApp

    app = ReplydeskApp(store, bell=bell)
    app.run(mouse=mouse)
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
