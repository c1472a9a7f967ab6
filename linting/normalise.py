"""Text as the rules match it, and the way back to the text as written.

A reply reaches the linter as someone typed or exported it: Korean from
macOS and some exports arrives decomposed (NFD: 배 as ᄇ+ᅢ), and invisible
characters (zero-width spaces, word joiners, soft hyphens, bidi controls)
sit inside words, pasted from chat tools or planted to get past a filter
(`Whats\\u200bApp`). The glossary and keyword rules compare code points, so
NFD 배송완료 is "missing" and WhatsApp with a zero-width space is not
off-platform.

`matching_view` gives the rules one text to match: NFC, with those
characters left out. It keeps, for every character of that text, where it
came from, so findings are reported on the text as written (a span over
`Whats\\u200bApp` covers the invisible character too, and a fix replaces it).
Most drafts are already NFC without invisible characters; for them there
is no view and no cost beyond two C-level checks.

The characters left out are data (`invisible_characters` in
language_data.toml); LANG005 reports them, because they reach the platform
as typed. Pure: text in, text and offsets out.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .scripts import language_data


@cache
def invisible_table() -> dict[str, tuple[str, bool]]:
    """char → (name, only inside a word). From language_data.toml `[invisible_characters]`, read on first use."""
    table = {}
    for code, entry in language_data()["invisible_characters"].items():
        table[chr(int(code, 16))] = (entry["name"], bool(entry.get("inside_word_only", False)))
    return table


def _class_of(chars) -> str:
    """A regex character class with runs of code points as ranges (re tests ranges about twice as fast)."""
    points = sorted(map(ord, chars))
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@cache
def _invisible_re() -> re.Pattern:
    return re.compile(_class_of(invisible_table()))

# Characters with canonical combining class 0 that NFC still joins to the character
# before them (NFC_Quick_Check = Maybe): Hangul vowel and final jamo, and a few Indic
# and Myanmar vowel signs. With the combining marks (class > 0) they make one cluster.
_JOINS_BACKWARD_RANGES = (
    (0x1161, 0x1175),
    (0x11A8, 0x11C2),
    (0x0B3E, 0x0B3E), (0x0B56, 0x0B57), (0x0BBE, 0x0BBE), (0x0BD7, 0x0BD7),
    (0x0CC2, 0x0CC2), (0x0CD5, 0x0CD6), (0x0D3E, 0x0D3E), (0x0D57, 0x0D57),
    (0x0DCF, 0x0DCF), (0x0DDF, 0x0DDF), (0x102E, 0x102E), (0x1B35, 0x1B35),
)


def _joins_backward(ch: str) -> bool:
    if unicodedata.combining(ch):
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _JOINS_BACKWARD_RANGES)


def invisible_at(text: str, i: int) -> bool:
    """Whether text[i] is an invisible character that counts (a joiner only between two letters or digits)."""
    entry = invisible_table().get(text[i])
    if entry is None:
        return False
    if not entry[1]:
        return True
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def invisible_spans(text: str, start: int = 0):
    """(offset, character) of each invisible character that counts, from `start` on."""
    for m in _invisible_re().finditer(text, start):
        if invisible_at(text, m.start()):
            yield m.start(), m.group()


@dataclass(frozen=True, slots=True)
class MatchingView:
    """The text the rules match (`text`), with a map from its offsets back to the original."""

    text: str
    _starts: list[int]  # _starts[i]: where the character at i came from; _starts[len] = len(original)
    _ends: list[int]  # _ends[i]: where the original text ends for a span ending at i

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that text[start:end] came from."""
        a = self._starts[start]
        if end <= start:
            return a, a
        return a, self._ends[end]

    def view_offset(self, original: int) -> int:
        """The first offset of the view that comes from `original` or later."""
        return bisect.bisect_left(self._starts, original)


def meant(text: str) -> str:
    """`text` as the rules match it: the view's text, for strings that need no way back
    (a case's required keywords, the notice's text, replies already sent)."""
    view = matching_view(text)
    return text if view is None else view.text


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def matching_view(text: str) -> MatchingView | None:
    """The NFC text without invisible characters, or None when that is `text` itself."""
    if text.isascii():
        return None
    needs_nfc = not unicodedata.is_normalized("NFC", text)
    if not needs_nfc and next(invisible_spans(text), None) is None:
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = [0]
    pos = 0
    for m in _NON_ASCII_RUN.finditer(text):
        a, b = m.span()
        if a > pos and _joins_backward(text[a]):
            a -= 1  # "e" + U+0301: the ASCII letter is part of the cluster NFC composes
        if a > pos:  # an ASCII stretch: as written
            out.append(text[pos:a])
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        _map_run(text, a, b, out, starts, ends)
        pos = b
    if pos < len(text):
        out.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    starts.append(len(text))
    return MatchingView("".join(out), starts, ends)


def _map_run(text: str, a: int, b: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    """Map text[a:b] (no ASCII inside) cluster by cluster: a character and what NFC joins to it."""
    run = text[a:b]
    if unicodedata.is_normalized("NFC", run) and _invisible_re().search(run) is None:
        out.append(run)
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        return
    i = a
    while i < b:
        if invisible_at(text, i):
            i += 1
            continue
        j = i + 1
        while j < b and _joins_backward(text[j]):
            j += 1
        cluster = text[i:j]
        composed = unicodedata.normalize("NFC", cluster) if j - i > 1 else cluster
        out.append(composed)
        if len(composed) == j - i:
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
        else:  # every character of the composed cluster stands for the whole cluster
            starts.extend([i] * len(composed))
            ends.extend([j] * len(composed))
        i = j


__all__ = ["invisible_table", "MatchingView", "invisible_at", "invisible_spans", "matching_view", "meant"]
