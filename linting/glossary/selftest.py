"""Entries that test themselves (prh `specs`, LanguageTool `<example>`).

A must_flag text marks the spans this entry must flag with [ and ]; the
entry must flag exactly those spans, offer the stated suggestion and,
when `fixed` is given, its fixes must turn the text into `fixed`. A
must_pass text must get no hit from the entry. Tests run against the whole
glossary set, as drafts are, so a longer form of another entry that hides
this one shows up as a failure.
"""
from __future__ import annotations

from dataclasses import dataclass

from .glossary_set import GlossarySet
from .model import Entry, Problem, TermHit


@dataclass(frozen=True)
class SelfTestRun:
    problems: list[Problem]
    tests: int


def apply_replacements(text: str, hits: list[TermHit]) -> str:
    """Apply the hits' fixes right to left, skipping overlaps (what `lint --fix` does with them)."""
    out = text
    last_start = len(text) + 1
    spans = []
    for h in hits:
        if h.replacement is None:
            continue
        start = h.fix_start if h.fix_start is not None else h.start
        end = h.fix_end if h.fix_end is not None else h.end
        spans.append((start, end, h.replacement))
    for start, end, repl in sorted(spans, reverse=True):
        if end > last_start:
            continue
        out = out[:start] + repl + out[end:]
        last_start = start
    return out


def run_entry_tests(gs: GlossarySet, entry: Entry) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    path = str(entry.file.path)
    qid = entry.qualified_id

    def fail(keys: tuple, message: str) -> None:
        line, col = entry.file.locate(keys)
        problems.append(Problem(path, line, col, f"{qid}: {message}", "self-test", "error", qid))

    count = 0
    for n, test in enumerate(entry.must_flag, start=1):
        count += 1
        text = test.plain
        platform = test.platform or entry.default_platform()
        kind = test.kind or entry.default_kind()
        hits = [h for h in gs.scan(text, platform=platform, kind=kind) if h.entry == qid]
        got = {(h.start, h.end): h for h in hits}
        where = f"must_flag {n} ({platform}/{kind})"
        for start, end in test.spans:
            hit = got.get((start, end))
            if hit is None:
                others = ", ".join(f"'{text[s:e]}'" for s, e in got) or "nothing"
                fail(test.keys, f"{where}: '{text[start:end]}' was not flagged (flagged: {others})")
                continue
            if test.suggestion is not None and hit.suggestion != test.suggestion:
                fail(test.keys, f"{where}: suggestion for '{text[start:end]}' is {hit.suggestion!r}, expected {test.suggestion!r}")
            elif test.suggestion is None and hit.suggestion and hit.suggestion != entry.suggestion:
                # A suggestion computed from the entry's forms must be pinned; a word list's fixed advice need not.
                fail(test.keys, f"{where}: state the expected suggestion (suggestion = {hit.suggestion!r})")
        for span in got:
            if span not in test.spans:
                fail(test.keys, f"{where}: also flagged '{text[span[0]:span[1]]}', which is not marked")
        if test.fixed is not None:
            fixed = apply_replacements(text, hits)
            if fixed != test.fixed:
                fail(test.keys, f"{where}: fixes give {fixed!r}, expected {test.fixed!r}")
    for n, test in enumerate(entry.must_pass, start=1):
        count += 1
        platform = test.platform or entry.default_platform()
        kind = test.kind or entry.default_kind()
        hits = [h for h in gs.scan(test.text, platform=platform, kind=kind) if h.entry == qid]
        if hits:
            flagged = ", ".join(f"'{test.text[h.start:h.end]}'" for h in hits)
            fail(test.keys, f"must_pass {n} ({platform}/{kind}): flagged {flagged}")
    return problems, count


def run_self_tests(gs: GlossarySet, entries: list[Entry] | None = None) -> SelfTestRun:
    """Run every entry's must_flag and must_pass tests; one problem per failure."""
    problems: list[Problem] = []
    total = 0
    for entry in entries if entries is not None else gs.entries:
        found, count = run_entry_tests(gs, entry)
        problems.extend(found)
        total += count
    return SelfTestRun(problems, total)
