"""Unicode script analysis for replies that mix Hangul, Han, Kana and Latin.

Script membership is exact and cheap (one precompiled regex pass), so the
language rules decide with it whatever it can decide: Hangul is Korean,
Kana is Japanese, Han outside Korean is Chinese. Only Latin-script text
needs a statistical detector. Everything here is pure and works on
character offsets into the string it is given, so callers keep the spans.

Public API:
- `HANGUL_RE`, `HAN_RE`, `KANA_RE`, `LATIN_RE`, `OTHER_RE`: one-or-more runs of a script.
- `script_runs(text, start, end)` / `count_scripts(text, start, end)` -> `ScriptCounts`.
- `sentence_bounds(text)` / `sentence_spans(text)`: sentences (ASCII and CJK terminators,
  line breaks), untrimmed or trimmed; `trim(text, start, end)`.
- `han_chunks(text, start, end)` (`HAN_CHUNK_RE`): Han runs with the Chinese punctuation glued to them.
- `is_hanja(text, start, end, max_run)`, `is_hanja_gloss(text, start, end)`: whether a Han
  run inside Korean reads as Hanja.
- `other_script_name(char)`: "Cyrillic", "Thai", ... for letters of other scripts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterator, NamedTuple

HANGUL = "hangul"
HAN = "han"
KANA = "kana"
LATIN = "latin"
OTHER = "other"

# Character classes (regex fragments, without brackets). Hangul includes the
# compatibility jamo (ㅎ, ㅋㅋ) Korean text uses on their own.
HANGUL_CHARS = "\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e\ua960-\ua97f\ud7b0-\ud7ff\uffa0-\uffdc"
# CJK ideographs, extensions, compatibility ideographs (Korean fonts encode
# Hanja such as 盧 or 樂 there), plus 々 and 〇, which behave as ideographs.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007\U00020000-\U0003134f"
# Kana letters only: the middle dot ・ (U+30FB) and the long-vowel mark ー
# (U+30FC) are excluded because they occur outside Japanese text.
KANA_CHARS = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff6f\uff71-\uff9d"
LATIN_CHARS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
LATIN_MARKS = "\u0300-\u036f"  # combining accents inside Latin words (decomposed Vietnamese)

# Letters of scripts none of the marketplaces' reply languages use, by block.
_OTHER_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1780, 0x17FF, "Khmer"),
)
OTHER_CHARS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi, _ in _OTHER_BLOCKS)

HANGUL_RE = re.compile(f"[{HANGUL_CHARS}]+")
HAN_RE = re.compile(f"[{HAN_CHARS}]+")
KANA_RE = re.compile(f"\u30fc*[{KANA_CHARS}][{KANA_CHARS}\u30fc]*")
LATIN_RE = re.compile(f"[{LATIN_CHARS}][{LATIN_CHARS}{LATIN_MARKS}]*")
OTHER_RE = re.compile(f"[{OTHER_CHARS}]+")

_RUN_RE = re.compile(
    f"(?P<{HANGUL}>[{HANGUL_CHARS}]+)"
    f"|(?P<{HAN}>[{HAN_CHARS}]+)"
    f"|(?P<{KANA}>\u30fc*[{KANA_CHARS}][{KANA_CHARS}\u30fc]*)"
    f"|(?P<{LATIN}>[{LATIN_CHARS}][{LATIN_CHARS}{LATIN_MARKS}]*)"
    f"|(?P<{OTHER}>[{OTHER_CHARS}]+)"
)


class Run(NamedTuple):
    """A maximal run of letters of one script: text[start:end]."""

    script: str
    start: int
    end: int


def script_runs(text: str, start: int = 0, end: int | None = None) -> Iterator[Run]:
    """Letter runs of text[start:end] by script; digits, spaces and punctuation separate runs."""
    for m in _RUN_RE.finditer(text, start, len(text) if end is None else end):
        yield Run(m.lastgroup, m.start(), m.end())


# Scripts are compared in syllables: a Hangul block, a Han character and a
# kana are each about one; an English syllable takes about three letters.
LATIN_LETTERS_PER_SYLLABLE = 3


@dataclass(slots=True)
class ScriptCounts:
    """Letters per script in a stretch of text."""

    hangul: int = 0
    han: int = 0
    kana: int = 0
    latin: int = 0
    other: int = 0

    def dominant(self) -> str | None:
        """The script that carries most of the text, in syllables (None when there are no letters).

        Japanese mixes Kana with Han, so Kana dominates when Kana plus Han
        outweigh every other script; otherwise the heaviest script wins,
        and Han wins only when it is strictly heavier (a tie is read as
        Chinese mixed into the other language). So "배송완료 되었습니다
        我们已经发货了" is Korean (9 against 7) and "Please check
        订单已经发货了" Chinese (11/3 against 7).
        """
        hangul, latin, other = self.hangul, self.latin / LATIN_LETTERS_PER_SYLLABLE, self.other
        rest = max(hangul, latin, other)
        if self.kana and self.kana + self.han >= rest:
            return KANA
        if self.han and self.han > rest:
            return HAN
        if not rest:
            return None
        if hangul >= latin and hangul >= other:
            return HANGUL
        return LATIN if latin >= other else OTHER


def count_scripts(text: str, start: int = 0, end: int | None = None) -> ScriptCounts:
    """Letters of each script in text[start:end], in one regex pass."""
    counts = ScriptCounts()
    for m in _RUN_RE.finditer(text, start, len(text) if end is None else end):
        script = m.lastgroup
        setattr(counts, script, getattr(counts, script) + m.end() - m.start())
    return counts


# --- sentences ---------------------------------------------------------------

# Candidate sentence ends: a line break, or terminators with any closing quotes
# or brackets. One character class up front keeps the scan in C.
_CLOSERS = "\"'”’)\\]」』）】》〉"
_TERMINATORS = "。！？.!?…"
# One C-level pass finds exactly the sentence ends: a line break, or a run of
# terminators (atomic: never shortened) with any closing quotes or brackets,
# which ends a sentence when it closes with a bracket/quote or a CJK
# terminator, or is followed by white space or the end of the text.
_SENTENCE_END_RE = re.compile(
    f"[\\n{_TERMINATORS}](?:(?<=\\n)|(?>[{_TERMINATORS}]*)(?>[{_CLOSERS}]*)"
    f"(?:(?<=[{_CLOSERS}。！？])|(?=\\s|\\Z)))"
)
_BULLETS = frozenset("-*•")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Consecutive, untrimmed sentence pieces covering `text` (some may be blank).

    A sentence ends at a line break, at a CJK terminator (。！？, no space
    needed) or at . ! ? … followed by white space or the end, so 3.5,
    e.g.x and file.pdf do not split. Deliberately simple: the language
    rules only need sentence-sized pieces, and a split after "e.g. " costs
    nothing but a shorter piece. Use `sentence_spans` for trimmed,
    non-blank spans; this form is the cheap one for hot paths.
    """
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    n = len(text)
    if not ends or ends[-1] < n:
        ends.append(n)
    if n == 0:
        return []
    return list(zip([0, *ends[:-1]], ends))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without surrounding white space and a leading list bullet (- * •)."""
    while start < end and text[start].isspace():
        start += 1
    if start + 1 < end and text[start] in _BULLETS and text[start + 1] in " \t":
        start += 2
        while start < end and text[start].isspace():
            start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Trimmed spans of the sentences in `text` (see `sentence_bounds`)."""
    spans = []
    for a, b in sentence_bounds(text):
        a, b = trim(text, a, b)
        if b > a:
            spans.append((a, b))
    return spans


