"""The compiled glossary: a token trie walked once over the draft.

The draft is cut into (token, gap) pairs by one C-level `findall`
(`scripts.TOKEN_GAP`). Each token costs one dict look-up in the trie's
root, plus one for Hangul runs in a table of single-token Korean forms
keyed by their first two syllables; only tokens that start a form walk
further. So the per-draft cost depends on the draft's length, not on the
glossary's size, and nothing is lemmatised at lint time: inflected forms
and Korean spacing variants were expanded when the glossary was compiled.

Semantics:
- English/Latin: whole tokens, case-insensitive unless the entry says
  otherwise; words of a phrase may be separated by any whitespace run.
- Korean: a form starts a Hangul run (no Hangul before it) and the rest of
  that run must be a particle/ending chain (`korean.KoreanMorphology`); a
  space inside a Korean form is optional in the draft.
- Chinese: every Han character is a token with empty gaps, so a form is
  found anywhere (plain substring).
- Leftmost-longest: at each start the longest in-scope form wins, and a
  match hides the forms that start inside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, chain, product

from .english import carry_inflection, variants
from .korean import KoreanMorphology
from .model import NEAR_MISS_RULE, AvoidForm, Entry, TermHit
from .nearmiss import MIN_LENGTH, NearMissIndex, english_words
from .scripts import (
    LEADING_GAP,
    TOKEN_ANYCASE,
    TOKEN_GAP,
    guess_language,
    is_hangul,
    lower_same_length,
    normalize_gap,
    split_form,
)

_LONG_WORD = re.compile(r"\b[a-z]{%d,}\b" % MIN_LENGTH, re.ASCII)
MAX_KOREAN_SPACES = 4  # 2**4 spacing variants at most


@dataclass(frozen=True, slots=True, eq=False)
class FormRef:
    """One searchable surface of an entry: an avoided form or one of its variants."""

    entry: Entry
    avoid: AvoidForm | None  # None: a preferred form (near-miss target only)
    base: str  # the form as written in the file
    lang: str
    inflected_from: str = ""  # base last word, when this variant inflects it
    inflected_to: str = ""  # this variant's last word
    case_tokens: tuple[str, ...] | None = None  # original-case tokens of a case-sensitive form
    tail: str = ""  # punctuation the form ends with (must follow the last token)


class _Node:
    __slots__ = ("children", "refs", "tails")

    def __init__(self) -> None:
        self.children: dict[tuple[str, str], _Node] | None = None
        self.refs: list[FormRef] | None = None
        # Final Hangul tokens, which may carry a particle: gap → [(token, refs)]
        self.tails: dict[str, list[tuple[str, list[FormRef]]]] | None = None

    def child(self, gap: str, token: str) -> "_Node":
        if self.children is None:
            self.children = {}
        node = self.children.get((gap, token))
        if node is None:
            node = self.children[(gap, token)] = _Node()
        return node


class CompiledGlossary:
    """Everything scan() needs, built once when the glossary set is loaded; read-only afterwards."""

    def __init__(self, entries: list[Entry], morphology: KoreanMorphology):
        self.morph = morphology
        self.root: dict[str, _Node] = {}
        self.ko2: dict[str, list[tuple[str, list[FormRef]]]] = {}  # first two syllables → forms
        self.ko1: dict[str, list[tuple[str, list[FormRef]]]] = {}  # one-syllable forms
        self.patterns: list[tuple[re.Pattern, str, FormRef]] = []
        self.near = NearMissIndex()
        self.form_count = 0
        for entry in entries:
            if entry.use == "templates":
                continue
            for avoid in entry.avoid:
                if avoid.pattern:
                    flags = 0 if entry.case_sensitive else re.IGNORECASE
                    ref = FormRef(entry, avoid, avoid.form, avoid.lang)
                    self.patterns.append((re.compile(avoid.form, flags), avoid.requires.lower(), ref))
                    continue
                self._add_avoided(entry, avoid)
            if entry.near_miss:
                for lang, form in entry.all_preferred():
                    if lang == "en":
                        tokens, gaps, _, _ = split_form(form)
                        self.near.add(tokens, gaps, FormRef(entry, None, form, lang))
                for avoid in entry.avoid:
                    if not avoid.pattern and avoid.lang == "en":
                        tokens, gaps, _, _ = split_form(avoid.form)
                        self.near.add(tokens, gaps, FormRef(entry, avoid, avoid.form, avoid.lang))
            else:
                for _, form in entry.all_preferred():
                    self.near.known.update(split_form(form)[0])
                for avoid in entry.avoid:
                    if not avoid.pattern:
                        self.near.known.update(split_form(avoid.form)[0])
        for table in (self.ko1, self.ko2):
            for forms in table.values():
                forms.sort(key=lambda tf: -len(tf[0]))

    # -- building ------------------------------------------------------

    def _add_avoided(self, entry: Entry, avoid: AvoidForm) -> None:
        surfaces: list[tuple[str, str, str]] = []  # (variant, base last word, variant last word)
        if entry.lemmas and avoid.lang == "en":
            base_last = avoid.form.lower().rsplit(" ", 1)[-1]
            for v in variants(avoid.form, entry.lemmas):
                v_last = v.lower().rsplit(" ", 1)[-1]
                surfaces.append((v, base_last if v_last != base_last else "", v_last if v_last != base_last else ""))
        else:
            surfaces.append((avoid.form, "", ""))
        for surface, from_word, to_word in surfaces:
            for spaced in korean_spacings(surface):
                tokens, gaps, _, tail = split_form(spaced)
                if not tokens:
                    continue
                case_tokens = tuple(TOKEN_ANYCASE.findall(spaced)) if entry.case_sensitive else None
                ref = FormRef(entry, avoid, avoid.form, avoid.lang, from_word, to_word, case_tokens, tail)
                self._insert(tokens, gaps, ref)
                self.form_count += 1

    def _insert(self, tokens: list[str], gaps: list[str], ref: FormRef) -> None:
        first = tokens[0]
        if len(tokens) == 1 and is_hangul(first[0]):
            table = self.ko2 if len(first) >= 2 else self.ko1
            bucket = table.setdefault(first[:2], [])
            for token, refs in bucket:
                if token == first:
                    refs.append(ref)
                    return
            bucket.append((first, [ref]))
            return
        node = self.root.get(first)
        if node is None:
            node = self.root[first] = _Node()
        for k in range(1, len(tokens)):
            gap, token = gaps[k - 1], tokens[k]
            if k == len(tokens) - 1 and is_hangul(token[0]):
                if node.tails is None:
                    node.tails = {}
                bucket = node.tails.setdefault(gap, [])
                for t, refs in bucket:
                    if t == token:
                        refs.append(ref)
                        return
                bucket.append((token, [ref]))
                bucket.sort(key=lambda tr: -len(tr[0]))
                return
            node = node.child(gap, token)
        if node.refs is None:
            node.refs = []
        node.refs.append(ref)

    # -- scanning ------------------------------------------------------

    def scan(self, text: str, platform: str, kind: str) -> list[TermHit]:
        low = lower_same_length(text)
        lead = LEADING_GAP.match(low).end()
        pairs = TOKEN_GAP.findall(low, lead)
        raw = self._walk(text, pairs, lead, platform, kind)
        hits: list[TermHit] = []
        starts = None
        if raw:
            starts = _token_starts(pairs, lead)
            for i, j, cut, refs in raw:
                start = starts[i]
                end = starts[j] + (cut if cut is not None else len(pairs[j][0]))
                rest = pairs[j][0][cut:] if cut is not None else ""
                for ref in refs:
                    hits.append(self._hit(text, start, end, rest, ref))
        for rx, requires, ref in self.patterns:
            if requires and requires not in low:
                continue
            if not ref.entry.in_scope(platform, kind):
                continue
            for m in rx.finditer(text):
                if m.end() > m.start():
                    hits.append(self._hit(text, m.start(), m.end(), "", ref))
        if self.near:
            hits.extend(self._near_misses(text, low, pairs, lead, starts, platform, kind))
        hits.sort(key=lambda h: (h.start, h.end, h.rule))
        return hits

    def _walk(self, text: str, pairs: list[tuple[str, str]], lead: int, platform: str, kind: str) -> list:
        """Leftmost-longest matches as (first token, last token, cut in last token or None, refs)."""
        where = (text, pairs, lead)
        root_get = self.root.get
        ko2_get = self.ko2.get
        ko1 = self.ko1
        is_ending = self.morph.is_ending
        n = len(pairs)
        out = []
        i = 0
        while i < n:
            tok = pairs[i][0]
            node = root_get(tok)
            kforms = ko2_get(tok[:2])
            if node is None and kforms is None and not (ko1 and tok[0] in ko1):
                i += 1
                continue
            best = None  # (last token, cut, refs)
            best_len = -1
            if kforms is None and ko1:
                kforms = ko1.get(tok[:1])
            elif ko1 and tok[:1] in ko1:
                kforms = kforms + ko1[tok[:1]]
            if kforms is not None:
                for form, refs in kforms:
                    if tok.startswith(form) and is_ending(tok[len(form):]):
                        cut = len(form) if len(form) < len(tok) else None
                        ok = _in_scope(refs, platform, kind, where, i, i, cut)
                        if ok:
                            best, best_len = (i, cut, ok), len(form)
                            break
            if node is not None:
                j = i
                while True:
                    if node.refs:
                        ok = _in_scope(node.refs, platform, kind, where, i, j, None)
                        if ok:
                            best, best_len = (j, None, ok), 1 << 30
                    if j + 1 >= n or (node.children is None and node.tails is None):
                        break
                    gap = pairs[j][1]
                    if gap != " " and gap != "":
                        gap = normalize_gap(gap)
                    nxt_tok = pairs[j + 1][0]
                    if node.tails is not None:
                        for form, refs in node.tails.get(gap, ()):
                            if nxt_tok.startswith(form) and is_ending(nxt_tok[len(form):]):
                                cut = len(form) if len(form) < len(nxt_tok) else None
                                ok = _in_scope(refs, platform, kind, where, i, j + 1, cut)
                                if ok:
                                    best, best_len = (j + 1, cut, ok), 1 << 30
                                    break
                    nxt = node.children.get((gap, nxt_tok)) if node.children is not None else None
                    if nxt is None:
                        break
                    node = nxt
                    j += 1
            if best is None:
                i += 1
                continue
            out.append((i, best[0], best[1], best[2]))
            i = best[0] + 1
        return out

    def _hit(self, text: str, start: int, end: int, rest: str, ref: FormRef) -> TermHit:
        entry, avoid = ref.entry, ref.avoid
        matched = text[start:end]
        preferred = entry.preferred_in(ref.lang)
        replacement = None
        fix_end = None
        if len(preferred) == 1 and not avoid.pattern:
            replacement = preferred[0]
            if ref.inflected_from:
                replacement = carry_inflection(ref.inflected_to, ref.inflected_from, replacement)
            if replacement is not None:
                replacement = _match_case(matched, replacement)
                agreement = self.morph.agree(replacement, rest) if rest else None
                if agreement is not None:
                    fix_end = end + agreement[0]
                    replacement += agreement[1]
        if entry.use == "terms":
            suggestion = replacement if replacement and fix_end is None else _suggest(entry, ref.lang)
            message = _term_message(entry, avoid, matched, suggestion)
        else:
            suggestion = entry.suggestion or (replacement if fix_end is None else None) or _suggest(entry, ref.lang)
            message = f'"{_squash(matched)}": {entry.message}'
        return TermHit(
            start,
            end,
            entry.rule,
            message,
            suggestion or None,
            replacement,
            entry.severity,
            entry.qualified_id,
            fix_start=start if fix_end is not None else None,
            fix_end=fix_end,
        )

    def _near_misses(self, text, low, pairs, lead, starts, platform, kind) -> list[TermHit]:
        words = set(_LONG_WORD.findall(low))
        if not words:
            return []
        unknown = words - self.near.known
        if not unknown:
            return []
        unknown -= english_words()
        if not unknown:
            return []
        if starts is None:
            starts = _token_starts(pairs, lead)
        hits: list[TermHit] = []
        taken: set[int] = set()
        for word in sorted(unknown):
            candidates = self.near.candidates(word)
            if not candidates:
                continue
            positions = [i for i, (t, _) in enumerate(pairs) if t == word]
            for i in positions:
                for _, target in candidates:
                    ref = target.ref
                    if not ref.entry.in_scope(platform, kind):
                        continue
                    first = i - target.position
                    last = first + len(target.form_tokens) - 1
                    if first < 0 or last >= len(pairs) or first in taken:
                        continue
                    if not all(
                        k == target.position or pairs[first + k][0] == target.form_tokens[k]
                        for k in range(len(target.form_tokens))
                    ):
                        continue
                    if not all(
                        normalize_gap(pairs[first + k][1]) == target.form_gaps[k]
                        for k in range(len(target.form_gaps))
                    ):
                        continue
                    start, end = starts[first], starts[last] + len(pairs[last][0])
                    hits.append(_near_hit(text[start:end], start, end, ref, target.word))
                    taken.add(first)
                    break
        return hits


def _near_hit(matched: str, start: int, end: int, ref: FormRef, word: str) -> TermHit:
    entry = ref.entry
    matched = _squash(matched)
    if ref.avoid is None:
        suggestion = ref.base
        message = f'"{matched}" looks like a misspelling of "{ref.base}"'
    else:
        suggestion = _suggest(entry, ref.lang)
        message = f'"{matched}" looks like a misspelling of "{ref.base}", which is not the term here'
        if suggestion:
            message += f': use "{suggestion}"'
    return TermHit(start, end, NEAR_MISS_RULE, message, suggestion or None, None, None, entry.qualified_id, near_miss=True)


def _in_scope(refs, platform, kind, where, i, j, cut):
    """The refs that apply to tokens i..j (scope, case, trailing punctuation); None when none do."""
    ok = None
    for ref in refs:
        if not ref.entry.in_scope(platform, kind):
            continue
        if ref.tail and (cut is not None or not normalize_gap(where[1][j][1]).startswith(ref.tail)):
            continue
        if ref.case_tokens is not None and not _case_ok(where, i, j, cut, ref):
            continue
        if ok is None:
            ok = [ref]
        else:
            ok.append(ref)
    return ok


def _case_ok(where, i: int, j: int, cut, ref: FormRef) -> bool:
    text, pairs, lead = where
    starts = _token_starts(pairs[: j + 1], lead)
    start = starts[i]
    end = starts[j] + (cut if cut is not None else len(pairs[j][0]))
    return tuple(TOKEN_ANYCASE.findall(text[start:end])) == ref.case_tokens


def _token_starts(pairs, lead: int) -> list[int]:
    """Offset of every token: one C-level pass over the (token, gap) lengths."""
    acc = list(accumulate(map(len, chain.from_iterable(pairs)), initial=lead))
    return acc[0::2]


def korean_spacings(form: str) -> list[str]:
    """A space between two Hangul words of a form is optional in drafts (풀필먼트 센터 / 풀필먼트센터)."""
    if " " not in form or not any(is_hangul(c) for c in form):
        return [form]
    parts = form.split(" ")
    joints = [
        k for k in range(len(parts) - 1) if parts[k] and parts[k + 1] and is_hangul(parts[k][-1]) and is_hangul(parts[k + 1][0])
    ]
    if not joints or len(joints) > MAX_KOREAN_SPACES:
        return [form]
    out = []
    for keep in product((True, False), repeat=len(joints)):
        pieces = [parts[0]]
        choice = dict(zip(joints, keep))
        for k in range(1, len(parts)):
            pieces.append((" " if choice.get(k - 1, True) else "") + parts[k])
        out.append("".join(pieces))
    return out


def _match_case(matched: str, replacement: str) -> str:
    """Keep the draft's capitalisation: "Delivery delay" → "Shipping delay", "INVOICE NUMBER" → "WAYBILL NUMBER"."""
    letters = [c for c in matched if c.isalpha()]
    if not letters or not replacement[:1].isalpha() or not replacement[:1].isascii():
        return replacement
    if len(letters) > 1 and all(c.isupper() for c in letters) and replacement.islower():
        return replacement.upper()
    if matched[0].isupper() and replacement[0].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _suggest(entry: Entry, lang: str) -> str:
    preferred = entry.preferred_in(lang)
    if preferred:
        return " or ".join(preferred)
    return " / ".join(form for _, form in entry.all_preferred()[:3])


def _term_message(entry: Entry, avoid: AvoidForm, matched: str, suggestion: str) -> str:
    gloss = [f for lang, f in entry.all_preferred() if lang != avoid.lang][:1]
    reason = avoid.reason or entry.reason
    head = f'Use "{suggestion}"' if suggestion else "Avoid this term"
    if gloss and gloss[0] != suggestion:
        head += f" ({gloss[0]})"
    head += f' instead of "{_squash(matched)}"'
    return f"{head}: {reason}" if reason else head


def _squash(text: str) -> str:
    return " ".join(text.split())


def language_of(form: str, declared: str | None) -> str:
    return declared or guess_language(form)
