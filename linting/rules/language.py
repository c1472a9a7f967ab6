"""Language: a reply must be written in a language the platform reads.

Coupang reads Korean and English, Amazon English only; Chinese text is
ignored ("中文视为无效"), and Chinese mixed into an English or Korean
sentence reads as careless machine output. TikTok Shop and Shopee accept
Chinese on some sites, so the policy comes from the pack
(`[language] allowed`, `min_detect_chars`, `hanja_max_run`,
`fullwidth_punctuation`).

How it decides, cheapest first:
1. Script analysis (`replydesk.linting.scripts`) is exact: Kana is Japanese,
   Hangul Korean, Han outside Korean Chinese, Cyrillic/Thai/... another
   language. Korean sentences may carry Hanja (변수(變數), 美), which is
   Korean, not Chinese: see `scripts.is_hanja`.
2. A Latin-script sentence is English when it has enough English
   function words (the, and, of, we ...), which almost every English
   sentence has.
3. Only the rest - a Latin sentence of at least `min_detect_chars`
   letters of running prose with too few English function words - goes
   to langdetect (about 2 ms a call, cached per sentence). Product
   terms, brand names, IDs and file names are removed before counting
   letters or detecting, so "SKU AB-123" or "Evidence_POD_22000009546234.pdf"
   never decide a language.
"""
from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import scripts
from ..normalise import invisible_spans, invisible_table
from ..findings import Finding
from ..packs import LanguagePolicy
from .base import RuleInput


def language_name(code: str) -> str:
    """How a message names a language (`[language_names]` in linting/language_data.toml)."""
    return scripts.language_data()["language_names"].get(code, code)

# --- full-width punctuation ---------------------------------------------------

# char -> (ASCII replacement, acceptable inside a Korean sentence).
# Korean typography uses 《》〈〉「」『』 for titles and quotes, and Korean
# input methods type full-width ％ ～ ｍ and digits (Leipzig Korean news has
# 30ｍ and 65.3％), and Korean notices head sections with 【】; Chinese sentence
# punctuation ，。、！？：；（） is never Korean.
_CHINESE_MARKS = {
    "，": (",", False),
    "。": (".", False),
    "、": (",", False),
    "！": ("!", False),
    "？": ("?", False),
    "：": (":", False),
    "；": (";", False),
    "（": ("(", False),
    "）": (")", False),
    "【": ("[", True),  # Korean notices use 【공지】, 【증빙 자료】 as much as Chinese does
    "】": ("]", True),
    "《": ('"', True),
    "》": ('"', True),
    "〈": ('"', True),
    "〉": ('"', True),
    "「": ('"', True),
    "」": ('"', True),
    "『": ('"', True),
    "』": ('"', True),
}
# Every other full-width form U+FF01-FF5E maps to the ASCII character 0xFEE0 below it.
FULLWIDTH_PUNCTUATION: dict[str, tuple[str, bool]] = {
    **{chr(c): (chr(c - 0xFEE0), True) for c in range(0xFF01, 0xFF5F)},
    **_CHINESE_MARKS,
}
# ASCII marks that take a space before a following word.
_SPACED_AFTER = frozenset(",.!?:;")
_FULLWIDTH_RE = re.compile("[" + "".join(re.escape(c) for c in FULLWIDTH_PUNCTUATION) + "]")

# --- cheap English evidence -----------------------------------------------------

# Words frequent in any English sentence and rare in other Latin-script
# languages (linting/language_data.toml; see `_is_english`).
# Read lazily: `scripts.words("english_function_words")`.
_MIN_FUNCTION_WORDS = 2
_MIN_FUNCTION_SHARE = 0.15

_NON_LATIN_LETTER_RE = re.compile(
    f"[{scripts.HANGUL_CHARS}{scripts.HAN_CHARS}{scripts.KANA_CHARS}{scripts.OTHER_CHARS}]"
)
# A word of running prose: lower-case Latin letters, inner apostrophes or hyphens
# (accented capitals of the extended blocks are let through; they are rare).
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u1e00-\u1eff"
_PROSE_WORD_RE = re.compile(
    f"[{_LOWER}][{_LOWER}{scripts.LATIN_MARKS}]*(?:['’-][{_LOWER}{scripts.LATIN_MARKS}]+)*"
)
_TOKEN_STRIP = "\"'“”‘’()[]{}<>.,;:!?…*"


