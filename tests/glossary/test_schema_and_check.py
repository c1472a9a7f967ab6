"""Schema errors with file:line:col, duplicates, conflicts and unsafe regexes: the loader and `check`."""
from __future__ import annotations

import pytest

from replydesk.linting.glossary import load_glossary_set
from replydesk.linting.glossary.check import check_files
from replydesk.linting.glossary.loader import glossary_paths
from replydesk.linting.regexcheck import probe, problems
from replydesk.linting.tomldata import DataFileError

from .conftest import PLATFORMS

HEAD = """
[glossary]
name = "t"
languages = ["ko", "en"]
"""


def load_error(glossary_dir, body: str) -> DataFileError:
    folder = glossary_dir("t.toml", HEAD + body)
    with pytest.raises(DataFileError) as info:
        load_glossary_set((folder,), platforms=PLATFORMS)
    return info.value


def check(folder, **kwargs):
    kinds = {p: {"general", "return-dispute", "chargeback", "atoz-review"} for p in PLATFORMS}
    return check_files(glossary_paths((folder,)), kinds_by_platform=kinds, rule_codes=set(), **kwargs)


# -- schema errors (loader) --------------------------------------------------------


def test_missing_entry_id_names_the_entry_line(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nen = "x"\n')
    assert (err.path.endswith("t.toml"), err.line, err.column) == (True, 5, 1)
    assert "needs an id" in err.message


def test_unknown_key_is_reported_with_a_suggestion(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nid = "a"\nen = "x"\nreasn = "y"\n')
    assert (err.line, err.column) == (8, 1)
    assert "unknown key 'reasn'" in err.message and "did you mean 'reason'" in err.message


def test_error_inside_an_inline_array_points_at_that_item(glossary_dir):
    body = '\n[[entry]]\nid = "a"\nen = "x"\navoid = [\n  { form = "y", reason = "r" },\n  { form = "z" },\n]\n'
    err = load_error(glossary_dir, body)
    assert (err.line, err.column) == (10, 5)  # the `form` key of the second item
    assert "needs a reason" in err.message


def test_language_outside_the_files_languages_is_an_error(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nid = "a"\nzh = "x"\n')
    assert err.line == 7 and "not among the file's languages" in err.message


def test_unknown_platform_is_reported_with_its_line(glossary_dir):
    folder = glossary_dir("t.toml", HEAD + 'platforms = ["coupang", "kupang"]\n')
    with pytest.raises(DataFileError) as info:
        load_glossary_set((folder,), platforms=PLATFORMS)
    assert info.value.line == 4 and "unknown platform 'kupang'" in info.value.message
    assert "did you mean 'coupang'" in info.value.message


def test_toml_syntax_error_has_line_and_column(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nid = "a\n')
    assert err.line == 6 and err.column is not None


def test_must_flag_text_needs_a_marked_span(glossary_dir):
    body = '\n[[entry]]\nid = "a"\nen = "x"\nreason = "r"\navoid = ["y"]\nmust_flag = [{ text = "no marker y" }]\n'
    err = load_error(glossary_dir, body)
    assert err.line == 10 and "mark the span" in err.message


def test_word_list_entry_needs_a_message_and_forms(glossary_dir):
    folder = glossary_dir("w.toml", '[glossary]\nname = "w"\nlanguages = ["en"]\nuse = "words"\nrule = "TONE001"\n\n[[entry]]\nid = "a"\n')
    with pytest.raises(DataFileError) as info:
        load_glossary_set((folder,))
    assert info.value.line == 7 and "needs forms to flag" in info.value.message


def test_literal_form_may_not_start_with_a_symbol(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nid = "a"\nen = "x"\nreason = "r"\navoid = ["@gmail.com"]\n')
    assert "use pattern = true" in err.message


def test_form_both_preferred_and_avoided_in_one_entry(glossary_dir):
    err = load_error(glossary_dir, '\n[[entry]]\nid = "a"\nen = "x y"\nreason = "r"\navoid = ["X  Y"]\n')
    assert err.line == 9 and "both preferred and avoided" in err.message


# -- regexes ------------------------------------------------------------------------


def test_catastrophic_regex_is_refused_at_load_with_its_line(glossary_dir):
    body = "\n[[entry]]\nid = \"a\"\nen = \"x\"\nreason = \"r\"\navoid = [{ form = '(?<!x)(\\w+\\s?)+$', pattern = true }]\n"
    err = load_error(glossary_dir, body)
    assert err.line == 9 and "nested quantifiers" in err.message


def test_invalid_regex_is_refused(glossary_dir):
    err = load_error(glossary_dir, "\n[[entry]]\nid = \"a\"\nen = \"x\"\nreason = \"r\"\navoid = [{ form = 'a(b', pattern = true }]\n")
    assert "invalid regex" in err.message


@pytest.mark.parametrize(
    "pattern, why",
    [
        (r"(a|a)*b", "repeated alternation"),
        (r"(?<!x)\w+\w+x", "adjacent unbounded repeats"),
        (r"[\w.]+@gmail\.com", "starts with an unbounded repeat"),
    ],
)
def test_static_regex_check_explains_the_danger(pattern, why):
    assert any(why in p for p in problems(pattern))


def test_safe_regexes_pass_both_checks():
    for pattern in (r"(?<![\w.%+-])[\w.%+-]+@(?:gmail|qq)\.com(?![\w.-])", r"(?i)\bline\s+id\b", r"(?:\.com|\.net)+"):
        assert problems(pattern) == [] or pattern.endswith("+")
        assert probe(pattern) is None


def test_timing_probe_catches_super_linear_patterns():
    assert "super-linear" in probe(r"[\w.+-]+@gmail\.com")


# -- duplicates and conflicts (check) ----------------------------------------------------


def test_duplicate_entry_id_within_a_file(glossary_dir):
    folder = glossary_dir("t.toml", HEAD + '\n[[entry]]\nid = "a"\nen = "x"\n\n[[entry]]\nid = "a"\nen = "y"\n')
    found = [p for p in check(folder).problems if p.check == "duplicate"]
    assert [(p.line, p.column) for p in found] == [(10, 1)]
    assert "duplicate entry id 'a' (first defined on line 5)" in found[0].message


def test_duplicate_avoided_form_across_files(glossary_dir):
    glossary_dir("a.toml", HEAD + '\n[[entry]]\nid = "a"\nen = "x"\nreason = "r"\navoid = ["bad form"]\n')
    folder = glossary_dir("b.toml", HEAD + '\n[[entry]]\nid = "b"\nen = "z"\nreason = "r"\navoid = ["Bad  Form"]\n')
    found = [p for p in check(folder).problems if p.check == "duplicate"]
    assert len(found) == 1 and found[0].path.endswith("b.toml") and found[0].line == 9
    assert "already flagged by a:a (a.toml:9)" in found[0].message


def test_duplicate_in_different_platforms_is_not_a_duplicate(glossary_dir):
    glossary_dir("a.toml", HEAD + 'platforms = ["coupang"]\n\n[[entry]]\nid = "a"\nen = "x"\nreason = "r"\navoid = ["bad form"]\n')
    folder = glossary_dir("b.toml", HEAD + 'platforms = ["amazon"]\n\n[[entry]]\nid = "b"\nen = "z"\nreason = "r"\navoid = ["bad form"]\n')
    assert [p for p in check(folder).problems if p.check == "duplicate"] == []


def test_form_preferred_in_one_entry_and_avoided_in_another_is_a_conflict(glossary_dir):
    glossary_dir("a.toml", HEAD + '\n[[entry]]\nid = "a"\nen = "shipping delay"\n')
    folder = glossary_dir("b.toml", HEAD + '\n[[entry]]\nid = "b"\nen = "late dispatch"\nreason = "r"\navoid = ["shipping delay"]\n')
    found = [p for p in check(folder).problems if p.check == "conflict"]
    assert len(found) == 1 and found[0].path.endswith("a.toml") and found[0].line == 7
    assert "preferred form 'shipping delay' is flagged by b:b" in found[0].message


def test_avoided_form_inside_a_longer_preferred_form_is_a_conflict(glossary_dir):
    glossary_dir("a.toml", HEAD + '\n[[entry]]\nid = "a"\nen = "proof of delivery photo"\n')
    folder = glossary_dir("b.toml", HEAD + '\n[[entry]]\nid = "b"\nen = "x"\nreason = "r"\navoid = ["delivery photo"]\n')
    found = [p for p in check(folder).problems if p.check == "conflict"]
    assert len(found) == 1 and "as 'delivery photo'" in found[0].message


def test_entries_without_tests_are_warnings_and_fail_only_when_strict(glossary_dir):
    folder = glossary_dir("t.toml", HEAD + '\n[[entry]]\nid = "a"\nen = "x"\n')
    report = check(folder)
    assert [(p.severity, p.check) for p in report.problems] == [("warning", "self-test")]
    assert not report.failed() and report.failed(strict=True)


def test_unregistered_rule_code_is_a_warning(glossary_dir):
    folder = glossary_dir(
        "w.toml",
        '[glossary]\nname = "w"\nlanguages = ["en"]\nuse = "words"\nrule = "ZZZ001"\nmessage = "m"\n\n'
        '[[entry]]\nid = "a"\navoid = ["bad"]\nmust_flag = [{ text = "[bad]" }]\nmust_pass = ["good"]\n',
    )
    report = check(folder)
    assert [(p.severity, p.check, p.line) for p in report.problems] == [("warning", "rule", 5)]
    assert "ZZZ001 is not a registered rule" in report.problems[0].message


def test_unknown_kind_in_scope_is_reported(glossary_dir):
    folder = glossary_dir(
        "t.toml",
        HEAD + '\n[[entry]]\nid = "a"\nen = "x"\nscope = { kinds = ["return-dispuet"] }\n',
    )
    found = [p for p in check(folder).problems if p.check == "scope"]
    assert len(found) == 1 and found[0].line == 8 and "unknown kind 'return-dispuet'" in found[0].message


def test_check_reports_every_problem_not_only_the_first(glossary_dir):
    body = '\n[[entry]]\nid = "a"\nen = "x"\nreasn = "y"\n\n[[entry]]\nid = "Bad Id"\n\n[[entry]]\nid = "c"\nko = ["", "y"]\n'
    report = check(glossary_dir("t.toml", HEAD + body))
    errors = [p for p in report.problems if p.severity == "error"]
    assert [p.line for p in errors] == [8, 11, 15]
