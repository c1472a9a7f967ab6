"""Every rule is pinned by fixtures in linting/rules/<category>.toml, beside its record: exact spans flagged, and silence where it must be silent.

Like LanguageTool's <example> markers, a positive example names the exact
substrings the rule flags (in order) and optionally their suggestions and
severities (a pack's judgement is a warning, the notice's demand an error); a
negative example must produce no finding of that rule. Meta-tests fail
when a rule has no positive or no negative example, or a category has
no examples in English, Korean and Chinese.
"""
from __future__ import annotations

from collections import defaultdict

import pytest

from replydesk.linting.context import context_from_mapping
from replydesk.linting.fixer import apply_fixes
from replydesk.linting.registry import all_rules, rule_examples

EXAMPLES = list(rule_examples())


def _id(example) -> str:
    kind = "pos" if example.flags else "neg"
    return f"{example.rule}-{example.lang}-{kind}-{example.text[:24]}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[_id(e) for e in EXAMPLES])
def test_rule_example(linter, example):
    ctx = example.context
    result = linter.lint_text(example.text, overrides=context_from_mapping(ctx) if ctx else None)
    found = [f for f in result.findings if f.rule == example.rule]
    spans = tuple(result.draft.text[f.start : f.end] for f in found)
    assert spans == example.flags, [f.message for f in found]
    if example.suggestions is not None:
        assert tuple(f.suggestion for f in found) == example.suggestions
    if example.severities is not None:
        assert tuple(f.severity.label for f in found) == example.severities
    if example.fixed is not None:
        assert apply_fixes(result.draft.text, found, unsafe=True)[0] == example.fixed


def test_every_rule_has_positive_and_negative_examples():
    positive, negative = defaultdict(int), defaultdict(int)
    for e in EXAMPLES:
        (positive if e.flags else negative)[e.rule] += 1
    rules = all_rules()
    missing = sorted(code for code in rules if not positive[code] or not negative[code])
    assert not missing, f"rules without a positive and a negative example in linting/rules/*.toml: {missing}"


def test_every_category_has_examples_in_english_korean_and_chinese():
    rules = all_rules()
    langs = defaultdict(set)
    for e in EXAMPLES:
        langs[rules[e.rule].category].add(e.lang)
    gaps = {cat: sorted({"en", "ko", "zh"} - got) for cat, got in langs.items() if {"en", "ko", "zh"} - got}
    assert not gaps, f"categories missing example languages: {gaps}"


def test_examples_name_known_rules():
    rules = all_rules()
    assert not [e.rule for e in EXAMPLES if e.rule not in rules]