def _is_english(words: list[str]) -> bool:
    """Cheap English evidence: at least 2 English function words, at least 15 % of the words.

    Of the 935 Leipzig English sentences of 40+ characters, 809 pass as
    they stand and 21 more once IDs and names are dropped; 56 have too
    little prose to judge and 49 go to langdetect, which calls none of
    them non-English with the pack's `detect_confidence`. A sentence in another
    Latin-script language rarely has two of these words.
    """
    hits = sum(map(scripts.words("english_function_words").__contains__, words))
    return hits >= _MIN_FUNCTION_WORDS and hits >= _MIN_FUNCTION_SHARE * len(words)


def prose_words(sentence: str) -> list[str]:
    """The words of running prose in a Latin sentence, lower-cased.

    Drops what says nothing about the language: tokens with digits, `_`,
    `/`, `@` or dots inside (IDs, file names, URLs, e-mail), acronyms
    and brand spellings with inner capitals (SKU, iPhone), and
    capitalised words after the first (names, product titles).
    """
    out = []
    for i, raw in enumerate(sentence.split()):
        token = raw.strip(_TOKEN_STRIP)
        if i == 0 and token:
            token = token[0].lower() + token[1:]  # the sentence's own capital
        if token and _PROSE_WORD_RE.fullmatch(token) is not None:
            out.append(token)
    return out


# --- langdetect, lazily ---------------------------------------------------------

# Only Latin-script text is ever sent to langdetect, so only the Latin-script
# profiles are loaded: 31 of 55, about 0.1 s instead of 0.27 s (the CJK
# profiles are the largest), and no CJK language can be guessed wrongly.
LATIN_PROFILES = (
    "af", "ca", "cs", "cy", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu", "id", "it", "lt",
    "lv", "nl", "no", "pl", "pt", "ro", "sk", "sl", "so", "sq", "sv", "sw", "tl", "tr", "vi",
)

_factory = None
_factory_lock = threading.Lock()


def _detector_factory():
    """Load the langdetect profiles once, on first use, from any thread."""
    global _factory
    if _factory is None:
        with _factory_lock:
            if _factory is None:
                import os

                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                DetectorFactory.seed = 0
                factory = DetectorFactory()
                profiles = []
                for code in LATIN_PROFILES:
                    with open(os.path.join(PROFILES_DIRECTORY, code), encoding="utf-8") as fh:
                        profiles.append(fh.read())
                factory.load_json_profile(profiles)
                factory.set_seed(0)
                _factory = factory
    return _factory


