"""Glossary terms for the desk's read-only glossary screen, and their fuzzy search.

The glossary subsystem (`replydesk.linting.glossary`) owns the term files;
this module only flattens whatever entries it exposes into rows of
(Korean, English, Chinese, avoid, note) and searches them across all three
languages with rapidfuzz.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process


@dataclass(frozen=True)
class TermRow:
    ko: str
    en: str
    zh: str
    avoid: str  # known wrong renderings
    note: str
    source: str = ""

    @property
    def haystack(self) -> str:
        return f"{self.ko} {self.en} {self.zh} {self.avoid} {self.note}".lower()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_text(v) for v in value if _text(v))
    return str(value)


def _field(entry, *names) -> str:
    for name in names:
        value = entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        if value:
            return _text(value)
    return ""


def row_from_entry(entry, source: str = "") -> TermRow:
    """Duck-typed: works with dataclass entries or plain mappings from the term files."""
    return TermRow(
        ko=_field(entry, "ko", "korean"),
        en=_field(entry, "en", "english", "preferred", "term"),
        zh=_field(entry, "zh", "chinese"),
        avoid=_field(entry, "avoid", "wrong", "mistranslations", "pitfalls", "forbidden"),
        note=_field(entry, "note", "notes", "why", "description"),
        source=source or _field(entry, "source", "path"),
    )


def load_term_rows(dirs=None) -> tuple[list[TermRow], str | None]:
    """All glossary entries as rows, or ([], reason) when the glossary cannot be read."""
    try:
        from replydesk.linting import glossary as glossary_module
        from replydesk.linting.loading import builtin_glossary_dir
    except ImportError as exc:  # pragma: no cover - the package is part of the project
        return [], f"glossary unavailable: {exc}"
    folders = tuple(dirs) if dirs else (builtin_glossary_dir(),)
    try:
        gset = glossary_module.load_glossary_set(folders)
    except Exception as exc:  # a broken term file must not take the desk down
        return [], f"glossary could not be loaded: {exc}"
    entries = None
    for attr in ("entries", "terms", "all_entries"):
        value = getattr(gset, attr, None)
        if value is not None:
            entries = value() if callable(value) else value
            break
    if entries is None:
        return [], "the glossary has no term entries yet"
    rows = [row_from_entry(e) for e in entries]
    rows = [r for r in rows if r.ko or r.en or r.zh]
    rows.sort(key=lambda r: (r.en.lower(), r.ko))
    return rows, None if rows else "the glossary has no term entries yet"


def search_terms(query: str, rows: list[TermRow], limit: int = 200) -> list[TermRow]:
    """Best matches first; an empty query lists everything. Hangul and Han match by substring too."""
    query = query.strip().lower()
    if not query:
        return rows[:limit] if limit else rows
    exact = [r for r in rows if query in r.haystack]
    if len(query) <= 1:
        return exact[:limit]
    hits = process.extract(query, [r.haystack for r in rows], scorer=fuzz.partial_ratio, score_cutoff=70, limit=limit)
    seen = {id(r) for r in exact}
    ordered = list(exact)
    for _choice, _score, index in hits:
        row = rows[index]
        if id(row) not in seen:
            seen.add(id(row))
            ordered.append(row)
    return ordered[:limit]
