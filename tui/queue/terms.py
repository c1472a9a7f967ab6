"""Glossary terms for the desk's read-only glossary screen, and their fuzzy search.

The glossary subsystem (`replydesk.linting.glossary`) owns the term files;
this module flattens its term entries into rows of (Korean, English,
Chinese, avoid, note) and searches them across all three languages with
rapidfuzz.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from replydesk.linting.glossary import Entry


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


def row_from_entry(entry: "Entry") -> TermRow:
    """One glossary term entry as a row of the glossary screen."""
    ko, en, zh = (", ".join(entry.preferred_in(lang)) for lang in ("ko", "en", "zh"))
    avoid = ", ".join(a.form for a in entry.avoid if not a.pattern)
    note = entry.notes or entry.reason or entry.message
    source = f"{entry.file.stem}.toml" + (f" ({', '.join(entry.sources)})" if entry.sources else "")
    return TermRow(ko=ko, en=en, zh=zh, avoid=avoid, note=note, source=source)


def load_term_rows(dirs=None) -> tuple[list[TermRow], str | None]:
    """All glossary term entries (not word lists or templates) as rows, or ([], reason)."""
    from replydesk.linting.glossary import load_glossary_set
    from replydesk.linting.loading import builtin_glossary_dir
    from replydesk.linting.tomldata import DataFileError

    folders = tuple(dirs) if dirs else (builtin_glossary_dir(),)
    try:
        gset = load_glossary_set(folders)
    except DataFileError as exc:  # a broken term file must not take the desk down
        return [], f"The glossary could not be loaded: {exc}"
    rows = [row_from_entry(e) for e in gset.entries if e.use == "terms"]
    rows = [r for r in rows if r.ko or r.en or r.zh]
    rows.sort(key=lambda r: (r.en.lower(), r.ko))
    return rows, None if rows else "The glossary has no term entries yet."


def _tier(query: str, row: TermRow) -> int | None:
    """0 exact term, 1 inside a term, 2 inside an avoided form, 3 inside the note; None = no substring."""
    terms = [f.strip().lower() for field in (row.ko, row.en, row.zh) for f in field.split(",")]
    if query in terms:
        return 0
    if any(query in t for t in terms):
        return 1
    if query in row.avoid.lower():
        return 2
    if query in row.note.lower():
        return 3
    return None


def search_terms(query: str, rows: list[TermRow], limit: int = 200) -> list[TermRow]:
    """Best matches first: the term itself, then avoided forms and notes, then fuzzy (typos) matches.

    An empty query lists everything. Hangul and Han match as substrings too,
    so 배송 finds 배송지연 and 运单 finds 运单号.
    """
    query = query.strip().lower()
    if not query:
        return rows[:limit] if limit else rows
    tiers: list[list[TermRow]] = [[], [], [], []]
    for row in rows:
        tier = _tier(query, row)
        if tier is not None:
            tiers[tier].append(row)
    ordered = [row for tier in tiers for row in tier]
    if len(query) > 2:
        seen = {id(r) for r in ordered}
        hits = process.extract(query, [r.haystack for r in rows], scorer=fuzz.partial_ratio, score_cutoff=75, limit=limit)
        for _choice, _score, index in hits:
            row = rows[index]
            if id(row) not in seen:
                seen.add(id(row))
                ordered.append(row)
    return ordered[:limit]
