"""Recall on paraphrased defects: each flawed draft triggers the codes it is labelled with.

`flawed/*.toml` hold drafts written independently of the rules, each
with one or two defects worded the way sellers word them (paraphrased
pleading, conditional threats, blame of "the automated review", promises
of a partial refund, auto-replies with a greeting and signature, relative
dates, times without a zone...). A draft whose label the rules deliberately
do not follow says why in `gap`, so the gap is visible, not silent.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from replydesk.linting.context import context_from_mapping
from replydesk.linting.findings import Severity

DRAFTS = [
    draft
    for path in sorted((Path(__file__).parent / "flawed").glob("*.toml"))
    for draft in tomllib.loads(path.read_text(encoding="utf-8"))["draft"]
]


@pytest.mark.parametrize("draft", DRAFTS, ids=[d["name"] for d in DRAFTS])
def test_flawed_draft_triggers_its_labelled_codes(linter, draft):
    result = linter.lint_text(draft["text"], overrides=context_from_mapping(draft["context"]))
    found = {f.rule for f in result.findings if f.severity >= Severity.WARNING}
    gaps = draft.get("gap", {})
    missing = [code for code in draft["expect"] if code not in found and code not in gaps]
    assert not missing, f"{draft['note']}: {missing} not found (found {sorted(found)})"
    assert not [code for code in gaps if code in found], "a documented gap is now flagged: remove it from `gap`"


def test_the_recall_corpus_covers_every_rule_and_language():
    from replydesk.linting.registry import all_rules

    expected = {code for d in DRAFTS for code in d["expect"]}
    assert expected == set(all_rules()) - {"TERM002"}
    assert {d["lang"] for d in DRAFTS} == {"en", "ko", "zh"}
    assert len(DRAFTS) >= 120
