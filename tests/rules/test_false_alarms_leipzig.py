"""Rules that must never fire on neutral text, run over real news sentences (Leipzig, English and Korean).

Each sentence is linted as its own draft under the `general` context, like
benchmarks/false_alarms.py, which prints the same rates. A hit of blame,
threat, promise, withdrawal, shouting, ID, template, term, keyword,
attachment or language rules on a news sentence is a defect, so their
bound is zero. Rules that can rightly fire on news (an exclamation mark, a
bare clock time, "yesterday", "perhaps") are bounded near their measured
rate, so a pattern that starts crying wolf fails here. LEN003 (too short)
does not apply to one sentence.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

LEIPZIG = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "leipzig" / "sentences"

pytestmark = pytest.mark.skipif(
    not LEIPZIG.is_dir(), reason=f"Leipzig test data not found at {LEIPZIG} (clone shared/ beside the repository)"
)

# Findings per 1,000 sentences a rule may have on news text; every other rule: 0.
BOUNDS = {
    "en": {"TONE004": 25, "TIME001": 25, "TIME004": 15, "TONE006": 12, "POL001": 2, "TONE001": 2, "TERM002": 2},
    "ko": {"TONE004": 6, "TIME001": 25, "TIME004": 15, "TONE006": 5, "TONE001": 2},
}
NOT_FOR_SENTENCES = {"LEN003"}


@lru_cache(maxsize=None)
def rates(lang: str) -> tuple[int, Counter, dict]:
    from replydesk.linting.loading import build_linter

    linter = build_linter()
    lines = [line for line in (LEIPZIG / f"{lang}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: Counter = Counter()
    examples: dict = {}
    for line in lines:
        result = linter.lint_text(line, platform="general", kind="general")
        for f in result.findings:
            if f.rule in NOT_FOR_SENTENCES:
                continue
            counts[f.rule] += 1
            examples.setdefault(f.rule, (result.draft.text[f.start : f.end], line[:120]))
    return len(lines), counts, examples


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_rules_that_must_never_fire_on_neutral_text_stay_silent(lang):
    total, counts, examples = rates(lang)
    assert total >= 900
    over = {
        code: (round(1000 * n / total, 1), examples[code])
        for code, n in counts.items()
        if 1000 * n / total > BOUNDS[lang].get(code, 0)
    }
    assert not over, f"false alarms per 1,000 {lang} sentences over their bound: {over}"
