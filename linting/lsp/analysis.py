"""What the language server knows about one open file, worked out without any LSP types.

A file is a draft (its name matches a draft glob), a glossary TOML file
(it has a `[glossary]` or `[particles]` table), the configuration
(`replydesk.toml`), or none of these. A draft is linted exactly as
`replydesk lint FILE` would lint it: the same `replydesk.toml` found
upward from the file, its packs and glossaries, and the queue's case file
when the draft is `QUEUE/drafts/<id>.txt`. What stops the linting (a
broken configuration, front matter or case file) is one `Problem` at the
line it concerns, never an exception.

Linters are kept per configuration file and rebuilt only when that file,
or a file in its pack or glossary folders, changes (`Projects`), so a
keystroke costs one lint, and adding a term to the glossary takes effect
on the next one.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePath

from typing import TYPE_CHECKING

from ..findings import Finding

if TYPE_CHECKING:
    from ..config import Config
    from ..context import Suppression
    from ..suppress import Suppressed

# The language server process imports this module for `kind_of` and the result types only; the
# linting modules are imported where they are used, in the linting process (worker.py).
CONFIG_NAME = "replydesk.toml"  # config.CONFIG_NAME, which tests/lsp checks this matches

DEFAULT_DRAFT_GLOBS = ("*.txt", "*.draft")
LOCAL_TERMS = "local-terms.toml"  # where "add this term to the glossary" writes, in the first glossary folder


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that is wrong with a file and is not a finding: placed at a 1-based line (None: the first)."""

    message: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"  # error, warning or info
    code: str = "replydesk"  # config, front-matter, case-file, or a glossary check's name


@dataclass
class Analysis:
    """The result for one version of one file.

    `shift`: what to add to a finding's offsets to place it in `text` (1
    when the file starts with a byte-order mark, which `parse_draft` drops).
    """

    kind: str  # "draft", "glossary", "config" or "other"
    text: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list["Suppressed"] = field(default_factory=list)
    unused_ignores: tuple["Suppression", ...] = ()
    problems: list[Problem] = field(default_factory=list)
    shift: int = 0
    body_start: int = 0
    case_file: Path | None = None  # a queue draft's case: its `ignore` is the case's, not the front matter's
    glossary_dir: Path | None = None  # the first configured glossary folder, or None
    config_path: Path | None = None
    rule_pages: dict[str, Path] = field(default_factory=dict)  # rule → its page (ruledocs), for the diagnostics' links


def is_draft(path: PurePath, globs: tuple[str, ...]) -> bool:
    """Whether the path matches a draft glob (`*.txt`; `drafts/*.txt`; matched from the right)."""
    return any(path.match(g) for g in globs)


def looks_like_glossary(text: str) -> bool:
    return any(line.strip().startswith(("[glossary]", "[particles]")) for line in text.splitlines()[:200])


def kind_of(path: PurePath, text: str, globs: tuple[str, ...]) -> str:
    if path.name == CONFIG_NAME:
        return "config"
    if path.suffix == ".toml" and looks_like_glossary(text):
        return "glossary"
    if is_draft(path, globs):
        return "draft"
    return "other"


# --- projects: one linter per configuration ---------------------------------------------------

def _stat_key(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path), st.st_mtime_ns, st.st_size)


def _folder_key(folder: Path) -> tuple:
    """The TOML files a pack or glossary folder holds (calendars included), with their times and sizes."""
    out = []
    for sub in (folder, folder / "calendars"):
        try:
            with os.scandir(sub) as it:
                for entry in it:
                    if entry.name.endswith(".toml"):
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        out.append((entry.path, st.st_mtime_ns, st.st_size))
        except OSError:
            continue
    return tuple(sorted(out))


@dataclass
class Project:
    config: "Config"
    linter: object  # engine.Linter
    stamp: tuple


