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
    """Duck-typed over the glossary's entry objects (or plain mappings from a term file).

    The glossary model keeps `preferred` as {lang: (forms...)} and `avoid`
    as objects with a `.form`; older or simpler shapes use flat keys.
    """
    preferred = entry.get("preferred") if isinstance(entry, dict) else getattr(entry, "preferred", None)
    if isinstance(preferred, dict):
        ko, en, zh = (_text(preferred.get(lang)) for lang in ("ko", "en", "zh"))
    else:
        ko = _field(entry, "ko", "korean")
        en = _field(entry, "en", "english", "preferred", "term")
        zh = _field(entry, "zh", "chinese")
    avoid_value = entry.get("avoid") if isinstance(entry, dict) else getattr(entry, "avoid", None)
    if isinstance(avoid_value, (list, tuple)):
        forms = []
        for item in avoid_value:
            if isinstance(item, str):
                forms.append(item)
            elif isinstance(item, dict) and not item.get("pattern"):
                forms.append(str(item.get("form", "")))
            elif getattr(item, "form", None) and not getattr(item, "pattern", False):
                forms.append(item.form)
        avoid = ", ".join(f for f in forms if f)
    else:
        avoid = _field(entry, "avoid", "wrong", "mistranslations", "pitfalls")
    note = _field(entry, "notes", "note", "reason", "message", "description")
    if not source:
        sources = entry.get("sources") if isinstance(entry, dict) else getattr(entry, "sources", None)
        source = _text(sources)
        glossary_file = getattr(entry, "file", None)
        stem = getattr(glossary_file, "stem", "")
        if stem:
            source = f"{stem}.toml" + (f" ({source})" if source else "")
    return TermRow(ko=ko, en=en, zh=zh, avoid=avoid, note=note, source=source)


def _entries_of(gset) -> list | None:
    """Entries from whatever the glossary set exposes: entries, terms, or files with entries."""
    for attr in ("entries", "terms", "all_entries"):
        value = getattr(gset, attr, None)
        if value is not None:
            value = value() if callable(value) else value
            return list(value.values()) if isinstance(value, dict) else list(value)
    files = getattr(gset, "files", None)
    if files is not None:
        files = files() if callable(files) else files
        out = []
        for glossary_file in files:
            if getattr(glossary_file, "use", "terms") != "terms":
                continue  # word lists and templates are not terms
            out.extend(getattr(glossary_file, "entries", ()))
        return out
    return None


def load_term_rows(dirs=None) -> tuple[list[TermRow], str | None]:
    """All glossary term entries as rows, or ([], reason) when the glossary cannot be read."""
    from replydesk.linting import glossary as glossary_module
    from replydesk.linting.loading import builtin_glossary_dir

    folders = tuple(dirs) if dirs else (builtin_glossary_dir(),)
    try:
        gset = glossary_module.load_glossary_set(folders)
    except Exception as exc:  # a broken term file must not take the desk down
        return [], f"The glossary could not be loaded: {exc}"
    entries = _entries_of(gset)
    if not entries:
        return [], "The glossary has no term entries yet."
    rows = [row_from_entry(e) for e in entries if getattr(e, "use", "terms") == "terms"]
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
