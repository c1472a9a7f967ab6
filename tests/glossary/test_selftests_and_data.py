"""Entries test themselves: the runner, and every shipped entry's own must_flag/must_pass tests."""
from __future__ import annotations

import pytest

from replydesk.linting.glossary import load_glossary_set
from replydesk.linting.glossary.selftest import run_entry_tests, run_self_tests
from replydesk.linting.loading import builtin_glossary_dir

from .conftest import PLATFORMS

SHIPPED = load_glossary_set((builtin_glossary_dir(),), platforms=PLATFORMS)
TESTED = [e for e in SHIPPED.entries if e.use != "templates"]

ENTRY = """
[glossary]
name = "t"
languages = ["en"]

[[entry]]
id = "shipping-delay"
en = "shipping delay"
reason = "r"
avoid = ["delivery delay"]
must_flag = [
  {{ text = "{flag}", suggestion = "{suggestion}"{fixed} }},
]
must_pass = ["{ok}"]
"""


def run(glossary_dir, flag="Sorry for the [delivery delay].", suggestion="shipping delay", fixed="", ok="Sorry for the shipping delay."):
    text = ENTRY.format(flag=flag, suggestion=suggestion, fixed=fixed, ok=ok)
    gs = load_glossary_set((glossary_dir("t.toml", text),))
    return run_entry_tests(gs, gs.entries[0])


@pytest.mark.parametrize("entry", TESTED, ids=[e.qualified_id for e in TESTED])
def test_shipped_entry_passes_its_self_tests(entry):
    problems, count = run_entry_tests(SHIPPED, entry)
    assert count >= 2
    assert problems == [], "\n".join(str(p) for p in problems)


# -- the runner ----------------------------------------------------------------------


def test_passing_self_tests_report_nothing(glossary_dir):
    assert run(glossary_dir, fixed=', fixed = "Sorry for the shipping delay."') == ([], 2)


def test_unflagged_must_flag_text_fails_at_its_line(glossary_dir):
    problems, _ = run(glossary_dir, flag="Sorry for the [shipment delay].")
    assert [(p.line, p.check) for p in problems] == [(11, "self-test")]
    assert "'shipment delay' was not flagged" in problems[0].message


def test_wrong_expected_suggestion_fails(glossary_dir):
    problems, _ = run(glossary_dir, suggestion="shipping delays")
    assert len(problems) == 1 and "suggestion for 'delivery delay' is 'shipping delay', expected 'shipping delays'" in problems[0].message


def test_flagging_more_than_the_marked_span_fails(glossary_dir):
    problems, _ = run(glossary_dir, flag="Sorry for the [delivery delay], the delivery delay.")
    assert len(problems) == 1 and "also flagged 'delivery delay', which is not marked" in problems[0].message


def test_flagged_must_pass_text_fails(glossary_dir):
    problems, _ = run(glossary_dir, ok="A delivery delay happened.")
    assert [(p.line, p.message.split(": ", 1)[1]) for p in problems] == [
        (13, "must_pass 1 (general/general): flagged 'delivery delay'")
    ]


def test_fixed_text_must_match_what_the_fixes_give(glossary_dir):
    problems, _ = run(glossary_dir, fixed=', fixed = "Sorry for the shipping delays."')
    assert len(problems) == 1 and "fixes give 'Sorry for the shipping delay.'" in problems[0].message


def test_self_tests_of_the_whole_shipped_set_pass_and_are_counted():
    result = run_self_tests(SHIPPED)
    assert result.problems == []
    assert result.tests == sum(len(e.must_flag) + len(e.must_pass) for e in TESTED) > 250


# -- the shipped data --------------------------------------------------------------------


def test_every_shipped_entry_has_must_flag_and_must_pass_tests():
    assert all(e.must_flag and e.must_pass for e in TESTED)


def test_every_must_flag_test_pins_its_suggestion_when_it_is_computed():
    # Word lists give fixed advice (entry.suggestion); term suggestions depend on the forms.
    terms = [e for e in TESTED if e.use == "terms"]
    assert all(t.suggestion for e in terms for t in e.must_flag)


def test_coupang_glossary_has_at_least_60_entries_in_three_languages():
    coupang = [e for e in SHIPPED.entries if e.file.stem == "coupang"]
    assert len(coupang) >= 60
    assert all("ko" in e.preferred and "en" in e.preferred for e in coupang)
    assert sum("zh" in e.preferred for e in coupang) >= 50


def test_unsourced_rows_say_so():
    for e in (e for e in SHIPPED.entries if e.file.stem == "coupang"):
        assert e.sources or "Unsourced" in e.notes, e.qualified_id


@pytest.mark.parametrize(
    "entry_id, ko, en, avoided",
    [
        ("coupang:shipping-delay", "배송지연", "shipping delay", "delivery delay"),
        ("coupang:fulfillment-center", "물류센터", "fulfillment center", "풀필먼트 센터"),
        ("coupang:delivered", "배송완료", "Delivered", "shipping completed"),
        ("coupang:waybill-number", "송장번호", "waybill number", "invoice number"),
    ],
)
def test_seed_rules_are_in_the_coupang_glossary(entry_id, ko, en, avoided):
    entry = SHIPPED.entry(entry_id)
    assert ko in entry.preferred["ko"] and en in entry.preferred["en"]
    assert avoided in [a.form for a in entry.avoid]


def test_word_lists_cover_the_rule_codes_in_three_languages():
    langs: dict[str, set[str]] = {}
    for e in SHIPPED.entries:
        if e.use == "words":
            langs.setdefault(e.rule, set()).update(a.lang for a in e.avoid)
    assert set(langs) == {"TONE001", "TONE002", "TONE003", "TONE006", "POL001", "POL002", "POL003"}
    assert all(value == {"en", "ko", "zh"} for value in langs.values()), langs
