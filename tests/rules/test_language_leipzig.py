"""The language family on real text: the Leipzig news test sets (see shared/data/leipzig/README.md).

Each line is linted as its own draft, at three granularities (sentences,
word pairs, single words). Coupang must leave every English and Korean
line alone - Korean news carries Hanja glosses such as 변수(變數) and
full-width ％ - and must flag every Chinese and Japanese sentence;
Amazon must flag Korean. Takes about a second, so it is not marked slow.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from replydesk.linting.engine import Linter
from replydesk.linting.loading import load_resources
from replydesk.linting.settings import Settings

LEIPZIG = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "leipzig"
GRANULARITIES = ("sentences", "word-pairs", "single-words")
MIXING = {"LANG001", "LANG002", "LANG003"}

pytestmark = pytest.mark.skipif(
    not (LEIPZIG / "sentences").is_dir(),
    reason=f"Leipzig test data not found at {LEIPZIG} (clone shared/ beside the repository)",
)


@pytest.fixture(scope="module")
def lang_linter():
    return Linter(load_resources(), Settings(select=frozenset({"LANG"})))


@lru_cache(maxsize=None)
def corpus(granularity: str, lang: str) -> tuple[str, ...]:
    text = (LEIPZIG / granularity / f"{lang}.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip())


def codes_per_line(linter, granularity, lang, platform):
    """(line, set of language codes found) for every line of one test set."""
    out = []
    for line in corpus(granularity, lang):
        result = linter.lint_text(line, platform=platform, kind="general")
        out.append((line, {f.rule for f in result.findings}))
    return out


def rate(pairs, wanted=MIXING) -> float:
    return sum(1 for _, codes in pairs if codes & wanted) / len(pairs)


@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_coupang_leaves_english_and_korean_alone(lang_linter, granularity, lang):
    flagged = [(line, codes) for line, codes in codes_per_line(lang_linter, granularity, lang, "coupang") if codes]
    assert not flagged, f"{len(flagged)} {lang} {granularity} flagged, e.g. {flagged[:3]}"


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_coupang_flags_every_chinese_and_japanese_sentence(lang_linter, lang):
    missed = [line for line, codes in codes_per_line(lang_linter, "sentences", lang, "coupang") if not codes & MIXING]
    assert not missed, f"{len(missed)} {lang} sentences not flagged, e.g. {missed[:3]}"


@pytest.mark.parametrize("granularity", ["word-pairs", "single-words"])
@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_coupang_flags_chinese_and_japanese_words(lang_linter, granularity, lang):
    pairs = codes_per_line(lang_linter, granularity, lang, "coupang")
    assert rate(pairs) >= 0.98, [line for line, codes in pairs if not codes & MIXING][:10]


def test_chinese_sentences_are_chinese_and_japanese_sentences_japanese(lang_linter):
    zh = codes_per_line(lang_linter, "sentences", "zh", "coupang")
    ja = codes_per_line(lang_linter, "sentences", "ja", "coupang")
    assert all("LANG001" in codes and "LANG003" not in codes for _, codes in zh)
    assert all("LANG003" in codes and not codes & {"LANG001", "LANG002"} for _, codes in ja)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_amazon_flags_korean(lang_linter, granularity):
    pairs = codes_per_line(lang_linter, granularity, "ko", "amazon")
    # Every line with Hangul in it; the sentence set has one line of stray HTML
    # ("; photoimg = /photonews/...jpg; url = .") with no Korean at all.
    missed = [line for line, codes in pairs if "LANG003" not in codes and any("가" <= c <= "힣" for c in line)]
    assert not missed, missed[:5]
    assert rate(pairs, {"LANG003"}) >= 0.99


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_amazon_leaves_english_alone(lang_linter, granularity):
    assert not [line for line, codes in codes_per_line(lang_linter, granularity, "en", "amazon") if codes]


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_tiktok_accepts_chinese_but_not_japanese(lang_linter, granularity):
    zh = codes_per_line(lang_linter, granularity, "zh", "tiktok")
    assert not [line for line, codes in zh if codes], "Chinese flagged under a pack that allows it"
    ja = codes_per_line(lang_linter, granularity, "ja", "tiktok")
    assert rate(ja, {"LANG003"}) >= 0.98
