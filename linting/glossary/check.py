"""`replydesk glossary check`: everything that can be wrong with glossary files, before CI finds out.

Schema errors (with file:line:col), duplicate entries within and across
files, conflicts (a form one entry prefers and another flags, for the same
platform), regexes that are invalid or backtrack catastrophically, every
self-test, rule codes and scopes the linter does not know. Errors fail the
check; warnings fail it only with --strict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import regexcheck
from .glossary_set import GlossarySet
from .matcher import collector_paused
from .loader import read_files
from .model import NEAR_MISS_RULE, TERM_RULE, Entry, Problem
from .scripts import normalize_form
from .selftest import run_self_tests


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    entries: int = 0
    tests: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def summary(self) -> str:
        return (
            f"{self.errors} error(s), {self.warnings} warning(s) in {self.files} file(s): "
            f"{self.entries} entries, {self.tests} self-tests"
        )

    def as_dict(self) -> dict:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "summary": {
                "errors": self.errors,
                "warnings": self.warnings,
                "files": self.files,
                "entries": self.entries,
                "self_tests": self.tests,
            },
        }


def check_files(
    paths: list[Path],
    *,
    kinds_by_platform: dict[str, set[str]] | None = None,
    rule_codes: set[str] | None = None,
    probe_regexes: bool = True,
) -> CheckReport:
    """Check glossary files together (duplicates and conflicts are looked for across all of them).

    The cyclic collector is paused meanwhile: a large check keeps hundreds of thousands of
    objects alive (entries, positions, the compiled set) and creates no cyclic garbage, so
    each automatic collection only re-scanned them (a third of a 100,000-entry check).
    """
    with collector_paused():
        return _check_files(paths, kinds_by_platform, rule_codes, probe_regexes)


def _check_files(paths, kinds_by_platform, rule_codes, probe_regexes) -> CheckReport:
    platforms = tuple(sorted(kinds_by_platform)) if kinds_by_platform else ()
    files, morph, problems = read_files(paths, platforms)
    report = CheckReport(list(problems), files=len(paths))
    gs = GlossarySet(files, morph)
    report.entries = len(gs.entries)
    report.problems += _duplicates(gs)
    report.problems += _conflicts(gs, platforms)
    if probe_regexes:
        report.problems += _slow_regexes(gs)
    if kinds_by_platform:
        report.problems += _scopes(gs, kinds_by_platform)
    if rule_codes is not None:
        report.problems += _rule_codes(gs, rule_codes)
    report.problems += _untested(gs)
    run = run_self_tests(gs)
    report.problems += run.problems
    report.tests = run.tests
    report.problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0, p.check))
    return report


def _problem(entry: Entry, keys: tuple, message: str, check: str, severity: str = "error") -> Problem:
    line, col = entry.file.locate(keys)
    return Problem(str(entry.file.path), line, col, message, check, severity, entry.qualified_id)


def _where(entry: Entry, keys: tuple) -> str:
    line, _ = entry.file.locate(keys)
    return f"{entry.file.path.name}:{line}" if line else entry.file.path.name


def _overlap(a: Entry, b: Entry) -> bool:
    platforms = a.platforms is None or b.platforms is None or bool(a.platforms & b.platforms)
    kinds = a.kinds is None or b.kinds is None or bool(a.kinds & b.kinds)
    return platforms and kinds


def _duplicates(gs: GlossarySet) -> list[Problem]:
    """The same avoided form twice, or two term entries sharing a preferred form, where scopes overlap."""
    out: list[Problem] = []
    avoided: dict[tuple, list] = {}
    preferred: dict[tuple, list] = {}
    for entry in gs.entries:
        if entry.use == "templates":
            continue
        for avoid in entry.avoid:
            key = (avoid.lang, avoid.form if avoid.pattern else normalize_form(avoid.form, entry.case_sensitive))
            for other, other_keys in avoided.get(key, ()):
                if other is not entry and _overlap(entry, other):
                    out.append(_problem(entry, avoid.keys,
                        f"'{avoid.form}' is already flagged by {other.qualified_id} ({_where(other, other_keys)})",
                        "duplicate"))
                    break
            avoided.setdefault(key, []).append((entry, avoid.keys))
        if entry.use != "terms":
            continue
        for lang, form in entry.all_preferred():
            key = (lang, normalize_form(form, entry.case_sensitive))
            for other in preferred.get(key, ()):
                if other is not entry and _overlap(entry, other):
                    out.append(_problem(entry, entry.keys + (lang,),
                        f"preferred {lang} form '{form}' is also the term of {other.qualified_id} "
                        f"({_where(other, other.keys)}): merge the entries or narrow their scope",
                        "duplicate"))
                    break
            preferred.setdefault(key, []).append(entry)
    return out


def _conflicts(gs: GlossarySet, platforms: tuple[str, ...]) -> list[Problem]:
    """A preferred form (or a form in it) that another entry flags on a platform both apply to."""
    out: list[Problem] = []
    everywhere = platforms or ("general",)
    for entry in gs.entries:
        if entry.use == "templates":
            continue
        seen: set[tuple] = set()
        for lang, form in entry.all_preferred():
            kinds = sorted(entry.kinds) if entry.kinds else ["general"]
            for platform in sorted(entry.platforms) if entry.platforms else everywhere:
                for kind in kinds:
                    for hit in gs.scan(form, platform=platform, kind=kind):
                        if hit.entry == entry.qualified_id or hit.rule == NEAR_MISS_RULE:
                            continue
                        key = (lang, form, hit.entry)
                        if key in seen:
                            continue
                        seen.add(key)
                        other = gs.entry(hit.entry)
                        flagged = form[hit.start:hit.end]
                        out.append(_problem(entry, entry.keys + (lang,),
                            f"preferred form '{form}' is flagged by {hit.entry} as '{flagged}' "
                            f"({_where(other, other.keys) if other else '?'}, on {platform})",
                            "conflict"))
    return out


def _slow_regexes(gs: GlossarySet) -> list[Problem]:
    """Each regex form run on adversarial inputs, with the flags the matcher uses (a second opinion
    after the static check the loader applies)."""
    out = []
    for entry in gs.entries:
        for avoid in entry.avoid:
            if avoid.pattern:
                slow = regexcheck.probe(avoid.form, flags=0 if entry.case_sensitive else re.IGNORECASE)
                if slow:
                    out.append(_problem(entry, avoid.keys, f"regex '{avoid.form}' {slow}", "regex"))
    return out


def _scopes(gs: GlossarySet, kinds_by_platform: dict[str, set[str]]) -> list[Problem]:
    out = []
    all_kinds = set().union(*kinds_by_platform.values())
    for entry in gs.entries:
        for kind in sorted(entry.kinds or ()):
            if kind not in all_kinds:
                out.append(_problem(entry, entry.keys + ("scope", "kinds"),
                    f"unknown kind '{kind}' (known: {', '.join(sorted(all_kinds))})", "scope"))
        for test in (*entry.must_flag, *entry.must_pass):
            if test.platform and test.platform not in kinds_by_platform:
                out.append(_problem(entry, test.keys[:-1] + ("platform",), f"unknown platform '{test.platform}'", "scope"))
            if test.kind and test.kind not in all_kinds:
                out.append(_problem(entry, test.keys[:-1] + ("kind",), f"unknown kind '{test.kind}'", "scope"))
    return out


def _rule_codes(gs: GlossarySet, codes: set[str]) -> list[Problem]:
    out = []
    reported: set[tuple] = set()
    for entry in gs.entries:
        if entry.use == "templates" or entry.rule in codes or entry.rule in (TERM_RULE, NEAR_MISS_RULE):
            continue
        key = (str(entry.file.path), entry.rule)
        if key in reported:
            continue
        reported.add(key)
        keys = ("glossary", "rule") if entry.rule == entry.file.rule else entry.keys + ("rule",)
        out.append(_problem(entry, keys,
            f"rule {entry.rule} is not a registered rule of the words check (linting/rules/*.toml), so the linter drops these hits", "rule", "warning"))
    return out


def _untested(gs: GlossarySet) -> list[Problem]:
    out = []
    for entry in gs.entries:
        if entry.use == "templates":
            continue
        missing = [k for k, tests in (("must_flag", entry.must_flag), ("must_pass", entry.must_pass)) if not tests]
        if missing:
            out.append(_problem(entry, entry.keys, f"{entry.qualified_id} has no {' and no '.join(missing)} tests",
                                "self-test", "warning"))
    return out
