"""The compiled glossary: forms indexed by an anchor token, checked around each occurrence.

The draft is cut into tokens and gaps by one C-level `re.split`
(`scripts.TOKEN_SPLIT`). Every form is filed under an anchor, its token
least likely to occur in a draft (`_anchor_rank`: "unacceptable" in "this
is unacceptable", never "this"), and a neighbouring token. The draft's
distinct tokens are intersected with the anchors in C; only the few
occurrences that survive are looked at in Python, with one or two dict
look-ups each, and the forms found there are compared token by token.
Single-word Korean forms are looked up by the first two syllables of each
Hangul run. So the per-draft cost follows the draft, not the glossary's
size, and nothing is lemmatised at lint time: inflected forms and Korean
spacing variants were expanded when the glossary was compiled.

Per draft, most tokens are dropped in C: a token seen before that can
start nothing (not an anchor, no Korean form, no near miss) is remembered
in `_boring`; an anchor whose forms all need a neighbour is looked at only
when one of those neighbours is in the draft too (`_needs`).

Semantics:
- English/Latin: whole tokens, case-insensitive unless the entry says
  otherwise; words of a phrase may be separated by any whitespace run.
- Korean: a form starts a Hangul run (no Hangul before it) and the rest of
  that run must be a particle/ending chain (`korean.KoreanMorphology`); a
  space inside a Korean form is optional in the draft.
- Chinese: every Han character is a token with empty gaps, so a form is
  found anywhere (plain substring).
- Leftmost-longest: of overlapping in-scope matches, the one starting
  first wins, and of those the longest.
"""
from __future__ import annotations

import gc
import re
import threading
from collections import Counter
from contextlib import contextmanager
from itertools import chain, compress, product
from sys import intern
from typing import NamedTuple

from .english import carry_inflection, variants
from .korean import KoreanMorphology
from .model import NEAR_MISS_RULE, AvoidForm, Entry, TermHit
from .nearmiss import MIN_LENGTH, NearMissIndex, english_words
from ..phrases import leading_literals, required_alternatives, required_parts
from ..scripts import lower_same_length
from .scripts import (
    HAN,
    HANGUL,
    TOKEN_ANYCASE,
    TOKEN_SPLIT,
    is_hangul,
    normalize_gap,
    split_form,
)

MAX_KOREAN_SPACES = 4  # 2**4 spacing variants of a Korean form at most
_MEMO_LIMIT = 20_000
_new_tuple = tuple.__new__
_BORING_LIMIT = 100_000  # distinct draft tokens remembered as irrelevant
_HAS_HANGUL = re.compile("[\uac00-\ud7a3]")


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while a glossary is built.

    Compiling 10,000 entries creates hundreds of thousands of long-lived
    objects; each automatic collection re-scans all of them, which doubled
    the compile time. Nothing built here is cyclic garbage, so pausing is safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class FormRef(NamedTuple):
    """One searchable surface of an entry: an avoided form or one of its variants."""

    entry: Entry
    avoid: AvoidForm | None  # None: a preferred form (near-miss target only)
    base: str  # the form as written in the file
    lang: str
    inflected_from: str = ""  # base last word, when this variant inflects it
    inflected_to: str = ""  # this variant's last word
    case_tokens: tuple[str, ...] | None = None  # original-case tokens of a case-sensitive form
    tail: str = ""  # punctuation the form ends with (must follow the last token)


# A form found through its anchor token, as a plain tuple (cheap to build, scan and cache):
# (anchor index, token count, ((offset, token), …) to compare, ((parts offset, gap), …),
#  Korean last token that may carry a particle or None, [FormRef, …]).
_SIZE = 1
# Per anchor token: [forms of that one token, {next token: forms}, {previous token: forms}].
_ALONE, _NEXT, _PREV = range(3)