class Projects:
    """Linters by configuration file (None: no configuration, the defaults)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._projects: dict[Path | None, Project] = {}

    def config_path_for(self, folder: Path) -> Path | None:
        from ..config import find_config

        found = find_config(folder)
        return None if found is None else found[0]

    def project_for(self, folder: Path) -> Project:
        """The project whose configuration governs files in `folder`; raises DataFileError when it is broken."""
        config_path = self.config_path_for(folder)
        with self._lock:
            project = self._projects.get(config_path)
            if project is not None and project.stamp == self._stamp(config_path, project.config):
                return project
            from ..config import Config, load_config
            from ..loading import build_linter

            config = load_config(config_path) if config_path is not None else Config()

            linter = build_linter(config)
            project = Project(config, linter, self._stamp(config_path, config))
            self._projects[config_path] = project
            return project

    def forget(self) -> None:
        """Drop every linter (a glossary or pack folder changed in a way the stamps cannot see)."""
        with self._lock:
            self._projects.clear()

    @staticmethod
    def _stamp(config_path: Path | None, config: "Config") -> tuple:
        return (
            _stat_key(config_path) if config_path is not None else None,
            tuple(_folder_key(d) for d in (*config.pack_dirs, *config.glossary_dirs)),
        )


# --- the analysis ------------------------------------------------------------------------------

def analyse(projects: Projects, path: Path, text: str, kind: str, *, now: datetime | None = None) -> Analysis:
    """Lint a draft, or check a configuration or glossary text; never raises for bad input."""
    if kind == "config":
        return _check_config(path, text)
    if kind == "glossary":
        return Analysis("glossary", text, problems=glossary_text_problems(path, text))
    if kind != "draft":
        return Analysis("other", text)
    return _lint_draft(projects, path, text, now or datetime.now(timezone.utc))


def _lint_draft(projects: Projects, path: Path, text: str, now: datetime) -> Analysis:
    from ..casefile import load_case_context
    from ..cli import case_file_for
    from ..context import CaseContext, ContextError
    from ..document import DraftError, parse_draft
    from ..positions import TextPositions
    from ..tomldata import DataFileError

    out = Analysis("draft", text, shift=1 if text.startswith("\ufeff") else 0)
    try:
        project = projects.project_for(path.parent)
    except DataFileError as exc:
        out.problems.append(Problem(
            f"{exc} — drafts under this configuration are not linted until it is fixed", None, None, "error", "config"))
        return out
    out.config_path = project.config.path
    out.glossary_dir = project.config.glossary_dirs[0] if project.config.glossary_dirs else None
    overrides: CaseContext | None = None
    try:
        case_path = case_file_for(path)
        if case_path is not None:
            overrides = load_case_context(case_path)
            out.case_file = case_path
    except DataFileError as exc:
        out.problems.append(Problem(f"case file {exc}", None, None, "error", "case-file"))
        return out
    linter = project.linter
    try:
        result = linter.lint_text(text, overrides, now=now)
    except DraftError as exc:
        out.problems.append(Problem(exc.message, exc.line, None, "error", "front-matter"))
        return out
    except ContextError as exc:
        draft = parse_draft(text)
        line = TextPositions(draft.text[: draft.body_start]).locate(exc.keys, exact=True)[0] if draft.front_matter else None
        out.problems.append(Problem(f"{exc.key}: {exc.message}", line, None, "error", "front-matter"))
        return out
    out.findings = result.findings
    from .ruledocs import rule_page

    for code in {f.rule for f in result.findings}:
        page = rule_page(code)
        if page is not None:
            out.rule_pages[code] = page
    out.suppressed = result.suppressed
    out.unused_ignores = result.unused_ignores
    out.body_start = result.draft.body_start
    for rule, n in result.omitted.items():
        out.problems.append(Problem(f"… and {n:,} more {rule} findings (max_findings_per_rule)", None, None, "info", rule))
    return out


def _check_config(path: Path, text: str) -> Analysis:
    from ..config import config_from_table
    from ..tomldata import DataFileError, TomlDocument, TomlSyntaxError, loads_toml

    out = Analysis("config", text)
    try:
        data = loads_toml(text)
        config_from_table(TomlDocument(path, text, data), data)
    except TomlSyntaxError as exc:
        out.problems.append(Problem(exc.message, exc.line, exc.column, "error", "config"))
    except DataFileError as exc:
        out.problems.append(Problem(exc.message, exc.line, exc.column, "error", "config"))
    return out


def glossary_text_problems(path: Path, text: str) -> list[Problem]:
    """The schema errors of a glossary file's text as it is in the editor (unsaved changes
    included): quick enough for every change. The full check (duplicates across files,
    self-tests, regex timing) runs on open and save: `glossary_check_problems`."""
    from ..glossary.schema import parse_document
    from ..tomldata import TomlDocument, TomlSyntaxError, loads_toml

    try:
        data = loads_toml(text)
    except TomlSyntaxError as exc:
        return [Problem(exc.message, exc.line, exc.column, "error", "schema")]
    _, problems = parse_document(TomlDocument(path, text, data), ())
    return [Problem(p.message, p.line, p.column, p.severity, p.check) for p in problems]


def glossary_check_problems(projects: Projects, path: Path) -> list[Problem]:
    """`replydesk glossary check FILE`'s problems for this file, as saved."""
    from ..config import Config, load_config
    from ..glossary.check import check_files
    from ..tomldata import DataFileError
    from ..glossary.loader import glossary_paths, particle_files
    from ..loading import builtin_glossary_dir, load_packs
    from ..registry import all_rules

    try:
        config_path = projects.config_path_for(path.parent)
        config = load_config(config_path) if config_path else Config()
        packs = load_packs(config.pack_dirs)
    except DataFileError as exc:
        return [Problem(f"{exc} — the glossary is not checked until the configuration is fixed", None, None, "error", "config")]
    paths = [path]
    if not particle_files(paths):
        paths += particle_files(glossary_paths((builtin_glossary_dir(), *config.glossary_dirs)))
    report = check_files(
        paths,
        kinds_by_platform={name: set(p.kinds) for name, p in packs.items()},
        rule_codes={code for code, info in all_rules().items() if info.check == "words"},
    )
    mine = str(path)
    resolved = str(path.resolve())
    return [Problem(p.message, p.line, p.column, p.severity, p.check)
            for p in report.problems if p.path in (mine, resolved)]


