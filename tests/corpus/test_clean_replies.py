"""A clean, professional reply gets no warning and no error (issue: trust).

`clean/` holds realistic replies written independently of the rules, by
platform and language (Coupang in English and Korean, Amazon, TikTok Shop
and Shopee in English, Korean and Chinese), every kind, each with the case
context a queue would give it (front matter). They were written as
operators write: numbered points, one section per line, signatures with a
company e-mail, prices, model numbers in capitals, tracking numbers, KST
times and ranges. Any warning or error on one of them is a false alarm.
Info (a hint such as TERM002) is allowed.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from replydesk.linting.findings import Severity

CLEAN = Path(__file__).parent / "clean"
FILES = sorted(CLEAN.rglob("*.txt"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CLEAN)) for p in FILES])
def test_clean_reply_gets_no_warning_and_no_error(linter, path):
    result = linter.lint_text(path.read_text(encoding="utf-8"))
    alarms = [
        f"{f.rule} {f.severity.label}: {f.message} [{result.draft.text[f.start:f.end][:60]!r}]"
        for f in result.findings
        if f.severity >= Severity.WARNING
    ]
    assert not alarms, "\n".join(alarms)


def test_the_corpus_is_large_and_covers_every_platform_kind_and_language(linter):
    contexts = [linter.lint_text(p.read_text(encoding="utf-8")).context for p in FILES]
    assert len(FILES) >= 150
    platforms = Counter(c.platform for c in contexts)
    assert {"coupang", "amazon", "tiktok", "shopee"} <= set(platforms)
    kinds = {c.kind for c in contexts}
    assert kinds == set(linter.resources.packs["general"].kinds)
    languages = Counter(p.stem.split("-")[-2] for p in FILES)
    assert languages["en"] >= 60 and languages["ko"] >= 40 and languages["zh"] >= 10
    assert all(c.history for c in contexts), "every reply answers a notice in its history"