class CompiledGlossary:
    """Everything scan() needs, built once when the glossary set is loaded; read-only afterwards."""

    def __init__(self, entries: list[Entry], morphology: KoreanMorphology):
        self.morph = morphology
        self.anchors: dict[str, list] = {}  # anchor token → [alone, {next: forms}, {previous: forms}]
        self.ko2: dict[str, list[tuple[str, list[FormRef]]]] = {}  # first two syllables → forms
        self.ko1: dict[str, list[tuple[str, list[FormRef]]]] = {}  # one-syllable forms
        # (regex, required literal, any-of literals every match contains, every match has non-ASCII,
        #  every required part's alternatives, literals one of which starts every match or None, form)
        self.patterns: list[tuple] = []
        self._made: dict[tuple, tuple] = {}  # memo of _describe; dict reads and writes are atomic
        self._scoped: dict[tuple, list] = {}  # (platform, kind) -> regex forms in scope
        self._boring: set[str] = set()  # draft tokens that can start nothing (see _note)
        self._notes: dict[str, tuple] = {}  # other draft tokens seen: (Korean forms, near-miss candidates)
        self.form_count = 0
        surfaces: list[tuple[list[str], list[str], FormRef]] = []
        self._near_entries = [e for e in entries if e.near_miss and e.use != "templates"]
        self._near: NearMissIndex | None = None  # built on first need (see _near_index)
        self._near_lock = threading.Lock()
        preferred: list[str] = []
        for entry in entries:
            if entry.use == "templates":
                continue
            preferred.extend(form for _, form in entry.all_preferred())
            for avoid in entry.avoid:
                if avoid.pattern:
                    flags = 0 if entry.case_sensitive else re.IGNORECASE
                    ref = FormRef(entry, avoid, avoid.form, avoid.lang)
                    # Gates (what every match must contain) come later: see _gated_patterns.
                    # Korean and Chinese forms need Korean or Chinese text: never run (nor compiled) on ASCII.
                    rx = _LazyPattern(avoid.form, flags)
                    self.patterns.append((rx, avoid.requires.lower(), frozenset(), avoid.lang in ("ko", "zh"), (), None, ref))
                    continue
                surfaces.extend(self._surfaces(entry, avoid))
        self._gates: _GateLiterals | None = None
        self._scans = 0
        self.form_count = len(surfaces)
        shared = self._index(surfaces)
        self.anchor_keys = frozenset(self.anchors)
        # An anchor whose forms all need a neighbour is worth a look only when one of
        # those neighbours occurs in the draft too (a C-level set test per anchor).
        self._needs: dict[str, frozenset] = {
            token: frozenset(chain(slots[_NEXT] or (), slots[_PREV] or ()))
            for token, slots in self.anchors.items()
            if not slots[_ALONE]
        }
        # Korean anchors that may also start a one-word form (풀필먼트 in "풀필먼트 센터" and 풀필먼트센터로).
        self._anchor_korean: dict[str, tuple] = {}
        if self.ko2 or self.ko1:
            for token in self.anchors:
                if is_hangul(token[0]):
                    forms = self._korean_forms(token)
                    if forms:
                        self._anchor_korean[token] = forms
        self._anchor_korean_keys = frozenset(self._anchor_korean)
        # Every word of the glossary: never a misspelling.
        self.known_words = frozenset(shared).union(TOKEN_ANYCASE.findall("\n".join(preferred).lower()))

    def _near_index(self) -> NearMissIndex:
        """The near-miss index, built the first time a draft has a word worth comparing (thread-safe)."""
        index = self._near
        if index is None:
            with self._near_lock:
                index = self._near
                if index is None:
                    index = NearMissIndex()
                    with collector_paused():
                        for entry in self._near_entries:
                            for lang, form in entry.all_preferred():
                                if lang == "en":
                                    tokens, gaps, _, _ = split_form(form)
                                    index.add(tokens, gaps, FormRef(entry, None, form, lang))
                            for avoid in entry.avoid:
                                if not avoid.pattern and avoid.lang == "en":
                                    tokens, gaps, _, _ = split_form(avoid.form)
                                    index.add(tokens, gaps, FormRef(entry, avoid, avoid.form, avoid.lang))
                    self._near = index
        return index

    def __getstate__(self) -> dict:
        # For the compile cache: locks cannot be pickled, and memos and the
        # lazily built near-miss index are cheaper to rebuild than to store.
        state = dict(self.__dict__)
        state.update(_near_lock=None, _near=None, _made={}, _boring=set(), _notes={}, _scoped={}, _scans=0)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._near_lock = threading.Lock()

    def warm(self) -> None:
        """Load what the first scan would otherwise load: the dictionary and the near-miss index;
        and the regex gates, which a batch or the desk needs and one cold `lint` does not."""
        if self._near_entries:
            english_words()
            self._near_index()
        if self._gates is None:
            self._gate_patterns()

    def _gate_patterns(self) -> None:
        """Give each regex form its gate: the literals every match contains (phrases.required_alternatives).

        Worth it over many scans (a gate saves most regex runs), not for one draft: working
        the gates out parses every regex again, so the first scans run ungated.
        """
        gated = []
        for rx, requires, _, by_language, _, _, ref in self.patterns:
            literals, non_ascii = required_alternatives(ref.avoid.form) or ((), False)
            parts = tuple(frozenset(part) for part in required_parts(ref.avoid.form))
            leads = leading_literals(ref.avoid.form)
            gated.append((rx, requires, frozenset(literals), non_ascii or by_language, parts, leads, ref))
        gates = _GateLiterals(gated)
        self.patterns, self._scoped = gated, {}
        self._gates = gates  # last: a scan in another thread sees gates only with gated patterns

    # -- building ------------------------------------------------------

    def _surfaces(self, entry: Entry, avoid: AvoidForm) -> list:
        """(tokens, gaps, ref) of every surface of an avoided form: inflections, Korean spacings."""
        forms: list[tuple[str, str, str]] = []  # (variant, base last word, variant last word)
        if entry.lemmas and avoid.lang == "en":
            base_last = avoid.form.lower().rsplit(" ", 1)[-1]
            for v in variants(avoid.form, entry.lemmas):
                v_last = v.lower().rsplit(" ", 1)[-1]
                changed = v_last != base_last
                forms.append((v, base_last if changed else "", v_last if changed else ""))
        else:
            forms.append((avoid.form, "", ""))
        out = []
        korean = avoid.lang == "ko" or _HAS_HANGUL.search(avoid.form) is not None
        if len(forms) > 1 and not korean and not entry.case_sensitive:
            # Inflected variants differ from the base form in the last word only.
            tokens, gaps, _, tail = split_form(avoid.form)
            if tokens and tokens[-1] == forms[0][0].lower().rsplit(" ", 1)[-1]:
                for surface, from_word, to_word in forms:
                    last = surface.lower().rsplit(" ", 1)[-1]
                    if not last.isalpha():
                        break
                    ref = FormRef(entry, avoid, avoid.form, avoid.lang, from_word, to_word, None, tail)
                    out.append((tokens[:-1] + [intern(last)], gaps, ref))
                else:
                    return out
                out = []
        for surface, from_word, to_word in forms:
            for spaced in korean_spacings(surface) if korean else (surface,):
                tokens, gaps, _, tail = split_form(spaced)
                if tokens:
                    case_tokens = tuple(TOKEN_ANYCASE.findall(spaced)) if entry.case_sensitive else None
                    ref = FormRef(entry, avoid, avoid.form, avoid.lang, from_word, to_word, case_tokens, tail)
                    out.append((tokens, gaps, ref))
        return out

    def _index(self, surfaces) -> Counter:
        """File each surface under its anchor (multi-token) or its first syllables (one Korean word)."""
        shared: Counter[str] = Counter()
        shared.update(chain.from_iterable(set(tokens) if len(tokens) > 1 else tokens for tokens, _, _ in surfaces))
        forms: dict[tuple, list] = {}  # (tokens, gaps) → refs
        for tokens, gaps, ref in surfaces:
            first = tokens[0]
            if len(tokens) == 1 and is_hangul(first[0]):
                table = self.ko2 if len(first) >= 2 else self.ko1
                bucket = table.setdefault(first[:2], [])
                for token, refs in bucket:
                    if token == first:
                        refs.append(ref)
                        break
                else:
                    bucket.append((first, [ref]))
                continue
            forms.setdefault((tuple(tokens), tuple(gaps)), []).append(ref)
        rank = _anchor_rank
        for (tokens, gaps), refs in forms.items():
            korean_tail = is_hangul(tokens[-1][0])
            size = len(tokens) - 1 if korean_tail else len(tokens)
            if len(tokens) == 2 and not korean_tail:  # most forms: a fast path
                a, b = tokens
                anchor = 0 if rank(a, shared, 0) < rank(b, shared, 1) else 1
                form = (anchor, 2, ((1 - anchor, tokens[1 - anchor]),), ((2, gaps[0]),), None, refs)
            else:
                anchor = min(range(size), key=lambda k: rank(tokens[k], shared, k))
                form = (
                    anchor,
                    len(tokens),
                    tuple((p, tokens[p]) for p in range(size) if p != anchor),
                    tuple((2 * p + 2, g) for p, g in enumerate(gaps)),
                    tokens[-1] if korean_tail else None,
                    refs,
                )
            # File it under the anchor and a neighbour that must match exactly, so that an
            # anchor occurrence costs one or two look-ups, however many forms share it.
            slots = self.anchors.setdefault(tokens[anchor], [None, None, None])
            if anchor + 1 < size:
                slot, neighbour = _NEXT, tokens[anchor + 1]
            elif anchor > 0:
                slot, neighbour = _PREV, tokens[anchor - 1]
            else:
                slot, neighbour = _ALONE, None
            if slot == _ALONE:
                slots[_ALONE] = (slots[_ALONE] or []) + [form]
            else:
                table = slots[slot] = slots[slot] or {}
                table.setdefault(neighbour, []).append(form)
        for slots in self.anchors.values():
            if slots[_ALONE]:
                slots[_ALONE].sort(key=lambda f: -f[_SIZE])
            for slot in (_NEXT, _PREV):
                for bucket in (slots[slot] or {}).values():
                    bucket.sort(key=lambda f: -f[_SIZE])
        for table in (self.ko1, self.ko2):
            for bucket in table.values():
                bucket.sort(key=lambda tr: -len(tr[0]))
        return shared

    # -- scanning ------------------------------------------------------

    def scan(self, text: str, platform: str, kind: str, lowered: str | None = None) -> list[TermHit]:
        low = lowered if lowered is not None and len(lowered) == len(text) else lower_same_length(text)
        toks = _Tokens(low)
        tokens = toks.tokens
        hits: list[TermHit] = []
        # Tokens already known to be irrelevant are dropped in C; what is left is
        # anchors, tokens worth a look (a Korean form + particles, a near miss)
        # and tokens not seen before, which are classified once (`_note`).
        distinct = set(tokens)
        fresh = distinct - self._boring
        near: dict[str, list] | None = None
        if fresh:
            found: dict[tuple, list] = {}  # (first, last, cut) → refs
            present = fresh & self.anchor_keys
            korean: dict[str, tuple] | None = None
            notes = self._notes
            for token in fresh - present if present else fresh:
                note = notes.get(token)
                if note is None:
                    if token < "a":
                        continue  # starts with a digit: an order number, a date; nothing but an anchor
                    note = self._note(token)
                    if note is None:
                        continue
                if note[0]:
                    if korean is None:
                        korean = {token: note[0]}
                    else:
                        korean[token] = note[0]
                if note[1] is not None:
                    if near is None:
                        near = {token: note[1]}
                    else:
                        near[token] = note[1]
            if present:
                # An anchor whose forms all need a neighbour counts only when one of
                # those neighbours occurs in the draft too (a C-level set test).
                needs = self._needs
                live = [a for a in present if (need := needs.get(a)) is None or not need.isdisjoint(distinct)]
                if live:
                    self._anchored(toks, text, platform, kind, found, live[0] if len(live) == 1 else set(live))
                if self._anchor_korean and not present.isdisjoint(self._anchor_korean_keys):
                    if korean is None:
                        korean = {}
                    korean.update((a, self._anchor_korean[a]) for a in present if a in self._anchor_korean)
            if korean:
                self._korean_words(toks, text, platform, kind, found, korean)
            if found:
                self._emit(text, toks, found, hits)
        patterned = False
        ascii_text = low.isascii()
        self._scans += 1
        if self._gates is None and self._scans > _UNGATED_SCANS:
            self._gate_patterns()
        present, starts = self._gates.present(low, distinct) if self._gates is not None else (frozenset(), None)
        for rx, requires, any_of, non_ascii, parts, leads, ref in self._patterns_in_scope(platform, kind):
            if requires and requires not in low:
                continue
            if (non_ascii and ascii_text) or (any_of and present.isdisjoint(any_of)):
                continue  # no match can be in this text: the regex is not run
            if parts and not all(not present.isdisjoint(part) for part in parts):
                continue  # every match needs one word of each part, and one part is missing
            if leads is not None and starts is not None:
                matches = _matches_at(rx, text, starts, leads)
            else:
                matches = rx.finditer(text)
            for m in matches:
                if m.end() > m.start():
                    hits.append(self._hit(text, m.start(), m.end(), "", ref))
                    patterned = True
        if patterned:
            hits = _leftmost_longest_hits(hits)
        if near is not None:
            hits.extend(self._near_misses(text, toks, platform, kind, near))
        if len(hits) > 1:
            hits.sort(key=_hit_order)
        return hits

    def _patterns_in_scope(self, platform: str, kind: str) -> list:
        """The regex forms whose entries apply to this platform and kind (remembered per pair)."""
        key = (platform, kind)
        found = self._scoped.get(key)
        if found is None:
            found = self._scoped[key] = [p for p in self.patterns if p[-1].entry.in_scope(platform, kind)]
        return found

    def _emit(self, text: str, toks: "_Tokens", found: dict, hits: list) -> None:
        """The hits of the leftmost-longest matches in `found`."""
        tokens = toks.tokens
        for i, j, cut, refs in _leftmost_longest(found):
            start = toks.start(i)
            last = tokens[j]
            end = (toks.start(j) if j != i else start) + (cut if cut is not None else len(last))
            rest = last[cut:] if cut is not None else ""
            for ref in refs if len(refs) == 1 else dict.fromkeys(refs):  # once each, in order
                # A form ending in punctuation ("invoice no.") owns that punctuation.
                tail = len(ref.tail) if ref.tail and text.startswith(ref.tail, end) else 0
                hits.append(self._hit(text, start, end + tail, rest, ref))

    def _note(self, token: str) -> tuple | None:
        """What a token not seen before can start: (Korean one-word forms, near-miss candidates), or None.

        The answer depends on the token alone (never on scope, position or
        neighbours), so it is remembered: a token with nothing to offer joins
        `_boring` and is dropped in C from then on; promising tokens are noted
        in `_notes`. Both are only ever added to (replaced whole when full), so
        concurrent scans stay correct.
        """
        korean: tuple = ()
        if (self.ko2 or self.ko1) and "\uac00" <= token[0] <= "\ud7a3":
            korean = self._korean_forms(token)
        near = None
        if (
            self._near_entries
            and len(token) >= MIN_LENGTH
            and token.isascii()
            and token.isalpha()
            and token not in self.known_words
            and token not in english_words()
        ):
            near = self._near_index().candidates(token) or None
        if korean or near is not None:
            note = (korean, near)
            if len(self._notes) > _MEMO_LIMIT:
                self._notes = {}
            self._notes[token] = note
            return note
        if len(self._boring) > _BORING_LIMIT:
            self._boring = set()
        self._boring.add(token)
        return None

    def _korean_forms(self, run: str) -> tuple:
        """(cut or None, refs) of each one-word Korean form that `run` starts with, the rest being particles.

        Longest form first, as filed in ko2 (then ko1); scope is checked per draft.
        """
        bucket = self.ko2.get(run[:2])
        if self.ko1 and run[:1] in self.ko1:
            bucket = (bucket or []) + self.ko1[run[:1]]
        if not bucket:
            return ()
        is_ending = self.morph.is_ending
        return tuple(
            (len(form) if len(form) < len(run) else None, refs)
            for form, refs in bucket
            if run.startswith(form) and is_ending(run[len(form):])
        )

    def _anchored(self, toks: "_Tokens", text: str, platform: str, kind: str, found: dict, present) -> None:
        """Forms checked around each occurrence of their anchor tokens (`present`: one token or a set)."""
        tokens, parts = toks.tokens, toks.parts
        n = len(tokens)
        anchors = self.anchors
        is_ending = self.morph.is_ending
        where = (text, toks)
        if isinstance(present, str):  # one anchor: its positions by C-level list search
            positions = _positions(tokens, present)
        else:  # every position of every anchor present, in one C-level pass
            positions = compress(range(n), map(present.__contains__, tokens))
        for k in positions:
            alone, after, before = anchors[tokens[k]]
            candidates = alone
            if after is not None and k + 1 < n:
                more = after.get(tokens[k + 1])
                if more:
                    candidates = more if candidates is None else candidates + more
            if before is not None and k > 0:
                more = before.get(tokens[k - 1])
                if more:
                    candidates = more if candidates is None else candidates + more
            if not candidates:
                continue
            for anchor, size, checks, gap_checks, korean_last, form_refs in candidates:
                first = k - anchor
                last = first + size - 1
                if first < 0 or last >= n:
                    continue
                for p, t in checks:
                    if tokens[first + p] != t:
                        break
                else:
                    base = 2 * first
                    for p, g in gap_checks:
                        gap = parts[base + p]
                        if gap != g and normalize_gap(gap) != g:
                            break
                    else:
                        cut = None
                        if korean_last is not None:
                            x = tokens[last]
                            if not x.startswith(korean_last) or not is_ending(x[len(korean_last):]):
                                continue
                            if len(korean_last) < len(x):
                                cut = len(korean_last)
                        refs = _in_scope(form_refs, platform, kind, where, first, last, cut)
                        if refs:
                            found.setdefault((first, last, cut), []).extend(refs)

    def _korean_words(self, toks: "_Tokens", text: str, platform: str, kind: str, found: dict, runs: dict) -> None:
        """One-word Korean forms at the start of a Hangul run, the rest of the run being particles."""
        tokens = toks.tokens
        where = (text, toks)
        for run, forms in runs.items():
            for cut, refs in forms:
                matched = False
                k = -1
                for _ in range(tokens.count(run)):
                    k = tokens.index(run, k + 1)
                    ok = _in_scope(refs, platform, kind, where, k, k, cut)
                    if ok:
                        found.setdefault((k, k, cut), []).extend(ok)
                        matched = True
                if matched:
                    break  # the longest form that applies; shorter ones are inside it

    def _hit(self, text: str, start: int, end: int, rest: str, ref: FormRef) -> TermHit:
        matched = text[start:end]
        # Keyed by the ref's identity: refs live as long as this glossary, and hashing
        # a FormRef (entry, avoided form, keys …) costs more than the rest of a hit.
        key = (id(ref), matched, rest)
        made = self._made.get(key)
        if made is None:
            made = self._describe(matched, rest, ref)
            if len(self._made) > _MEMO_LIMIT:
                self._made.clear()
            self._made[key] = made
        rule, message, suggestion, replacement, severity, entry, extra = made
        # tuple.__new__ directly: TermHit(...) would run its Python-level __new__.
        if extra is None:
            return _new_tuple(TermHit, (start, end, rule, message, suggestion, replacement, severity, entry, False, None, None))
        return _new_tuple(
            TermHit, (start, end, rule, message, suggestion, replacement, severity, entry, False, start, end + extra)
        )

    def _describe(self, matched: str, rest: str, ref: FormRef) -> tuple:
        """Everything about a hit but its offsets (memoised: drafts repeat the same few terms)."""
        entry, avoid = ref.entry, ref.avoid
        preferred = entry.preferred_in(ref.lang)
        replacement = None
        extra = None  # characters of a following particle the fix must also replace
        if len(preferred) == 1 and not avoid.pattern:
            replacement = preferred[0]
            if ref.inflected_from:
                replacement = carry_inflection(ref.inflected_to, ref.inflected_from, replacement)
            if replacement is not None:
                replacement = _match_case(matched, replacement)
                agreement = self.morph.agree(replacement, rest) if rest else None
                if agreement is not None:
                    extra = agreement[0]
                    replacement += agreement[1]
        if entry.use == "terms":
            suggestion = replacement if replacement and extra is None else _suggest(entry, ref.lang)
            message = _term_message(entry, avoid, matched, suggestion)
        else:
            suggestion = entry.suggestion or (replacement if extra is None else None) or _suggest(entry, ref.lang)
            message = f'"{_squash(matched)}": {entry.message}'
        severity = avoid.severity if avoid.severity is not None else entry.severity
        return (entry.rule, message, suggestion or None, replacement, severity, entry.qualified_id, extra)

    def _near_misses(self, text: str, toks: "_Tokens", platform: str, kind: str, wanted: dict) -> list[TermHit]:
        """Near-miss hits of the draft words `_note` found candidates for (`wanted`: word → candidates)."""
        tokens, parts = toks.tokens, toks.parts
        hits: list[TermHit] = []
        taken: set[int] = set()
        # One pass for the positions of every word worth a look.
        for i in compress(range(len(tokens)), map(wanted.__contains__, tokens)):
            candidates = wanted[tokens[i]]
            for _, target in candidates:
                ref = target.ref
                if not ref.entry.in_scope(platform, kind):
                    continue
                first = i - target.position
                last = first + len(target.form_tokens) - 1
                if first < 0 or last >= len(tokens) or first in taken:
                    continue
                if not all(
                    k == target.position or tokens[first + k] == target.form_tokens[k]
                    for k in range(len(target.form_tokens))
                ):
                    continue
                if not all(
                    normalize_gap(parts[2 * (first + k) + 2]) == target.form_gaps[k]
                    for k in range(len(target.form_gaps))
                ):
                    continue
                start, end = toks.start(first), toks.start(last) + len(tokens[last])
                hits.append(_near_hit(text[start:end], start, end, ref))
                taken.add(first)
                break
        return hits


