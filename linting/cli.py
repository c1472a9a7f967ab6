"""Command line: `replydesk lint | rules | explain | glossary`.

Conventions follow ruff: `path:line:col: CODE message`, exit 0 (no
findings at or above the threshold), 1 (findings), 2 (usage or input
errors). A file that cannot be read or parsed is reported on one line and
the other files are still linted.

Everything printed that came from outside (file names, drafts, case and
pack strings) passes through `display.visible_controls` on its way to a
terminal or CI log; input is read only from regular files and only up to
the draft size limit, so no input can hang the linter or fill its memory.
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from .atomicfile import FileChangedError, FileSnapshot, atomic_write_text
from .casefile import load_case_context
from .context import CaseContext, ContextError, context_from_mapping
from .display import visible_controls
from .document import MAX_DRAFT_BYTES, DraftError, parse_draft, too_long
from .findings import Severity
from .fixer import apply_fixes
from .positions import TextPositions
from .reporters import FileReport
from .tomldata import DataFileError, read_regular_file, utf8_text

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DRAFT_SUFFIXES = (".txt", ".md", ".draft")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".hypothesis", ".pytest_cache"}


class UsageError(Exception):
    pass


def _count(value: str) -> int:
    """A non-negative whole number for --jobs and --max-findings-per-rule."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {n}")
    return n