# --- Chinese ----------------------------------------------------------------

# Punctuation typed by a Chinese input method; inside a Han chunk it belongs to it.
CHINESE_PUNCTUATION = "，。、！？：；（）【】《》「」『』…—·・"
_OPEN = "（【《「『“"
_CLOSE = "，。、！？：；）】》」』…”"
HAN_CHUNK_RE = re.compile(
    f"[{_OPEN}]*[{HAN_CHARS}]+"
    f"(?:[\\s\\d{CHINESE_PUNCTUATION}]*[{HAN_CHARS}]+)*"
    f"[{_CLOSE}]*"
)


def han_chunks(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of Han text in text[start:end], each with the Chinese punctuation,
    digits and spaces that join its characters and the punctuation glued to its ends."""
    for m in HAN_CHUNK_RE.finditer(text, start, len(text) if end is None else end):
        yield m.start(), m.end()


_WIDE = re.compile(f"[{HANGUL_CHARS}{HAN_CHARS}\u3000-\u30ff\uff01-\uff60\uffe0-\uffe6]")


def display_width(text: str) -> int:
    """Columns the text takes on screen: Hangul, Han, Kana and full-width forms take two."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def lower_same_length(text: str) -> str:
    """text.lower(), keeping every offset (a few characters such as 'İ' grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@cache
def language_data() -> dict:
    """linting/language_data.toml: word and character lists kept as data.

    Read on first use, once, not at import: importing the core (the desk
    does it to show its first screen) reads no file, and `Linter.warm()`
    loads it before batch workers fork.
    """
    from importlib.resources import files

    from .tomldata import loads_toml

    return loads_toml(files("replydesk.linting").joinpath("language_data.toml").read_text(encoding="utf-8"))


@cache
def characters(key: str) -> frozenset[str]:
    """The characters of a language_data.toml string (whitespace ignored), e.g. `simplified_only`."""
    return frozenset("".join(language_data()[key].split()))


@cache
def words(*keys: str) -> frozenset[str]:
    """The whitespace-separated words of one or more language_data.toml strings."""
    return frozenset(word for key in keys for word in language_data()[key].split())


_HANGUL_BEFORE_RE = re.compile(f"[{HANGUL_CHARS}]+(?: [{HANGUL_CHARS}]+)?\\($")
_READING_AFTER_RE = re.compile(f"\\(([{HANGUL_CHARS}]+)\\)")
_HANGUL_ONLY_RE = re.compile(f"[{HANGUL_CHARS}]")


def is_hanja(text: str, start: int, end: int, max_run: int) -> bool:
    """Whether the Han run text[start:end], found inside a Korean sentence, is Hanja.

    Korean writes Hanja in three ways, and Chinese mixed into Korean looks
    like none of them:
    1. a gloss after the Hangul word it spells, 변수(變數), 노무현(盧武鉉),
       아베 신조(安倍晋三), or its reverse, 道(도) (see `is_hanja_gloss`);
    2. a short headline abbreviation standing alone: 美 (America),
       全大 (national convention), 男/女 - at most `max_run` characters
       (the pack's `hanja_max_run`; Chinese words are mostly two
       characters too, which is why the simplified-form test matters);
    3. in every case in traditional forms: a run with a simplified-only
       character (language_data.toml `simplified_only`: 们, 发, 经, 签 ...;
       Korean Hanja never uses them) is Chinese.
    On the Leipzig Korean news sentences (27 Hanja runs, 1-4 characters)
    this accepts every run; it rejects 已经, 已签收 and 我们已经发货了.
    """
    if not characters("simplified_only").isdisjoint(text[start:end]):
        return False
    return end - start <= max_run or is_hanja_gloss(text, start, end)


def is_hanja_gloss(text: str, start: int, end: int) -> bool:
    """Whether the Han run text[start:end] glosses Hangul, 변수(變數), or is glossed by it, 道(도).

    Every Hanja reads as exactly one Hangul syllable, so a gloss in
    parentheses may not be longer than the Hangul (at most two words)
    right before its opening parenthesis, and a reading in parentheses
    after the run has exactly as many syllables as the run has characters.
    """
    if not characters("simplified_only").isdisjoint(text[start:end]):
        return False
    length = end - start
    if start > 0 and end < len(text) and text[start - 1] == "(" and text[end] == ")":
        before = _HANGUL_BEFORE_RE.search(text, max(0, start - 24), start)
        if before is not None and len(_HANGUL_ONLY_RE.findall(before.group())) >= length:
            return True
    after = _READING_AFTER_RE.match(text, end)
    return after is not None and len(after.group(1)) == length


# --- other scripts ----------------------------------------------------------

def other_script_name(char: str) -> str:
    """The name of the script of a letter matched by `OTHER_RE` ("Cyrillic", "Thai")."""
    code = ord(char)
    for lo, hi, name in _OTHER_BLOCKS:
        if lo <= code <= hi:
            return name
    return "non-Latin"
