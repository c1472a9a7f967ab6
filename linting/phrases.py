"""Fast matching of many fixed phrases: a trie-shaped regex over lower-cased text.

Python's `re` tries every branch of a plain alternation at every position
(30 phrases cost ~400 µs on a 1,000-character draft); the same phrases
folded into a trie cost a few µs, because each position fails on its
first character. Word-boundary rules differ by script (English whole
words, Korean particles may follow but no Hangul may precede, Chinese is
a substring), so boundaries are checked on the few candidate matches,
not inside the regex.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .scripts import HAN_CHARS, HANGUL_CHARS, KANA_CHARS, lower_same_length

_IS_HANGUL = re.compile(f"[{HANGUL_CHARS}]")
_IS_CJK = re.compile(f"[{HAN_CHARS}{KANA_CHARS}]")
_SPACE = object()


def _escape_char(ch: str) -> str:
    return re.escape(ch)


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regex source matching any of `phrases` (already lower-cased); a space matches any whitespace run."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        prev_space = False
        for ch in phrase:
            if ch.isspace():
                if prev_space:
                    continue
                key = _SPACE
                prev_space = True
            else:
                key = ch
                prev_space = False
            node = node.setdefault(key, {})
        node[""] = {}
    return _emit(trie) or r"(?!x)x"


def _emit(node: dict) -> str:
    terminal = "" in node
    alts = []
    singles = []
    for key in sorted((k for k in node if k != ""), key=lambda k: (k is _SPACE, str(k))):
        child = node[key]
        head = r"\s+" if key is _SPACE else _escape_char(key)
        rest = _emit(child)
        if rest == "" and "" in child and key is not _SPACE:
            singles.append(head)
        else:
            alts.append(head + rest)
    if singles:
        alts.append(singles[0] if len(singles) == 1 else "[" + "".join(s if len(s) == 1 else s for s in singles) + "]")
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if terminal:
        body = "(?:" + body + ")?" if len(alts) > 1 or len(body) > 1 else body + "?"
    return body


def script_of(phrase: str) -> str:
    """'ko' (Hangul present), 'zh' (Han or kana, no Hangul) or 'latin' — decides the boundary rule."""
    if _IS_HANGUL.search(phrase):
        return "ko"
    if _IS_CJK.search(phrase):
        return "zh"
    return "latin"


def boundary_ok(text: str, start: int, end: int, script: str) -> bool:
    """Whole words for Latin (ASCII neighbours), no Hangul before a Korean phrase
    (particles may follow); none for Chinese."""
    if script == "latin":
        # Latin words end at anything but an ASCII letter or digit: a Korean
        # particle may follow directly ("KST에", "SKU는").
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if text[start].isalnum() and before.isascii() and before.isalnum():
            return False
        if text[end - 1].isalnum() and after.isascii() and after.isalnum():
            return False
        return True
    if script == "ko":
        return not (start and _IS_HANGUL.match(text[start - 1]))
    return True


def required_literal(source: str) -> str:
    """The longest literal run every match of a regex must contain ("" if none).

    Used as a cheap `in` gate, so a regex entry scans only drafts that can
    match it. Reads the parsed pattern through `re`'s parser, a private
    module; if that ever changes, the gate is simply skipped.
    """
    parsed = _parse_tree(source)
    if parsed is None:
        return ""
    C, items = parsed
    best, run = "", []
    for op, arg in items:
        if op is C.LITERAL:
            run.append(chr(arg))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    if len(run) > len(best):
        best = "".join(run)
    best = best.strip()
    return best if len(best) >= 2 or (best and not best.isascii()) else ""


_last_parts: dict[str, tuple[tuple[str, ...], ...]] = {}
_LEAD = re.compile(r"^[^a-z0-9]+")


def _word_starts(alternatives: tuple[str, ...]) -> tuple[str, ...] | None:
    """The alternatives as word starts: a Latin literal loses leading punctuation ("@gmail" → "gmail",
    found after "@"); a part with an alternative that is punctuation only cannot gate (None)."""
    out = []
    for alt in alternatives:
        low = alt.lower()
        if low.isascii():
            low = _LEAD.sub("", low)
            if not low:
                return None
        out.append(low)
    return tuple(out)


def required_parts(source: str) -> tuple[tuple[str, ...], ...]:
    """Every required part of a regex whose literals are selective (at least 3 characters, or 2
    Hangul or Han): each is a tuple of alternatives, and a match contains one of every part."""
    if source not in _last_parts:
        required_alternatives(source)
    return _last_parts.get(source, ())


def _parse_tree(source: str):
    """(re's opcode constants, the parsed items of `source`), or None when `re`'s private
    parser is missing or the regex does not parse (an invalid regex is reported elsewhere)."""
    try:
        from re import _constants as C  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover
        return None
    try:
        return C, list(sre_parse.parse(source))
    except Exception:  # noqa: BLE001
        return None


def required_alternatives(source: str) -> tuple[tuple[str, ...], bool] | None:
    """What every match of a regex must contain: (literals, one of which is in every match;
    whether every match has a non-ASCII character), or None when nothing can be told.

    A cheap gate for the glossary's regex forms: most drafts contain none of
    "withdraw", "cancel", "close" …, or are plain ASCII where a Korean form
    cannot match, and the regex is then never run. Of the pattern's required
    parts, the most selective (longest shortest literal) is the gate. Reads
    the parse tree through `re`'s private parser; if that changes, there is
    no gate.
    """
    parsed = _parse_tree(source)
    if parsed is None:
        return None
    C, items = parsed
    ZERO = ()  # an element that requires nothing (zero width, optional)

    def non_ascii_class(av) -> bool:
        for o, a in av:
            if o is C.LITERAL and a < 0x80:
                return False
            if o is C.RANGE and a[0] < 0x80:
                return False
            if o not in (C.LITERAL, C.RANGE):
                return False
        return True

    def parts(items):
        """Each required part of a sequence: a tuple of literal alternatives, or "N" (non-ASCII, unknown literal)."""
        out = []
        i = 0
        while i < len(items):
            op, av = items[i]
            if op is C.LITERAL:
                run = []
                while i < len(items) and items[i][0] is C.LITERAL:
                    run.append(chr(items[i][1]))
                    i += 1
                # `re` factors a common prefix out of alternatives ("rethink|review" becomes
                # "re" + (think|view)): glue it back, so each literal is a whole word start.
                leads = _branch_leads(items[i]) if i < len(items) else None
                if leads:
                    out.append(tuple("".join(run) + lead for lead in leads))
                    i += 1
                    continue
                out.append(("".join(run),))
                continue
            out.extend(element(op, av))
            i += 1
        return out

    def _branch_leads(item) -> list[str] | None:
        """The leading literal run of every branch of a BRANCH (or of a group holding one), else None."""
        op, av = item
        if op is C.SUBPATTERN:
            inner = list(av[-1])
            return _branch_leads(inner[0]) if len(inner) == 1 else None
        if op is not C.BRANCH:
            return None
        leads = []
        for branch in av[1]:
            run = []
            for bop, bav in branch:
                if bop is not C.LITERAL:
                    break
                run.append(chr(bav))
            if not run:
                return None
            leads.append("".join(run))
        return leads

    def best(found) -> tuple[str, ...] | None:
        literal = [p for p in found if p != "N"]
        return max(literal, key=lambda alts: min(map(len, alts))) if literal else None

    def element(op, av) -> list:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return []
        if op is C.SUBPATTERN:
            return parts(list(av[-1]))
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            return parts(list(av[2])) if av[0] >= 1 else []
        if op is C.BRANCH:
            per_branch = [parts(list(b)) for b in av[1]]
            if all(not p for p in per_branch):
                return []
            chosen = [best(p) for p in per_branch]
            out = []
            if all(c is not None for c in chosen):
                out.append(tuple(dict.fromkeys(x for c in chosen for x in c)))
            if all(any(q == "N" or all(not alt.isascii() for alt in q) for q in p) for p in per_branch):
                out.append("N")
            return out
        if op is C.IN:
            if non_ascii_class(av):
                literals = [chr(a) for o, a in av if o is C.LITERAL]
                return [tuple(literals)] if len(literals) == len(av) and len(av) <= 12 else ["N"]
            if all(o is C.LITERAL for o, _ in av) and len(av) <= 12:
                return [tuple(chr(a) for _, a in av)]
        return []

    found = [p if p == "N" else _word_starts(p) for p in parts(items)]
    found = [p for p in found if p]
    literals = best(found)
    _last_parts[source] = tuple(
        tuple(lit.lower() for lit in p)
        for p in found
        if p != "N" and min(map(len, p)) >= (2 if all(not lit.isascii() for lit in p) else 3)
    )
    # Every match has a non-ASCII character when one required part is non-ASCII in all its forms.
    non_ascii = any(p == "N" or all(not alt.isascii() for alt in p) for p in found)
    if literals is None and not non_ascii:
        return None
    return tuple(lit.lower() for lit in literals or ()), non_ascii


def leading_literals(source: str) -> tuple[str, ...] | None:
    """Literals (lower-cased) one of which starts every match of a regex, or None when that cannot be told.

    A Latin literal counts only when the pattern puts a word boundary before
    it (`\\b` or a look-behind excluding word characters), so that it starts a
    word; a Hangul or Han literal may start anywhere. The glossary then runs
    the regex only where one of them occurs (`CompiledGlossary.scan`):
    `re` cannot skip ahead to "we" or "our" through a leading look-behind, and
    tries the pattern at every character instead.
    """
    parsed = _parse_tree(source)
    if parsed is None:
        return None
    C, items = parsed

    def word_start(op, av) -> bool:
        if op is C.AT:
            return av is C.AT_BOUNDARY
        if op is C.ASSERT_NOT and av[0] == -1 and len(av[1]) == 1:
            inner_op, inner_av = list(av[1])[0]
            return inner_op is C.IN and any(o is C.CATEGORY and a is C.CATEGORY_WORD for o, a in inner_av)
        return False

    def leads(seq: list, bounded: bool) -> list[str] | None:
        i = 0
        while i < len(seq) and seq[i][0] in (C.AT, C.ASSERT, C.ASSERT_NOT):
            bounded = bounded or word_start(*seq[i])
            i += 1
        if i == len(seq):
            return None
        op, av = seq[i]
        if op is C.LITERAL:
            run = []
            while i < len(seq) and seq[i][0] is C.LITERAL:
                run.append(chr(seq[i][1]))
                i += 1
            lead = "".join(run).lower()
            if lead.isascii() and not (bounded and lead[0].isalnum()):
                return None
            return [lead]
        if op is C.SUBPATTERN:
            return leads(list(av[-1]), bounded)
        if op is C.IN and len(av) <= 12 and all(o is C.LITERAL for o, _ in av):
            # `re` turns one-character alternatives (었|았|였) into a set
            chars = [chr(a).lower() for _, a in av]
            if any(ch.isascii() and not (bounded and ch.isalnum()) for ch in chars):
                return None
            return chars
        if op is C.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                found = leads(list(branch), bounded)
                if not found:
                    return None
                out.extend(found)
            return out
        return None

    found = leads(items, False)
    return tuple(dict.fromkeys(found)) if found else None


_BRACES = re.compile(r"\{([^{}]*)\}")


def expand_braces(phrase: str) -> list[str]:
    """'{last,next} {monday,friday}' -> four phrases: compact word lists stay readable data."""
    m = _BRACES.search(phrase)
    if not m:
        return [phrase]
    out = []
    for option in m.group(1).split(","):
        out.extend(expand_braces(phrase[: m.start()] + option.strip() + phrase[m.end() :]))
    return out


GATE_WINDOW = 64  # a gated regex match may reach this far on either side of its literal


def _gated(rx: re.Pattern, gate: str, low: str):
    """Matches of `rx`, searched only in windows around each occurrence of its required literal.

    Every match contains the literal, so windows of GATE_WINDOW characters
    around it find every match up to that length, at a cost proportional
    to the occurrences rather than to the whole text.
    """
    if not gate:
        yield from rx.finditer(low)
        return
    pos = low.find(gate)
    done = 0
    while pos != -1:
        lo = max(done, pos - GATE_WINDOW)
        hi = min(len(low), pos + len(gate) + GATE_WINDOW)
        for m in rx.finditer(low, lo, hi):
            # Only the match that contains this occurrence: one that ends at the
            # window's edge could be cut short, and later occurrences get their own window.
            if m.start() <= pos < m.end():
                yield m
                done = m.end()
                break
        pos = low.find(gate, max(pos + 1, done))


class PhraseMatch(NamedTuple):
    """A tuple, not a dataclass: thousands are made per batch and tuples are built in C."""

    start: int
    end: int
    phrase: str  # the canonical phrase (lower-cased, single spaces)


class PhraseSet:
    """Finds many phrases at once, case-insensitively, with script-aware boundaries.

    Literal phrases may use brace alternatives ("{last,next} monday").
    Entries starting with "re:" are regular expressions, matched against
    the lower-cased text (write them in lower case); the rest are literal
    phrases. Each regex runs only on text containing its required literal.
    """

    def __init__(self, phrases: Iterable[str]):
        literals: dict[str, str] = {}
        regexes: list[tuple[str, re.Pattern]] = []
        for p in phrases:
            if p.startswith("re:"):
                regexes.append((required_literal(p[3:]), re.compile(p[3:])))
            else:
                for expanded in expand_braces(p):
                    key = " ".join(expanded.lower().split())
                    if key:
                        literals[key] = expanded
        self._canonical = literals
        self._scripts = {k: script_of(k) for k in literals}
        self._trie = re.compile(trie_pattern(literals)) if literals else None
        self._regexes = regexes

    @property
    def phrases(self) -> list[str]:
        """The literal phrases, lower-cased with single spaces (brace alternatives expanded)."""
        return list(self._canonical)

    @property
    def has_regexes(self) -> bool:
        return bool(self._regexes)

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[PhraseMatch]:
        """Matches in text order; longest match at a position wins."""
        low = lowered if lowered is not None else lower_same_length(text)
        found: list[PhraseMatch] = []
        if self._trie is not None:
            for m in self._trie.finditer(low):
                key = m.group()
                if not key.isalnum():  # only a phrase with spaces needs them folded
                    key = " ".join(key.split())
                script = self._scripts.get(key, "latin")
                if boundary_ok(low, m.start(), m.end(), script):
                    found.append(PhraseMatch(m.start(), m.end(), key))
        for gate, rx in self._regexes:
            for m in _gated(rx, gate, low):
                if m.end() > m.start() and boundary_ok(low, m.start(), m.end(), script_of(m.group())):
                    found.append(PhraseMatch(m.start(), m.end(), m.group().lower()))
        if self._regexes:
            found.sort(key=lambda x: (x.start, -x.end))
            out, last_end = [], -1
            for f in found:
                if f.start >= last_end:
                    out.append(f)
                    last_end = f.end
            found = out
        return iter(found)

    def match_at(self, text_lower: str, pos: int) -> PhraseMatch | None:
        """The longest phrase starting exactly at `pos` (for zone names after a time)."""
        if self._trie is None:
            return None
        m = self._trie.match(text_lower, pos)
        if m:
            key = m.group()
            if not key.isalnum():
                key = " ".join(key.split())
            if boundary_ok(text_lower, pos, m.end(), self._scripts.get(key, "latin")):
                return PhraseMatch(pos, m.end(), key)
        for _, rx in self._regexes:
            m = rx.match(text_lower, pos)
            if m:
                return PhraseMatch(m.start(), m.end(), m.group())
        return None