def _codes(value: str) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in value.split(",") if c.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replydesk",
        description="Lint replies to marketplace platform notices; bare `replydesk` opens the operator desk.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = sub.add_parser("lint", help="lint draft replies", description="Lint draft replies (files, directories, or - for stdin).")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="draft files or directories (recursively), or - for stdin")
    lint.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    lint.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable (default: ALL)")
    lint.add_argument("--extend-select", type=_codes, default=frozenset(), help="codes to enable on top of the config's selection")
    lint.add_argument("--ignore", type=_codes, default=frozenset(), help="comma-separated codes or prefixes to disable")
    lint.add_argument("--config", type=Path, help="config file (default: replydesk.toml or [tool.replydesk] found upward)")
    lint.add_argument("--platform", help="platform pack (overrides front matter)")
    lint.add_argument("--kind", help="case kind (overrides front matter)")
    lint.add_argument("--case", type=Path, metavar="FILE", help="case JSON file giving the context (overrides front matter)")
    lint.add_argument("--fix", action="store_true", help="apply safe fixes in place (atomically)")
    lint.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply fixes that change facts (IDs)")
    lint.add_argument("--fail-on", choices=("error", "warning", "info"), help="lowest severity that makes the exit code 1 (default: error)")
    lint.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    lint.add_argument("--show-ignored", action="store_true",
                      help="also list the findings the draft's or case's `ignore` silenced, with the reason, and entries that silenced nothing")
    lint.add_argument("--statistics", action="store_true", help="print counts per rule instead of each finding")
    lint.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    lint.add_argument("--jobs", "-j", type=_count, default=0, help="worker processes for large batches (default and most: one per CPU)")
    lint.add_argument("--max-findings-per-rule", type=_count, metavar="N",
                      help="report at most N findings of each rule per draft and count the rest (default: 100 or the config's; 0: no cap)")

    rules = sub.add_parser("rules", help="list every rule", description="List every rule: code, category, severity, summary.")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help="markdown: the README's rule table")

    explain = sub.add_parser("explain", help="explain a rule", description="Explain why a rule exists, with its tested examples and references.")
    explain.add_argument("code", nargs="?")
    explain.add_argument("--reference", metavar="NAME", help="print a reference page that rules cite")

    try:
        from .glossary.cli import add_glossary_parser
    except ImportError:  # the glossary tooling is optional for the core
        pass
    else:
        add_glossary_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "lint":
            return run_lint(args)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "explain":
            return run_explain(args)
        if args.command == "glossary":
            from .glossary.cli import run_glossary

            return run_glossary(args)
    except UsageError as exc:
        print(f"replydesk: error: {visible_controls(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `replydesk rules | head`: the reader left; exit quietly like other CLI tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    parser.print_help()
    return EXIT_OK


# --- lint ------------------------------------------------------------------------

def _collect(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Files to lint, and (path, error) for paths that do not exist or cannot be read.

    A directory that cannot be listed is an error, not an empty directory:
    otherwise `lint queue/` on a queue the user may not read says "All
    checks passed". Special files found in a walk are collected like any
    other and refused when read ("not a regular file").
    """
    files: list[str] = []
    problems: list[tuple[str, str]] = []

    def unreadable(exc: OSError) -> None:
        problems.append((exc.filename or "?", f"cannot read directory: {exc.strerror or exc}"))

    for raw in paths:
        if raw == "-":
            files.append("-")
            continue
        try:
            st = os.stat(raw)
        except FileNotFoundError:
            problems.append((raw, "no such file or directory"))
            continue
        except PermissionError as exc:  # a directory on the way cannot be searched
            problems.append((raw, f"cannot read directory: {exc.strerror}"))
            continue
        except OSError as exc:
            problems.append((raw, f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            for root, dirs, names in os.walk(raw, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(names):
                    if name.endswith(DRAFT_SUFFIXES) and not name.startswith("."):
                        files.append(os.path.join(root, name))
        else:
            files.append(raw)
    return files, problems


def case_file_for(path: Path) -> Path | None:
    """A queue draft `<queue>/drafts/<id>.txt` takes its context from `<queue>/cases/<id>.json`."""
    if path.parent.name != "drafts":
        return None
    candidate = path.parent.parent / "cases" / (path.stem + ".json")
    try:
        return candidate if stat.S_ISREG(os.stat(candidate).st_mode) else None
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # the cases directory cannot be searched: linting without the case would mislead
        raise DataFileError(candidate, None, f"cannot read directory: {exc.strerror or exc}") from None


PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves
CHUNK_FILES = 40  # files per unit of work sent to a worker


def _can_fork() -> bool:
    return hasattr(os, "fork")


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask, as taskset or a container sets it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _warn(message: str) -> None:
    print(f"replydesk: warning: {message}", file=sys.stderr)


def _lint_parallel(job: "_LintJob", files: list[str], jobs: int) -> list:
    """Lint in forked helpers that inherit the compiled linter, this process working too
    (see `parallel.map_forked`); each report comes back already rendered. Helpers that
    cannot be forked are warned about and their share is linted here."""
    from .parallel import map_forked

    return map_forked(job, files, jobs, chunk_size=CHUNK_FILES, warn=_warn)


class _LintJob:
    """Lints one path (or stdin) into a settled FileReport (rendered in the output format).

    Serial and parallel runs share it, so their output is the same.
    """

    def __init__(self, linter, case_ctx, flags, fix: bool, unsafe: bool, fmt: str = "text", color: bool = False,
                 show_ignored: bool = False):
        self.linter = linter
        self.case_ctx = case_ctx
        self.flags = flags
        # The follow-up rules' "now" (a draft's `drafted_at` pins another), read once per run.
        self.now = datetime.now(timezone.utc)
        self.fix = fix
        self.unsafe = unsafe
        self.fmt = fmt
        self.color = color
        self.show_ignored = show_ignored

    def __call__(self, name: str):
        return self.lint(name).settle(self.fmt, self.linter.rules, color=self.color)

    def lint(self, name: str):
        linter = self.linter
        snapshot = None
        if name == "-":
            # A pipe may never end (`lint - < /dev/zero`): read one byte past the limit at most.
            raw = sys.stdin.buffer.read(MAX_DRAFT_BYTES + 1)
            path = None
        else:
            path = name
            try:
                raw, st = read_regular_file(name, MAX_DRAFT_BYTES)
            except DataFileError as exc:
                return FileReport(name, error=exc.message, error_line=exc.line)
            if self.fix:
                snapshot = FileSnapshot.of(name, raw, st)
        if len(raw) > MAX_DRAFT_BYTES:
            return FileReport(name, error=too_long(f"over {MAX_DRAFT_BYTES:,} bytes"))
        try:
            text = utf8_text(name, raw)
        except DataFileError as exc:
            return FileReport(name, error=exc.message, error_line=exc.line)
        del raw
        ctx_override = self.case_ctx
        if ctx_override is None and path is not None and os.path.basename(os.path.dirname(path)) == "drafts":
            try:
                case_path = case_file_for(Path(path))
                if case_path is not None:
                    ctx_override = load_case_context(case_path)
            except DataFileError as exc:
                return FileReport(name, error=str(exc))
        try:
            result = linter.lint_text(text, ctx_override, now=self.now, **self.flags)
        except DraftError as exc:
            return FileReport(name, error=exc.message, error_line=exc.line)
        except ContextError as exc:
            draft = parse_draft(text)  # parsed, or lint_text would have raised DraftError
            # The line of the key in the front matter (the one locator of every data file), if it is written there.
            line = TextPositions(draft.text[: draft.body_start]).locate(exc.keys, exact=True)[0] if draft.front_matter else None
            return FileReport(name, error=f"{exc.key}: {exc.message}", error_line=line)
        draft, findings, omitted = result.draft, result.findings, result.omitted
        fixed = 0
        if self.fix and path is not None and any(f.fix for f in findings):
            new_text, fixed = apply_fixes(draft.text, findings, unsafe=self.unsafe)
            if fixed:
                try:
                    # Only if nobody wrote the file since we read it: their text is newer than our fix.
                    # A draft that is a symlink is fixed where it points (the link stays a link),
                    # as an editor would save it; the rename itself never follows a link.
                    target = os.path.realpath(path)
                    atomic_write_text(Path(target), new_text, before_replace=lambda: snapshot.check(target))
                except FileChangedError:
                    return FileReport(name, error="changed while fixing; not written")
                except OSError as exc:
                    return FileReport(name, error=f"cannot write fixes: {exc.strerror or exc}")
                result = linter.lint_text(new_text, ctx_override, now=self.now, **self.flags)
                draft, findings, omitted = result.draft, result.findings, result.omitted
        report = FileReport(name, draft=draft, findings=findings, fixed=fixed, omitted=omitted)
        if self.show_ignored:
            report.suppressed = result.suppressed
            report.suppressed_omitted = result.suppressed_omitted
            report.unused_ignores = result.unused_ignores
            report.ignores_in_draft = frozenset(context_from_mapping(draft.front_matter).ignore) if draft.front_matter else frozenset()
        return report


def run_lint(args) -> int:
    from dataclasses import replace

    from .config import load_config
    from .engine import Linter
    from .loading import load_resources
    from .reporters import FileReport, render, tally_of
    from .tomldata import DataFileError

    try:
        config = load_config(args.config) if args.config else load_config()
    except DataFileError as exc:
        raise UsageError(f"config: {exc}") from None
    # The command line over the configuration: one Settings, its fields replaced where a flag is given.
    settings = config.settings
    settings = replace(
        settings,
        select=(args.select if args.select is not None else settings.select) | args.extend_select,
        ignore=settings.ignore | args.ignore,
        fail_on=Severity.parse(args.fail_on) if args.fail_on else settings.fail_on,
        max_findings_per_rule=(
            settings.max_findings_per_rule if args.max_findings_per_rule is None else args.max_findings_per_rule
        ),
    )
    try:
        resources = load_resources(config)
    except DataFileError as exc:
        raise UsageError(str(exc)) from None
    linter = Linter(resources, settings)
    # Packs and glossaries live as long as the process: keep them out of every
    # garbage-collector pass (and shared copy-on-write with forked workers).
    import gc

    gc.freeze()
    unknown = [c for c in (settings.select | settings.ignore) if c != "ALL" and not any(r.startswith(c) for r in linter.rules)]
    if unknown:
        raise UsageError(f"unknown rule code or prefix: {', '.join(sorted(unknown))} (see `replydesk rules`)")

    flags = {"platform": args.platform.lower() if args.platform else None, "kind": args.kind.lower() if args.kind else None}
    case_ctx = None
    if args.case:
        try:
            case_ctx = load_case_context(args.case)
        except DataFileError as exc:
            raise UsageError(str(exc)) from None
    if flags["platform"]:  # said once for the run, in the engine's words, not once per file
        try:
            linter.check_context(CaseContext(platform=flags["platform"]))
        except ContextError as exc:
            raise UsageError(exc.message) from None

    files, missing = _collect(args.paths)
    if args.fix and "-" in files:
        raise UsageError("--fix cannot rewrite stdin; lint a file instead")
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )
    job = _LintJob(linter, case_ctx, flags, args.fix, args.unsafe_fixes, args.format, color, args.show_ignored)
    reports: list[FileReport] = [FileReport(path=p, error=msg) for p, msg in missing]
    cpus = cpu_count()
    jobs = args.jobs or cpus
    if jobs > cpus:  # more processes than CPUs only compete for them (and -j 500 would fork 499)
        print(f"replydesk: -j {jobs} capped at {cpus} (the number of CPUs)", file=sys.stderr)
        jobs = cpus
    if jobs > 1 and len(files) >= PARALLEL_MIN_FILES and "-" not in files and _can_fork():
        linter.warm()  # lazy tables are built once here, not once per worker
        reports.extend(_lint_parallel(job, files, jobs))
    else:
        reports.extend(job(name) for name in files)

    tally = tally_of(reports)
    if args.statistics and args.format == "text":
        out = _statistics(reports, tally, linter.rules)
    else:
        out = render(args.format, reports, linter.rules, color=color, summary=not args.quiet)
    if out:
        print(out)
    if any(r.error for r in reports):
        return EXIT_ERROR
    worst = tally.worst
    return EXIT_FINDINGS if worst is not None and worst >= settings.fail_on else EXIT_OK


def _statistics(reports, tally, rules) -> str:
    counts = Counter({code: n for code, (n, _) in tally.rules.items()})
    lines = []
    for code, n in counts.most_common():
        info = rules.get(code)
        mark = "[*]" if tally.rules[code][1] else "   "
        lines.append(f"{n:5d}\t{code:<8}\t{mark} {visible_controls(info.summary) if info else ''}")
    errors = [r for r in reports if r.error]
    for r in errors:
        where = visible_controls(r.path) + (f":{r.error_line}" if r.error_line else "")
        lines.append(f"{where}: error: {visible_controls(r.error)}")
    return "\n".join(lines)


# --- rules / explain ---------------------------------------------------------------

def run_rules(args) -> int:
    from .registry import all_rules, rules_markdown

    rules = all_rules()
    if args.format == "markdown":
        print(rules_markdown())
        return EXIT_OK
    if args.format == "json":
        from .reporters import dumps

        print(dumps([
            {"code": r.code, "category": r.category, "severity": r.severity.label, "summary": r.summary, "fixable": r.fixable}
            for r in rules.values()
        ], indent=2))
        return EXIT_OK
    print(f"{'CODE':<8} {'CATEGORY':<10} {'SEVERITY':<8} FIX SUMMARY")
    for r in rules.values():
        print(f"{r.code:<8} {r.category:<10} {r.severity.label:<8} {'[*]' if r.fixable else '   '} {visible_controls(r.summary)}")
    return EXIT_OK


def run_explain(args) -> int:
    from .explain import explain_text
    from .registry import all_rules, reference_names, reference_path

    if args.reference is not None:
        page = reference_path(args.reference)
        if page is None:
            raise UsageError(f"unknown reference {args.reference!r} (known: {', '.join(reference_names())})")
        print(page.read_text(encoding="utf-8"), end="")
        return EXIT_OK
    if args.code is None:
        raise UsageError("explain needs a rule code (or --reference NAME)")
    rules = all_rules()
    code = args.code.strip().upper()
    if code not in rules:
        near = [c for c in rules if c.startswith(code[:3])] or list(rules)
        raise UsageError(f"unknown rule {args.code!r} (known: {', '.join(near)})")
    # Rule texts and examples come from data files anyone with a pack directory can write.
    print(visible_controls(explain_text(code), keep_newlines=True))
    return EXIT_OK
