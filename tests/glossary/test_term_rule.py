"""rules/words.py: glossary hits become findings with whole-file offsets and fixes, for every code whose record names the `words` check."""
from __future__ import annotations


import pytest

from replydesk.linting.config import Config
from replydesk.linting.context import context_from_mapping
from replydesk.linting.engine import Linter
from replydesk.linting.findings import Severity
from replydesk.linting.glossary import GlossarySet
from replydesk.linting.loading import load_resources
from replydesk.linting.registry import all_rules, rule_examples
from replydesk.linting.resources import Resources
from replydesk.linting.settings import Settings

DRAFT = '+++\nplatform = "coupang"\nkind = "return-dispute"\n+++\nSorry for the delivery delay; we will resend it.\n'


def test_findings_point_into_the_whole_file_and_carry_the_fix(linter):
    result = linter.lint_text(DRAFT)
    found = {f.rule: f for f in result.findings if f.rule in ("TERM001", "POL002")}
    term_finding = found["TERM001"]
    assert DRAFT[term_finding.start:term_finding.end] == "delivery delay"
    assert (term_finding.category, term_finding.severity, term_finding.suggestion) == ("term", Severity.WARNING, "shipping delay")
    assert term_finding.fix is not None and DRAFT[term_finding.fix.start:term_finding.fix.end] == "delivery delay"
    assert term_finding.fix.replacement == "shipping delay" and term_finding.fix.safe
    assert DRAFT[found["POL002"].start:found["POL002"].end] == "we will resend it"
    assert found["POL002"].category == "policy"


def test_word_list_codes_are_reported_and_filtered_by_selection():
    resources = load_resources(Config())
    selected = Linter(resources, Settings(select=frozenset({"POL"})))
    rules = {f.rule for f in selected.lint_text(DRAFT).findings}
    assert "POL002" in rules and "TERM001" not in rules  # term.py runs although no TERM code is selected
    ignored = Linter(resources, Settings(ignore=frozenset({"TERM001"})))
    assert "TERM001" not in {f.rule for f in ignored.lint_text(DRAFT).findings}


def test_entry_severity_overrides_the_rule_default(glossary_dir):
    from replydesk.linting.glossary import load_glossary_set
    from replydesk.linting.loading import load_packs

    folder = glossary_dir(
        "t.toml",
        '[glossary]\nname = "t"\nlanguages = ["en"]\n\n[[entry]]\nid = "a"\nen = "good"\nreason = "r"\n'
        'severity = "error"\navoid = ["bad word"]\n',
    )
    linter = Linter(Resources(packs=load_packs(), glossary=load_glossary_set((folder,))))
    found = [f for f in linter.lint_text("A bad word here.").findings if f.rule == "TERM001"]
    assert [(f.severity, f.suggestion) for f in found] == [(Severity.ERROR, "good")]


def test_hits_with_unregistered_codes_are_dropped_not_crashing(glossary_dir):
    from replydesk.linting.glossary import load_glossary_set
    from replydesk.linting.loading import load_packs

    folder = glossary_dir(
        "w.toml",
        '[glossary]\nname = "w"\nlanguages = ["en"]\nuse = "words"\nrule = "ZZZ001"\nmessage = "m"\n\n'
        '[[entry]]\nid = "a"\navoid = ["bad word"]\n',
    )
    linter = Linter(Resources(packs=load_packs(), glossary=load_glossary_set((folder,))))
    assert [f.rule for f in linter.lint_text("A bad word here.").findings if f.rule.startswith("ZZZ")] == []


def test_term_rules_are_documented():
    codes = {info.code: info for info in all_rules().values() if info.category == "term"}
    assert set(codes) == {"TERM001", "TERM002"}
    assert codes["TERM001"].fixable and not codes["TERM002"].fixable
    assert codes["TERM002"].severity == Severity.INFO


def test_every_code_a_shipped_glossary_names_is_a_words_rule():
    """The engine runs the `words` check for the codes whose records name it; a glossary code of another check would be lost."""
    named = {e.rule for e in load_resources().glossary.entries if e.use != "templates"}
    rules = all_rules()
    assert len(named) > 5 and {code: rules[code].check for code in named} == {code: "words" for code in named}


def test_empty_glossary_set_lints_nothing():
    assert GlossarySet().scan("delivery delay", platform="coupang", kind="general") == []


def test_every_glossary_code_has_fixtures_both_ways():
    """The fixtures for these codes live beside their records in linting/rules/<category>.toml."""
    examples = rule_examples()
    positive = {e.rule for e in examples if e.flags}
    negative = {e.rule for e in examples if not e.flags}
    codes = {"TERM001", "TERM002", "TONE001", "TONE002", "TONE003", "TONE006", "POL001", "POL002", "POL003"}
    assert codes <= positive and codes <= negative
