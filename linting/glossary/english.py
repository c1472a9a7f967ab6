"""English inflection at compile time: a form's variants, and the same inflection on its replacement.

An entry with `lemmas = true` also matches "delivery delays" and "invoice
numbers"; the draft is never lemmatised. When the matched text is an
inflected variant, the replacement carries the same inflection
("delivery delays" → "shipping delays") when that is unambiguous.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import product

from ..lemmas import inflections, lemma

MAX_VARIANTS = 64


@lru_cache(maxsize=65536)
def paradigm(word: str) -> tuple[str, ...]:
    """The word's own inflected forms.

    The lookup table sometimes maps a base form elsewhere ("number" → "numb"),
    so a word that is itself the lemma of a regular inflection ("numbers")
    takes that paradigm instead.
    """
    word = word.lower()
    if not word.isalpha() or len(word) < 2:
        return (word,)
    if lemma(word) == word:
        return inflections(word)
    for suffix_form in (word + "s", word + "es", word[:-1] + "ies", word + "ed", word + "ing"):
        if lemma(suffix_form) == word:
            return inflections(suffix_form)
    return inflections(word)


def variants(form: str, mode: bool | str) -> list[str]:
    """The form and its inflected variants: `True` inflects the last word, "all" every word."""
    if not mode:
        return [form]
    words = form.split(" ")
    if mode == "all":
        choices = [paradigm(w) if w.isalpha() else (w,) for w in words]
    else:
        choices = [(w,) for w in words[:-1]] + [paradigm(words[-1]) if words[-1].isalpha() else (words[-1],)]
    out: list[str] = []
    for combo in product(*choices):
        out.append(" ".join(combo))
        if len(out) >= MAX_VARIANTS:
            break
    base = form.lower()
    return [form] + [v for v in dict.fromkeys(out) if v != base]


def _is_base(word: str) -> bool:
    """True for a lemma ("delay", "number"), false for an inflected form ("started")."""
    if lemma(word) == word:
        return True
    return any(lemma(form) == word for form in (word + "s", word + "es", word + "ed", word + "ing"))


def _ending(inflected: str, base: str) -> str | None:
    if inflected == base:
        return ""
    for suffix in ("ing", "ed", "es", "s"):
        if inflected.endswith(suffix):
            return "s" if suffix == "es" else suffix
    return None


def carry_inflection(matched_word: str, base_word: str, preferred: str) -> str | None:
    """Inflect `preferred`'s last word as `matched_word` inflects `base_word`; None when unsure."""
    matched_word, base_word = matched_word.lower(), base_word.lower()
    ending = _ending(matched_word, base_word)
    if ending is None:
        return None
    if ending == "":
        return preferred
    head, _, last = preferred.rpartition(" ")
    if not last.isalpha() or not _is_base(last.lower()):
        return None  # "Delivery Started" has no plural: leave it to the suggestion
    candidates = [f for f in paradigm(last) if f != last.lower() and _ending(f, last.lower()) == ending]
    if len(candidates) != 1:
        return None
    return f"{head} {candidates[0]}" if head else candidates[0]
