"""Near misses: misspelt glossary words ("delivary delay", "waybil number").

Kept cheap by construction: only draft words of at least MIN_LENGTH
letters that are neither English dictionary words nor glossary words are
looked at (usually none or two per draft, found with C-level set
operations), and each is compared only with glossary words sharing its
first letter and a length within the distance allowed. Korean and Chinese
are not fuzzy-matched: without a dictionary, a one-syllable difference is
usually another real word (배송지역 "delivery area" vs 배송지연).
"""
from __future__ import annotations

import gzip
import json
import threading
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 6

_lock = threading.Lock()
_dictionary: frozenset[str] | None = None


def english_words() -> frozenset[str]:
    """Known English word forms (spacy-lookups-data lemma tables), loaded once (~0.1 s)."""
    global _dictionary
    if _dictionary is None:
        with _lock:
            if _dictionary is None:
                from importlib.resources import files

                data = files("spacy_lookups_data").joinpath("data")
                words: set[str] = set()
                index = json.loads(gzip.decompress(data.joinpath("en_lemma_index.json.gz").read_bytes()))
                for lemmas in index.values():
                    words.update(w.lower() for w in lemmas if w.isalpha())
                from ..lemmas import lookup_table

                lookup = lookup_table()  # the table lemmas.py already holds: read once per process
                words.update(k.lower() for k in lookup)
                words.update(v.lower() for v in lookup.values())
                _dictionary = frozenset(words)
    return _dictionary


def allowed_distance(length: int) -> int:
    return 1 if length < 9 else 2


class NearTarget(NamedTuple):
    """A glossary word that a misspelling may stand for, and where it sits in its form."""

    word: str
    form_tokens: tuple[str, ...]
    form_gaps: tuple[str, ...]
    position: int  # index of `word` in form_tokens
    ref: object  # the compiled form reference (entry, avoided form or preferred form)


class NearMissIndex:
    _MEMO_LIMIT = 4096

    def __init__(self) -> None:
        self._words: dict[tuple[str, int], list[str]] = {}  # (first letter, length) → distinct words
        self._targets: dict[str, list[NearTarget]] = {}  # word → where it occurs in forms
        self._memo: dict[str, list[tuple[int, NearTarget]]] = {}

    def add(self, tokens: list[str], gaps: list[str], ref: object) -> None:
        form_tokens = form_gaps = None
        for i, word in enumerate(tokens):
            if len(word) >= MIN_LENGTH - 1 and word.isascii() and word.isalpha():
                if form_tokens is None:
                    form_tokens, form_gaps = tuple(tokens), tuple(gaps)
                targets = self._targets.get(word)
                if targets is None:
                    targets = self._targets[word] = []
                    self._words.setdefault((word[0], len(word)), []).append(word)
                targets.append(NearTarget(word, form_tokens, form_gaps, i, ref))

    def __bool__(self) -> bool:
        return bool(self._targets)

    def candidates(self, token: str) -> list[tuple[int, NearTarget]]:
        """Glossary words within the allowed distance of `token`: closest first, then longest form first.

        The distances are computed by rapidfuzz in C over the distinct words
        that share the token's first letter and a near length; drafts repeat
        their unknown words (names, brands), so answers are memoised.
        """
        found = self._memo.get(token)
        if found is not None:
            return found
        limit = allowed_distance(len(token))
        found = []
        first = token[0]
        for length in range(len(token) - limit, len(token) + limit + 1):
            words = self._words.get((first, length))
            if not words:
                continue
            for word, d, _ in process.extract(token, words, scorer=OSA.distance, score_cutoff=limit, limit=None):
                if d > 0:
                    found.extend((d, target) for target in self._targets[word])
        found.sort(key=lambda dt: (dt[0], -len(dt[1].form_tokens)))
        if len(self._memo) > self._MEMO_LIMIT:
            self._memo.clear()
        self._memo[token] = found
        return found