def explain(codes: tuple[str, ...]) -> dict[str, str]:
    """`replydesk explain` for each known rule, control characters made visible (for hover)."""
    from ..display import visible_controls
    from ..explain import explain_text

    out = {}
    for code in codes:
        try:
            out[code] = visible_controls(explain_text(code), keep_newlines=True)
        except KeyError:
            continue
    return out


# --- "add this term to the glossary" ------------------------------------------------------

class TermError(Exception):
    pass


def term_edit(projects: Projects, draft: Path, term: str, current: str | None = None) -> tuple[Path, str | None, str]:
    """(glossary file, its text now or None if new, its text with the term): validated like `glossary add`.

    `current`: the file's text as the editor holds it, when it is open there (unsaved changes included).
    """
    from ..glossary.edit import AddError, NewEntry, text_with_entry
    from ..tomldata import DataFileError, read_text_file

    try:
        project = projects.project_for(draft.parent)
    except DataFileError as exc:
        raise TermError(f"the configuration is broken: {exc}") from None
    if not project.config.glossary_dirs:
        raise TermError("no glossary folder is configured: add glossary_dirs to replydesk.toml")
    target = project.config.glossary_dirs[0] / LOCAL_TERMS
    original: str | None = current
    if original is None:
        try:
            original = read_text_file(target)
        except DataFileError:
            if target.exists():
                raise TermError(f"cannot read {target}") from None
            original = None
    base = original if original is not None else LOCAL_TERMS_HEADER
    slug = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-") or "term"
    taken = set(re.findall(r'(?m)^\s*id\s*=\s*"([^"]*)"', base))
    entry_id, n = slug, 2
    while entry_id in taken:
        entry_id, n = f"{slug}-{n}", n + 1
    lang = "en" if re.search(r"[A-Za-z]", term) else ("ko" if re.search(r"[\uac00-\ud7a3]", term) else "zh")
    new = NewEntry(id=entry_id, preferred={lang: [term]}, notes="added from the editor: a word the team uses, not a misspelling")
    try:
        text, problems = text_with_entry(target, base, new, platforms=tuple(project.linter.resources.packs))
    except AddError as exc:
        raise TermError(f"cannot add to {target}: {exc}") from None
    if problems:
        raise TermError(f"not added to {target}: {problems[0]}")
    return target, original, text


def write_term(target: Path, original: str | None, text: str) -> None:
    """Write the glossary file with the new entry, atomically, only if it still holds `original`
    (None: only if it still does not exist): someone's newer edit is never overwritten."""
    from ..atomicfile import atomic_write_text
    from ..tomldata import DataFileError, read_text_file

    def unchanged() -> None:
        try:
            now = read_text_file(target)
        except DataFileError:
            now = None if not target.exists() else "\0"
        if now != original:
            raise TermError(f"{target} changed meanwhile; nothing written (ask again)")

    unchanged()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text, before_replace=unchanged)


LOCAL_TERMS_HEADER = """\
# Words this team uses that are not misspellings (product names, brands, couriers).
# The language server's "Add … to the glossary" appends here; edit it like any glossary file.
[glossary]
name = "Local terms"
languages = ["en", "ko", "zh"]
"""
