"""English inflection: the lookup lemmas spaCy's lookup lemmatizer uses, run in reverse.

spaCy's lookup-mode lemmatizer maps a word to its lemma with the
`en_lemma_lookup` table from spacy-lookups-data. Rather than lemmatising
every draft (importing spaCy costs ~0.8 s, far over the CLI's cold-start
budget), we read that same table once (~50 ms), invert it, and expand each
keyword or glossary phrase into all its inflected forms at compile time;
matching is then a plain regex. `tests/test_lemmas.py` checks the result
against a real `spacy.blank("en")` pipeline with the lookup lemmatizer.
"""
from __future__ import annotations

import gzip
import json
import threading
from functools import lru_cache

_lock = threading.Lock()
_tables: tuple[dict[str, str], dict[str, tuple[str, ...]]] | None = None


def _load() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                from importlib.resources import files

                raw = files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz").read_bytes()
                lookup: dict[str, str] = json.loads(gzip.decompress(raw))
                forms: dict[str, set[str]] = {}
                for form, lemma in lookup.items():
                    forms.setdefault(lemma.lower(), set()).add(form.lower())
                _tables = (lookup, {k: tuple(sorted(v)) for k, v in forms.items()})
    return _tables


def lookup_table() -> dict[str, str]:
    """spacy-lookups-data's English form → lemma table (shared, do not modify)."""
    return _load()[0]


def lemma(word: str) -> str:
    """The lookup lemma of a word, as spaCy's lookup lemmatizer gives it (lower-cased)."""
    lookup, _ = _load()
    found = lookup.get(word) or lookup.get(word.lower())
    return (found or word).lower()


@lru_cache(maxsize=4096)
def inflections(word: str) -> tuple[str, ...]:
    """Every form whose lemma is this word's lemma, the word itself included (lower-cased)."""
    _, forms = _load()
    base = lemma(word)
    out = {word.lower(), base}
    out.update(forms.get(base, ()))
    return tuple(sorted(out, key=lambda s: (-len(s), s)))


def warm() -> None:
    """Load the table now (the TUI calls this in a worker so typing never waits)."""
    _load()