def _positions(tokens: list[str], token: str) -> list[int]:
    """Every index of `token` in `tokens`, by C-level search."""
    out = []
    k = -1
    for _ in range(tokens.count(token)):
        k = tokens.index(token, k + 1)
        out.append(k)
    return out


class _LazyPattern:
    """A regex form compiled on first use: a cold `lint` of an English draft never compiles the
    Korean forms (their Hangul classes cost most of a compile)."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def _rx(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def finditer(self, *args):
        return self._rx().finditer(*args)

    def search(self, *args):
        return self._rx().search(*args)

    def match(self, *args):
        return self._rx().match(*args)

    def __getstate__(self):
        return (self.pattern, self.flags)

    def __setstate__(self, state):
        self.pattern, self.flags = state
        self._compiled = None


_UNGATED_SCANS = 8  # scans before the regex gates are worked out (a cold `lint` of one draft never needs them)


class _GateLiterals:
    """Which of the regex forms' required literals a text contains, and where their leading literals start.

    Everything is read off the draft's distinct tokens, each looked up once
    (`_by_token` remembers what a token holds), instead of a search at every
    character: Latin literals start words in every match (they follow a
    boundary or a space in their patterns), so a one-word literal is present
    when a word starts with it; a Hangul literal may sit inside a word
    ("고객" in "고객님께") and is present when a Hangul token contains it; a
    Han literal spans one-character tokens, and is looked for only when its
    first character is a token. The few literals with a hyphen or an
    apostrophe inside are found by substring. Each gate is then a set test.
    Where a leading literal starts is worked out only for the regexes whose
    gates let them through (`_LeadStarts`).
    """

    _MEMO_LIMIT = 200_000  # distinct tokens remembered; then the memo starts again

    def __init__(self, patterns: list[tuple]):
        leads = frozenset(lit for p in patterns for lit in p[5] or ())
        literals = {lit for p in patterns for lit in p[2]} | {lit for p in patterns for part in p[4] for lit in part}
        literals |= leads
        latin = {lit for lit in literals if lit.isascii()}
        # one-word literals that start with a letter; "163" (a mailbox domain) is found by substring,
        # so that numbers (order IDs, dates) need no look-up
        self._words = frozenset(lit for lit in latin if _ASCII_WORD.fullmatch(lit) and lit >= "a")
        self._longest = max(map(len, self._words), default=0)
        self._hangul = frozenset(lit for lit in literals if _HANGUL_RUN.fullmatch(lit))
        self._longest_hangul = max(map(len, self._hangul), default=0)
        han = sorted(lit for lit in literals if _HAN_RUN.fullmatch(lit))
        self._han = tuple(han)
        self._han_by_first: dict[str, tuple[str, ...]] = {}
        for lit in han:
            self._han_by_first[lit[0]] = (*self._han_by_first.get(lit[0], ()), lit)
        # literals no single token holds: "re-ship", "e-mail", numbers, mixed scripts
        self._spanning = tuple(sorted(literals - self._words - self._hangul - set(han)))
        self._by_token: dict[str, frozenset[str]] = {}

    def present(self, low: str, tokens: set[str] | None = None) -> tuple[frozenset[str], "_LeadStarts"]:
        """(the literals in `low`, where each leading literal starts); `tokens`: the distinct tokens of `low`."""
        if tokens is None:
            tokens = set(TOKEN_SPLIT.split(low)[1::2])
        memo = self._by_token
        # set.difference(dict) walks the draft's tokens; `tokens - memo.keys()` walked the whole memo
        # (a dict view on the right of `-` copies the set and removes every key), which made every
        # scan cost as much as the number of distinct tokens seen before: quadratic over a batch.
        missing = tokens.difference(memo)
        if missing:
            if len(memo) + len(missing) > self._MEMO_LIMIT:
                memo.clear()
                missing = tokens
            for token in missing:
                memo[token] = self._held_by(token)
        found = set().union(*map(memo.__getitem__, tokens))  # C-level: most tokens hold nothing
        if self._han_by_first:
            for first in self._han_by_first.keys() & tokens:
                found.update(lit for lit in self._han_by_first[first] if lit in low)
        for lit in self._spanning:
            if lit in low and (not lit.isascii() or _word_starts_of(low, lit)):
                found.add(lit)
        return frozenset(found), _LeadStarts(low)

    def _held_by(self, token: str) -> frozenset[str]:
        """The one-word Latin literals a word inside `token` starts with, or the Hangul literals in it."""
        first = token[0]
        if first < "a" and token.isascii():
            return _NOTHING  # a number, or a word glued to one ("2024we": no word starts inside)
        if first.isascii() or not _HANGUL_RUN.match(first):
            words, longest = self._words, self._longest
            pieces = (token,) if token.isascii() else _ASCII_WORD.findall(token)  # "café2" → "caf", "2"
            held = [w[:k] for w in pieces for k in range(1, min(len(w), longest) + 1) if w[:k] in words]
        else:
            hangul, longest = self._hangul, self._longest_hangul
            held = [
                token[i : i + k] for i in range(len(token)) for k in range(1, min(longest, len(token) - i) + 1) if token[i : i + k] in hangul
            ]
        return frozenset(held) if held else _NOTHING


_NOTHING: frozenset[str] = frozenset()
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_HANGUL_RUN = re.compile(f"[{HANGUL}]+")  # the glossary tokens' Hangul class: a Hangul token is a maximal run of it
_HAN_RUN = re.compile(f"[{HAN}]+")  # each Han character is a token of its own
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _word_starts_of(low: str, literal: str) -> list[int]:
    """Offsets where `literal` starts a word of `low` (not after a Latin letter or digit)."""
    out = []
    at = low.find(literal)
    while at >= 0:
        if at == 0 or low[at - 1] not in _ALNUM:
            out.append(at)
        at = low.find(literal, at + 1)
    return out


class _LeadStarts:
    """Where each leading literal starts in one text, found when first asked: a Latin one at word
    starts, a Hangul or Han one anywhere (see phrases.leading_literals)."""

    __slots__ = ("_low", "_found")

    def __init__(self, low: str):
        self._low = low
        self._found: dict[str, list[int]] = {}

    def get(self, lead: str, default=()) -> list[int]:
        found = self._found.get(lead)
        if found is None:
            if lead.isascii():
                found = _word_starts_of(self._low, lead)
            else:
                found = []
                at = self._low.find(lead)
                while at >= 0:
                    found.append(at)
                    at = self._low.find(lead, at + 1)
            self._found[lead] = found
        return found or default


def _matches_at(rx, text: str, starts: "_LeadStarts", leads: tuple[str, ...]) -> list:
    """What rx.finditer(text) finds, tried only where one of its leading literals starts.

    Every match starts with one of `leads` (phrases.leading_literals), so the
    other offsets cannot start one; left to right and without overlaps, as
    finditer does.
    """
    offsets = [at for lead in leads for at in starts.get(lead, ())]
    if not offsets:
        return []
    if len(leads) > 1:
        offsets = sorted(set(offsets))
    out = []
    reach = 0
    for at in offsets:
        if at >= reach:
            m = rx.match(text, at)
            if m is not None:
                out.append(m)
                reach = m.end()
    return out


def _leftmost_longest_hits(hits: list) -> list:
    """Regex hits and phrase hits over the same text: keep the leftmost, then the longest."""
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    kept: list = []
    reach = -1
    for h in hits:
        if h.start >= reach:
            kept.append(h)
            reach = h.end
    return kept


def _leftmost_longest(found: dict) -> list:
    """Of overlapping matches (first, last, cut) → refs: leftmost first, then the longest."""
    if not found:
        return []
    if len(found) == 1:
        (first, last, cut), refs = next(iter(found.items()))
        return [(first, last, cut, refs)]
    out = []
    free = 0
    full = 1 << 30
    for first, last, cut in sorted(found, key=lambda m: (m[0], -m[1], -(m[2] if m[2] is not None else full))):
        if first >= free:
            out.append((first, last, cut, found[(first, last, cut)]))
            free = last + 1
    return out


def _hit_order(hit: TermHit) -> tuple:
    return (hit.start, hit.end, hit.rule)


def _near_hit(matched: str, start: int, end: int, ref: FormRef) -> TermHit:
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


def _anchor_rank(token: str, shared: Counter, position: int) -> tuple:
    """Lower is a better anchor: the token least likely to occur in a draft.

    A word of four letters or more (not "to", "on", "is"), then the one
    fewest forms share ("delay", not "delivery" in "delivery delay"), then
    the longer, then the later; "z" for A-to-Z, where every word is short.
    """
    return (len(token) < 4, shared[token], -len(token), -position)


def _in_scope(refs, platform, kind, where, i, j, cut):
    """The refs that apply to tokens i..j (scope, case, trailing punctuation); None when none do."""
    ok = None
    for ref in refs:
        if not ref.entry.in_scope(platform, kind):
            continue
        if ref.tail and (cut is not None or not normalize_gap(where[1].parts[2 * j + 2]).startswith(ref.tail)):
            continue
        if ref.case_tokens is not None and not _case_ok(where, i, j, cut, ref):
            continue
        if ok is None:
            ok = [ref]
        else:
            ok.append(ref)
    return ok


def _case_ok(where, i: int, j: int, cut, ref: FormRef) -> bool:
    text, toks = where
    start = toks.start(i)
    end = toks.start(j) + (cut if cut is not None else len(toks.tokens[j]))
    return tuple(TOKEN_ANYCASE.findall(text[start:end])) == ref.case_tokens


class _Tokens:
    """A draft cut into tokens and gaps (one C-level split), with offsets computed on demand."""

    __slots__ = ("parts", "tokens", "_at", "_offset")

    def __init__(self, low: str):
        self.parts = TOKEN_SPLIT.split(low)  # [leading gap, token, gap, token, gap, …]
        self.tokens = self.parts[1::2]
        self._at = 0
        self._offset = len(self.parts[0])

    def start(self, i: int) -> int:
        """Offset of token i; asked in mostly increasing order, so it continues from the last answer."""
        if i < self._at:
            self._at, self._offset = 0, len(self.parts[0])
        if i > self._at:
            self._offset += len("".join(self.parts[2 * self._at + 1 : 2 * i + 1]))  # C-level, no call per part
            self._at = i
        return self._offset


def korean_spacings(form: str) -> list[str]:
    """A space between two Hangul words of a form is optional in drafts (풀필먼트 센터 / 풀필먼트센터)."""
    if " " not in form or not _HAS_HANGUL.search(form):
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
    words = matched.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words) and replacement.islower():
        return " ".join(w[:1].upper() + w[1:] for w in replacement.split(" "))
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