@lru_cache(maxsize=4096)
def detect_language(text: str) -> tuple[str, float]:
    """langdetect's best guess for `text` and its probability (seeded, cached per text)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(text)
    try:
        best = detector.get_probabilities()
    except LangDetectException:
        return "unknown", 0.0
    if not best:
        return "unknown", 0.0
    return best[0].lang, best[0].prob


_MAX_CACHED_CHARS = 2000  # longer "sentences" (a pasted page without full stops) are not cached
_MAX_DETECT_WORDS = 200  # langdetect samples its input anyway; this bounds its cache keys


def latin_language(sentence: str, min_detect_chars: int, detect_confidence: float = 0.90) -> str | None:
    """The language of a Latin-script sentence, or None when it cannot be judged.

    English function words decide first; the rest goes to langdetect,
    and only on at least `min_detect_chars` letters of running prose (see
    `prose_words`) and only when it is at least `detect_confidence` sure
    (the pack's `[language] detect_confidence`).
    Cached per sentence: the TUI re-lints the same sentences on every edit.
    """
    if len(sentence) > _MAX_CACHED_CHARS:
        return _latin_language.__wrapped__(sentence, min_detect_chars, detect_confidence)
    return _latin_language(sentence, min_detect_chars, detect_confidence)


def clear_caches() -> None:
    """Forget every cached verdict (for tests and cold-cache benchmarks)."""
    _latin_language.cache_clear()
    detect_language.cache_clear()


@lru_cache(maxsize=4096)
def _latin_language(sentence: str, min_detect_chars: int, detect_confidence: float) -> str | None:
    if _is_english(sentence.lower().split()):
        return "en"
    words = prose_words(sentence)[:_MAX_DETECT_WORDS]
    if sum(map(len, words)) < min_detect_chars:
        return None  # too little running prose to judge (IDs, names, product terms)
    if _is_english(words):
        return "en"
    lang, prob = detect_language(" ".join(words))
    if lang == "unknown" or prob < detect_confidence:
        return None
    return lang


# --- the policy a pack implies ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Policy:
    allowed: frozenset[str]
    allowed_names: str
    min_detect_chars: int
    detect_confidence: float
    hanja_max_run: int
    check_punctuation: bool
    interest_re: re.Pattern  # letters that need per-sentence script analysis

    def accepts(self, lang: str) -> bool:
        return lang in self.allowed


def _policy(language: LanguagePolicy) -> _Policy:
    allowed = frozenset(language.allowed)
    chars = scripts.HAN_CHARS + scripts.KANA_CHARS + scripts.OTHER_CHARS
    if "ko" not in allowed:
        chars += scripts.HANGUL_CHARS
    return _Policy(
        allowed=allowed,
        allowed_names=", ".join(map(language_name, language.allowed)) or "none",
        min_detect_chars=language.min_detect_chars,
        detect_confidence=language.detect_confidence,
        hanja_max_run=language.hanja_max_run,
        check_punctuation=not language.fullwidth_punctuation,
        interest_re=re.compile(f"[{chars}]"),
    )


# --- the check ----------------------------------------------------------------------

def check_as_written(inp: RuleInput) -> Iterator[Finding]:
    """LANG005 on the text as written (the other checks see it without invisible characters).

    One finding per run of adjacent invisible characters: a pasted block of a
    thousand zero-width spaces is one problem with one fix, not a thousand.
    """
    start = end = -1
    chars: list[str] = []
    for p, char in invisible_spans(inp.body):
        if p == end:
            end += 1
            chars.append(char)
            continue
        if chars:
            yield _invisible_finding(inp, start, end, chars)
        start, end, chars = p, p + 1, [char]
    if chars:
        yield _invisible_finding(inp, start, end, chars)


def _invisible_finding(inp: RuleInput, start: int, end: int, chars: list[str]) -> Finding:
    kinds = sorted(set(chars), key=chars.index)
    named = ", ".join(f"U+{ord(c):04X} ({invisible_table()[c][0]})" for c in kinds[:3]) + (", …" if len(kinds) > 3 else "")
    count = "invisible" if len(chars) == 1 else f"{len(chars):,} invisible characters:"
    return inp.finding(
        "LANG005", start, end,
        f"{count} {named} in the reply; it reaches the platform as typed",
        "remove it" if len(chars) == 1 else "remove them",
        replacement="",
    )


def check(inp: RuleInput) -> Iterable[Finding]:
    body = inp.body
    if not body or body.isspace():
        return []
    language = inp.pack.language
    policy = inp.resources.compiled(("language.policy", language), lambda: _policy(language))
    return _Checker(inp, policy).run()


class _Checker:
    """One pass over one draft body; keeps what later steps need (sentence verdicts, Chinese spans)."""

    __slots__ = ("inp", "body", "policy", "out", "spans", "starts", "dominant", "claimed")

    def __init__(self, inp: RuleInput, policy: _Policy):
        self.inp = inp
        self.body = inp.body
        self.policy = policy
        self.out: list[Finding] = []
        self.spans = scripts.sentence_bounds(self.body)  # untrimmed: trimmed when reported
        self.starts = [a for a, _ in self.spans]
        self.dominant: dict[int, str | None] = {}  # sentence index -> dominant script, once computed
        self.claimed: list[tuple[int, int]] = []  # Chinese/Japanese text: no LANG004 inside

    def run(self) -> Iterable[Finding]:
        body, policy = self.body, self.policy
        if body.isascii():  # the common English draft: no script work at all
            lowered = self.inp.lower  # shared with the other families
            min_chars = policy.min_detect_chars
            english_ok = policy.accepts("en")
            is_function_word = scripts.words("english_function_words").__contains__
            for a, b in self.spans:
                if b - a >= min_chars:
                    words = lowered[a:b].split()
                    hits = sum(map(is_function_word, words))  # _is_english, inlined: the hot loop
                    if hits < _MIN_FUNCTION_WORDS or hits < _MIN_FUNCTION_SHARE * len(words) or not english_ok:
                        self._latin_sentence(a, b)
            return self.out
        analysed: set[int] = set()
        search_interest = policy.interest_re.search
        m = search_interest(body)
        while m is not None:  # one search per sentence that needs script analysis
            i = self._sentence_at(m.start())
            analysed.add(i)
            self._analyse(i)
            m = search_interest(body, self.spans[i][1])
        search_non_latin = _NON_LATIN_LETTER_RE.search
        for i, (a, b) in enumerate(self.spans):
            if i not in analysed and b - a >= policy.min_detect_chars and search_non_latin(body, a, b) is None:
                self._latin_sentence(a, b)
        if policy.check_punctuation:
            # Lazily: a draft of a million full-width commas has a million LANG004
            # findings, and the engine keeps only the first of each rule (its cap).
            return itertools.chain(self.out, self._punctuation())
        return self.out

    def _sentence_at(self, pos: int) -> int:
        """The sentence holding body offset `pos` (sentence bounds cover the whole body)."""
        return bisect.bisect_right(self.starts, pos) - 1

    def _dominant(self, i: int) -> str | None:
        try:
            return self.dominant[i]
        except KeyError:
            pass
        body = self.body
        a, b = self.spans[i]
        counts = scripts.count_scripts(body, a, b)
        if counts.hangul and counts.han:
            # Hanja glosses belong to the Korean: 노무현(盧武鉉) is one name, not half Chinese.
            for m in scripts.HAN_RE.finditer(body, a, b):
                if scripts.is_hanja_gloss(body, m.start(), m.end()):
                    counts.han -= m.end() - m.start()
        dom = self.dominant[i] = counts.dominant()
        return dom

    def _report(self, code: str, start: int, end: int, message: str, suggestion: str | None = None) -> None:
        start, end = scripts.trim(self.body, start, end)
        self.out.append(self.inp.finding(code, start, end, message, suggestion))

    def _not_allowed(self, start: int, end: int, language: str) -> None:
        policy = self.policy
        self._report(
            "LANG003", start, end,
            f"{language} text; {self.inp.pack.title} reads {policy.allowed_names} only",
            f"rewrite it in {policy.allowed_names}",
        )

    # -- sentences with Han, Kana, other scripts (or Hangul where Korean is not allowed)

    def _analyse(self, i: int) -> None:
        body, policy = self.body, self.policy
        a, b = self.spans[i]
        dom = self._dominant(i)
        if dom == scripts.KANA:
            self.claimed.append((a, b))
            if not policy.accepts("ja"):
                self._not_allowed(*self._foreign_part(a, b, _JAPANESE_CHUNK_RE), "Japanese")
            return
        if dom == scripts.HAN:
            self.claimed.append((a, b))
            if not policy.accepts("zh"):
                start, end = self._foreign_part(a, b, _HAN_CHUNK_RE)
                self._report(
                    "LANG001", start, end,
                    f"sentence in Chinese; {self.inp.pack.title} reads {policy.allowed_names} only",
                    f"rewrite it in {policy.allowed_names}",
                )
            return
        if dom == scripts.OTHER:
            self.claimed.append((a, b))
            if not policy.accepts("other"):
                name = scripts.other_script_name(scripts.OTHER_RE.search(body, a, b).group()[0])
                self._not_allowed(*self._foreign_part(a, b, scripts.OTHER_RE), f"{name}-script")
            return
        if dom == scripts.HANGUL and not policy.accepts("ko"):
            self._not_allowed(a, b, "Korean")
        self._embedded(a, b, dom)
        if dom == scripts.LATIN:
            self._latin_sentence(a, b)

    def _foreign_part(self, a: int, b: int, pattern: re.Pattern) -> tuple[int, int]:
        """The part of a foreign-language sentence to flag: from the clause of its first
        foreign run to the clause of its last, so that a lead-in clause such as
        "Facts: Order 22000011223344 was shipped," stays out of a Chinese sentence's span."""
        body = self.body
        first = last = None
        for m in pattern.finditer(body, a, b):
            if first is None:
                first = m
            last = m
        if first is None:
            return a, b
        start = a
        for d in _CLAUSE_END_RE.finditer(body, a, first.start()):
            start = d.end()
        end = last.end()
        if body[end - 1] not in _CLAUSE_ENDS:
            d = _CLAUSE_END_RE.search(body, end, b)
            end = d.end() if d is not None else b
        return start, end

    def _embedded(self, a: int, b: int, dom: str | None) -> None:
        """Foreign runs inside an English or Korean sentence."""
        body, policy = self.body, self.policy
        japanese: list[int] = []  # starts and ends, alternating and sorted
        if scripts.KANA_RE.search(body, a, b) is not None:
            for m in _JAPANESE_CHUNK_RE.finditer(body, a, b):
                if scripts.KANA_RE.search(body, m.start(), m.end()) is None:
                    continue  # Han only: judged as Chinese below
                japanese += (m.start(), m.end())
                self.claimed.append((m.start(), m.end()))
                if not policy.accepts("ja"):
                    self._not_allowed(m.start(), m.end(), "Japanese")
        korean = dom == scripts.HANGUL
        for s, e in scripts.han_chunks(body, a, b):
            if bisect.bisect_right(japanese, s) % 2:
                continue  # inside a Japanese stretch
            if korean and self._hanja_chunk(s, e):
                continue
            self.claimed.append((s, e))
            if not policy.accepts("zh"):
                where = "a Korean" if korean else "an English"
                self._report(
                    "LANG002", s, e,
                    f"Chinese {body[s:e]!r} in {where} sentence; the reviewer cannot read it",
                    "translate it or remove it",
                )
        if not korean and not policy.accepts("ko"):
            for m in scripts.HANGUL_RE.finditer(body, a, b):
                self._not_allowed(m.start(), m.end(), "Korean")
        if not policy.accepts("other"):
            for m in scripts.OTHER_RE.finditer(body, a, b):
                if m.end() - m.start() >= 2:  # a lone µ or π is a symbol, not a language
                    self._not_allowed(m.start(), m.end(), f"{scripts.other_script_name(m.group()[0])}-script")

    def _hanja_chunk(self, s: int, e: int) -> bool:
        """Every Han run of the chunk reads as Hanja inside this Korean sentence."""
        body, max_run = self.body, self.policy.hanja_max_run
        for m in scripts.HAN_RE.finditer(body, s, e):
            if not scripts.is_hanja(body, m.start(), m.end(), max_run):
                return False
        return True

    # -- Latin-script sentences

    def _latin_sentence(self, a: int, b: int) -> None:
        policy = self.policy
        if b - a < policy.min_detect_chars:
            return
        lang = latin_language(self.body[a:b], policy.min_detect_chars, policy.detect_confidence)
        if lang is None or policy.accepts(lang):
            return
        if lang not in _SCRIPT_LANGUAGES and policy.accepts("other"):
            return
        self._not_allowed(a, b, language_name(lang))

    # -- punctuation

    def _punctuation(self) -> Iterator[Finding]:
        body, inp = self.body, self.inp
        claimed = sorted(self.claimed)  # disjoint spans
        claimed_starts = [s for s, _ in claimed]
        for m in _FULLWIDTH_RE.finditer(body):
            p = m.start()
            dom = self._dominant(self._sentence_at(p))
            if dom in _FOREIGN_SCRIPTS:
                continue
            k = bisect.bisect_right(claimed_starts, p) - 1
            if k >= 0 and p < claimed[k][1]:
                continue  # part of a Chinese or Japanese stretch
            char = m.group()
            ascii_, korean_ok = FULLWIDTH_PUNCTUATION[char]
            if korean_ok and dom == scripts.HANGUL:
                continue
            replacement = ascii_
            if ascii_ in _SPACED_AFTER and p + 1 < len(body) and body[p + 1].isalpha():
                replacement += " "
            where = "Korean" if dom == scripts.HANGUL else "English"
            yield inp.finding(
                "LANG004", p, p + 1,
                f"full-width {char!r} in {where} text; use ASCII {ascii_!r}",
                f"replace with {replacement!r}",
                replacement=replacement,
            )


_SCRIPT_LANGUAGES = frozenset({"en", "ko", "zh", "ja"})
# Clause boundaries inside a sentence (see `_Checker._foreign_part`).
_CLAUSE_ENDS = ",;:，；：、"
_CLAUSE_END_RE = re.compile(f"[{_CLAUSE_ENDS}]")
_HAN_CHUNK_RE = scripts.HAN_CHUNK_RE
_FOREIGN_SCRIPTS = frozenset({scripts.HAN, scripts.KANA, scripts.OTHER})
# Han and Kana together (with ー): one Japanese stretch inside a sentence.
_JAPANESE_CHUNK_RE = re.compile(f"[{scripts.HAN_CHARS}{scripts.KANA_CHARS}\u30fc]+")
