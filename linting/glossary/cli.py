"""`replydesk glossary check|find|stats|add`: the maintainers' commands.

The lead's `linting/cli.py` registers these with `add_glossary_parser`
and dispatches to `run_glossary`. Exit codes follow the linter's: 0 fine,
1 problems found (check, add), 2 bad input (unreadable files, bad flags).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..display import visible_controls
from ..reporters import dumps
from ..tomldata import DataFileError

FORMATS = ("text", "json")



def _say(*parts, file=None, multiline: bool = False) -> None:
    """print() for text that carries glossary strings, queries and file names: control
    characters made visible (a term file is data someone else wrote; see display.py).
    One-line messages keep no newline either: a line of its own starting with `::`
    would be a GitHub Actions command when `glossary check` runs in CI."""
    print(*(visible_controls(str(p), keep_newlines=multiline) for p in parts), file=file)

def add_glossary_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "glossary",
        help="check, search and edit glossary files",
        description="Maintain glossary term files and word lists (see glossaries/README.md).",
    )
    sub = parser.add_subparsers(dest="glossary_command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser("check", help="validate glossary files and run their self-tests (exit 1 on failure)")
    check.add_argument("files", nargs="*", type=Path, metavar="FILE",
                       help="glossary files or directories (default: the built-in and configured glossaries)")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--no-probe", action="store_true", help="skip timing regex forms (static checks still run)")

    find = sub.add_parser("find", help="fuzzy search over all forms in all languages")
    find.add_argument("query")
    find.add_argument("files", nargs="*", type=Path, metavar="FILE")
    find.add_argument("--limit", type=int, default=10)
    find.add_argument("--format", choices=FORMATS, default="text")

    stats = sub.add_parser("stats", help="entries per file, language coverage, entries without tests or sources")
    stats.add_argument("files", nargs="*", type=Path, metavar="FILE")
    stats.add_argument("--format", choices=FORMATS, default="text")
    stats.add_argument("-v", "--verbose", action="store_true", help="list the entries without tests or sources")

    add = sub.add_parser("add", help="append an entry to a glossary file (validated, comments kept, atomic write)")
    add.add_argument("file", type=Path)
    add.add_argument("--id", required=True, dest="entry_id")
    for lang in ("ko", "en", "zh"):
        add.add_argument(f"--{lang}", action="append", default=[], metavar="FORM", help=f"preferred {lang} form (repeatable)")
    add.add_argument("--avoid", action="append", default=[], metavar="FORM", help="form to flag (repeatable)")
    add.add_argument("--reason", default="", help="why the avoided forms are wrong")
    add.add_argument("--source", action="append", default=[], help="where the rule comes from (repeatable)")
    add.add_argument("--note", default="")
    add.add_argument("--message", default="", help="word lists: the message shown to the operator")
    add.add_argument("--suggestion", default="", help="word lists: what to write instead")
    add.add_argument("--rule", default="", help="rule code, when it differs from the file's")
    add.add_argument("--platform", action="append", default=[], help="limit the entry to a platform (repeatable)")
    add.add_argument("--kind", action="append", default=[], help="limit the entry to a case kind (repeatable)")
    add.add_argument("--lemmas", action="store_true", help="also match inflections of the last English word")
    add.add_argument("--flag", action="append", default=[], metavar="TEXT",
                     help="self-test text that must be flagged, span in [brackets] (repeatable)")
    add.add_argument("--expect", default=None, metavar="SUGGESTION",
                     help="suggestion the --flag texts must get (default: record the one given)")
    add.add_argument("--pass", action="append", default=[], dest="must_pass", metavar="TEXT",
                     help="self-test text that must not be flagged (repeatable)")
    add.add_argument("--dry-run", action="store_true", help="validate only; do not write")
    return parser


def run_glossary(args: argparse.Namespace) -> int:
    try:
        command = args.glossary_command
        if command == "check":
            return _check(args)
        if command == "find":
            return _find(args)
        if command == "stats":
            return _stats(args)
        if command == "add":
            return _add(args)
    except DataFileError as exc:
        _say(f"replydesk: {exc}", file=sys.stderr)
        return 2
    _say(f"replydesk: unknown glossary command {command!r}", file=sys.stderr)
    return 2


# -- where files come from ----------------------------------------------


def _config(args):
    from ..config import load_config

    path = getattr(args, "config", None)
    return load_config(Path(path) if path else None)


def _default_dirs(args) -> tuple[Path, ...]:
    from ..loading import builtin_glossary_dir

    return (builtin_glossary_dir(), *_config(args).glossary_dirs)


def _paths(args) -> list[Path]:
    from .loader import glossary_paths, particle_files

    if not args.files:
        return glossary_paths(_default_dirs(args))
    out: list[Path] = []
    for p in args.files:
        if p.is_dir():
            out.extend(glossary_paths((p,)))
        elif p.is_file():
            if p.suffix == ".toml":  # a pre-commit hook passes every changed file: skip the others
                out.append(p)
        else:
            raise DataFileError(p, None, "no such file or directory")
    if not particle_files(out):
        # Korean forms cannot be checked without the particle list: use the configured one.
        out.extend(particle_files(glossary_paths(_default_dirs(args))))
    return out


def _known(args) -> dict[str, set[str]]:
    """Platforms and their kinds, from the packs the linter would load."""
    from ..loading import load_packs

    packs = load_packs(_config(args).pack_dirs)
    return {name: set(pack.kinds) for name, pack in packs.items()}


def _rule_codes() -> set[str]:
    """The codes a glossary may name: the rules whose records name the `words` check."""
    from ..registry import all_rules

    return {code for code, info in all_rules().items() if info.check == "words"}


def _set(args):
    from .glossary_set import GlossarySet
    from .loader import read_files

    files, morph, problems = read_files(_paths(args), tuple(_known(args)))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError(errors[0].path, errors[0].line, errors[0].message, errors[0].column)
    return GlossarySet(files, morph)


# -- commands -------------------------------------------------------------


def _check(args) -> int:
    from .check import check_files

    report = check_files(
        _paths(args), kinds_by_platform=_known(args), rule_codes=_rule_codes(), probe_regexes=not args.no_probe
    )
    if args.format == "json":
        print(dumps(report.as_dict(), indent=2))
    else:
        for problem in report.problems:
            _say(problem)
        _say(report.summary(), multiline=True)
    return 1 if report.failed(args.strict) else 0


def _find(args) -> int:
    from .find import find, format_found

    found = find(_set(args), args.query, limit=max(1, args.limit))
    if args.format == "json":
        print(dumps([f.as_dict() for f in found], indent=2))
    elif not found:
        _say(f"no entry resembles {args.query!r}")
    else:
        for f in found:
            _say(format_found(f))
    return 0


def _stats(args) -> int:
    from .stats import format_stats, stats

    rows = stats(_set(args))
    if args.format == "json":
        print(dumps([r.as_dict() for r in rows], indent=2))
    else:
        _say(format_stats(rows, verbose=args.verbose), multiline=True)
    return 0


def _add(args) -> int:
    from .edit import AddError, NewEntry, add_entry

    new = NewEntry(
        id=args.entry_id,
        preferred={lang: getattr(args, lang) for lang in ("ko", "en", "zh") if getattr(args, lang)},
        avoid=args.avoid,
        reason=args.reason,
        sources=args.source,
        notes=args.note,
        message=args.message,
        suggestion=args.suggestion,
        rule=args.rule,
        platforms=args.platform,
        kinds=args.kind,
        lemmas=args.lemmas,
        must_flag=args.flag,
        expect=args.expect,
        must_pass=args.must_pass,
    )
    try:
        result = add_entry(args.file, new, platforms=tuple(_known(args)), dry_run=args.dry_run)
    except AddError as exc:
        _say(f"replydesk: {args.file}: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        _say(note)
    for problem in result.problems:
        _say(problem, file=sys.stderr)
    if not result.ok:
        _say(f"not added: {args.file} is unchanged", file=sys.stderr)
        return 1
    _say(f"{'would add' if args.dry_run else 'added'} {args.file.stem}:{args.entry_id} to {args.file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m replydesk.linting.glossary.cli check`) until the main CLI registers us."""
    parser = argparse.ArgumentParser(prog="replydesk")
    sub = parser.add_subparsers(dest="command")
    add_glossary_parser(sub)
    args = parser.parse_args(["glossary", *(sys.argv[1:] if argv is None else argv)])
    return run_glossary(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
