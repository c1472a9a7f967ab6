"""`replydesk glossary add`: append an entry from flags, keeping the file's comments and layout.

The new file text is built with tomlkit, validated (schema, duplicates
against the same directory, the new entry's self-tests) and only then
swapped in with an atomic rename, so a failed add never leaves a broken
or half-written file behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import tomlkit

from ..atomicfile import atomic_write_text
from ..tomldata import TomlDocument, TomlSyntaxError, loads_toml, read_text_file
from .glossary_set import GlossarySet
from .loader import particle_files, read_files
from .model import LANGUAGES, GlossaryFile, Problem
from .schema import parse_document
from .selftest import run_entry_tests


@dataclass
class NewEntry:
    id: str
    preferred: dict[str, list[str]] = field(default_factory=dict)
    avoid: list[str] = field(default_factory=list)
    reason: str = ""
    sources: list[str] = field(default_factory=list)
    notes: str = ""
    message: str = ""
    suggestion: str = ""
    rule: str = ""
    platforms: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    lemmas: bool = False
    must_flag: list[str] = field(default_factory=list)
    expect: str | None = None  # expected suggestion for every must_flag text
    must_pass: list[str] = field(default_factory=list)


@dataclass
class AddResult:
    ok: bool
    problems: list[Problem]
    notes: list[str]


class AddError(Exception):
    pass


def entry_table(new: NewEntry) -> tomlkit.items.Table:
    table = tomlkit.table()
    table.add("id", new.id)
    for lang in LANGUAGES:
        forms = new.preferred.get(lang)
        if forms:
            table.add(lang, forms[0] if len(forms) == 1 else forms)
    if new.reason:
        table.add("reason", new.reason)
    if new.message:
        table.add("message", new.message)
    if new.suggestion:
        table.add("suggestion", new.suggestion)
    if new.rule:
        table.add("rule", new.rule)
    if new.avoid:
        table.add("avoid", _multiline(new.avoid))
    if new.lemmas:
        table.add("lemmas", True)
    if new.platforms or new.kinds:
        scope = tomlkit.inline_table()
        if new.platforms:
            scope["platforms"] = new.platforms
        if new.kinds:
            scope["kinds"] = new.kinds
        table.add("scope", scope)
    if new.sources:
        table.add("sources", new.sources)
    if new.notes:
        table.add("notes", new.notes)
    if new.must_flag:
        tests = []
        for text in new.must_flag:
            item = tomlkit.inline_table()
            item["text"] = text
            if new.expect is not None:
                item["suggestion"] = new.expect
            tests.append(item)
        table.add("must_flag", _multiline(tests))
    if new.must_pass:
        table.add("must_pass", _multiline(new.must_pass))
    return table


def _multiline(items: list) -> tomlkit.items.Array:
    arr = tomlkit.array()
    for item in items:
        arr.append(item)
    arr.multiline(True)
    return arr


def render(original: str, new: NewEntry) -> str:
    """The file text with the new [[entry]] appended; everything already there is kept byte for byte."""
    try:
        doc = tomlkit.parse(original)
    except Exception as exc:  # tomlkit raises several parse error types
        raise AddError(f"cannot parse the file: {exc}") from None
    table = entry_table(new)
    if "entry" in doc:
        doc["entry"].append(table)
    else:
        aot = tomlkit.aot()
        aot.append(table)
        doc.add("entry", aot)
    text = tomlkit.dumps(doc)
    if not text.startswith(original):
        # tomlkit keeps existing text; if it ever re-flowed it, refuse rather than rewrite the file.
        raise AddError("refusing to rewrite existing content of the file")
    added = text[len(original):]
    sep = "" if original.endswith("\n\n") or not original else ("\n" if original.endswith("\n") else "\n\n")
    return original + sep + added.lstrip("\n")


def text_with_entry(path: Path, original: str, new: NewEntry, *, platforms: tuple[str, ...] = ()) -> tuple[str, list[Problem]]:
    """The file's text with the new entry, validated as `add` validates it, and the problems
    that stop it (none: the text may be written). For an editor, which applies the text itself."""
    text, entry, gs, problems = _build(Path(path), original, new, platforms)
    if problems:
        return original, problems
    failures, _ = run_entry_tests(gs, entry)
    return (original, failures) if failures else (text, [])


def add_entry(path: Path, new: NewEntry, *, platforms: tuple[str, ...] = (), dry_run: bool = False) -> AddResult:
    """Validate the entry in place (schema, duplicates, self-tests) and write the file atomically."""
    path = Path(path)
    original = read_text_file(path)
    notes: list[str] = []
    text, entry, gs, problems = _build(path, original, new, platforms)
    if problems:
        return AddResult(False, problems, notes)
    if new.must_flag and new.expect is None:
        # Record the suggestion the entry gives, so that the test pins it from now on.
        observed = _observed_suggestion(gs, entry)
        if observed:
            new = replace(new, expect=observed)
            notes.append(f"recorded suggestion {observed!r} in the must_flag tests")
            text, entry, gs, problems = _build(path, original, new, platforms)
            if problems:
                return AddResult(False, problems, notes)
    failures, _ = run_entry_tests(gs, entry)
    if failures:
        return AddResult(False, failures, notes)
    if not dry_run:
        atomic_write_text(path, text)
    return AddResult(True, [], notes)


def _build(path: Path, original: str, new: NewEntry, platforms: tuple[str, ...]):
    """(new text, the new entry, the directory's glossary set with it, problems)."""
    text = render(original, new)
    try:
        data = loads_toml(text)
    except TomlSyntaxError as exc:  # pragma: no cover - tomlkit produced invalid TOML
        raise AddError(f"generated invalid TOML: {exc.message}") from None
    parsed, problems = parse_document(TomlDocument(path, text, data), platforms)
    problems = [p for p in problems if p.severity == "error"]
    if problems or not isinstance(parsed, GlossaryFile):
        return text, None, None, problems or [Problem(str(path), None, None, "not a glossary file", "schema")]
    entry = parsed.entries[-1]
    # The rest of the directory (other glossaries, particle lists), as the linter would load it.
    others = [p for p in sorted(path.parent.glob("*.toml")) if p.resolve() != path.resolve()]
    if not particle_files(others):
        from ..loading import builtin_glossary_dir

        others += particle_files(sorted(builtin_glossary_dir().glob("*.toml")))
    files, morph, _ = read_files(others, platforms)
    return text, entry, GlossarySet([parsed, *files], morph), []


def _observed_suggestion(gs: GlossarySet, entry) -> str | None:
    for test in entry.must_flag:
        hits = [
            h
            for h in gs.scan(test.plain, platform=test.platform or entry.default_platform(), kind=test.kind or entry.default_kind())
            if h.entry == entry.qualified_id and (h.start, h.end) in test.spans
        ]
        if hits and hits[0].suggestion:
            return hits[0].suggestion
    return None


__all__ = ["NewEntry", "AddResult", "AddError", "add_entry", "render"]
