"""`ignore` entries: a rule silenced everywhere, or only inside a quoted text of the reply.

Each language gets a finding silenced by a quote and a neighbour that stays,
pinned to the exact span; then the edges (a quote re-wrapped or in other
capitals, a missing-keyword finding, prefixes, the case file adding to
the front matter, entries that silence nothing, bad entries by key).
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from replydesk.linting.cli import main
from replydesk.linting.context import ContextError, Suppression, context_from_mapping
from replydesk.linting.loading import build_linter

SARIF_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def linter():
    return build_linter()


def spans(result, text):
    return [(f.rule, text[f.start:f.end]) for f in result.findings]


def silenced(result, text):
    return [(s.finding.rule, text[s.finding.start:s.finding.end], s.by.reason) for s in result.suppressed]


def draft(front: str, body: str) -> str:
    return f"+++\n{front}\n+++\n{body}\n"


EN_BODY = "We apologise for the delivery delay; the invoice number is 340010913442."


def test_english_quote_silences_only_the_finding_inside_it(linter):
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "the invoice number is", reason = "the buyer\'s words" }]', EN_BODY)
    result = linter.lint_text(text)
    assert ("TERM001", "delivery delay") in spans(result, text)
    assert ("TERM001", "invoice number") not in spans(result, text)
    assert silenced(result, text) == [("TERM001", "invoice number", "the buyer's words")]
    assert result.unused_ignores == ()


def test_korean_quote_silences_the_term_inside_it(linter):
    body = "풀필먼트 센터에서 2024-05-12 14:22 KST에 출고되었습니다. 고객님이 말씀하신 풀필먼트 센터 문의는 확인했습니다."
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "말씀하신 풀필먼트 센터", reason = "고객 표현 인용" }]', body)
    result = linter.lint_text(text)
    kept = [(r, s) for r, s in spans(result, text) if r == "TERM001"]
    assert kept == [("TERM001", "풀필먼트 센터")]
    first = text.index("풀필먼트 센터", result.draft.body_start)
    assert [f.start for f in result.findings if f.rule == "TERM001"] == [first]
    assert silenced(result, text) == [("TERM001", "풀필먼트 센터", "고객 표현 인용")]
    assert result.suppressed[0].finding.start == text.index("풀필먼트 센터", first + 1)


def test_chinese_quote_silences_the_language_finding(linter):
    body = "Order 22000009546234 was delivered on 2024-05-12 14:22 KST. 我们已经发货了，请查看附件。"
    plain = linter.lint_text(draft('platform = "coupang"', body))
    assert ("LANG001", "我们已经发货了，请查看附件。") in spans(plain, plain.draft.text)
    text = draft('platform = "coupang"\nignore = [{ rule = "LANG001", text = "我们已经发货了", reason = "quoted" }]', body)
    result = linter.lint_text(text)
    # The finding's span is the whole sentence, wider than the quote: not inside it, so it stays.
    assert ("LANG001", "我们已经发货了，请查看附件。") in spans(result, text)
    text = draft('platform = "coupang"\nignore = [{ rule = "LANG001", text = "我们已经发货了，请查看附件。", reason = "quoted" }]', body)
    result = linter.lint_text(text)
    assert "LANG001" not in [r for r, _ in spans(result, text)]
    assert silenced(result, text) == [("LANG001", "我们已经发货了，请查看附件。", "quoted")]


def test_quote_matches_across_other_white_space_and_capitals(linter):
    body = "We apologise for the delivery delay; the\n  Invoice\tnumber is 340010913442."
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "THE invoice number" }]', body)
    result = linter.lint_text(text)
    assert [s for _, s, _ in silenced(result, text)] == ["Invoice\tnumber"]


def test_whole_rule_and_prefix_entries(linter):
    text = draft('platform = "coupang"\nignore = ["term"]', EN_BODY)
    result = linter.lint_text(text)
    assert not [f for f in result.findings if f.rule.startswith("TERM")]
    assert sorted(s for _, s, _ in silenced(result, text)) == ["delivery delay", "invoice number"]


def test_missing_finding_is_silenced_only_by_a_whole_rule_entry(linter):
    # A Coupang return dispute without its required keywords: KEY001 sits at the body start with no span.
    body = "Order 22000009546234: we checked the parcel on 2024-05-12 14:22 KST and it left intact."
    base = 'platform = "coupang"\nkind = "return-dispute"\n'
    plain = linter.lint_text(draft(base, body))
    missing = [f for f in plain.findings if f.start == f.end]
    assert missing, "the fixture needs a finding about something missing"
    rule = missing[0].rule
    quoted = linter.lint_text(draft(base + f'ignore = [{{ rule = "{rule}", text = "Order" }}]', body))
    assert rule in [f.rule for f in quoted.findings]
    assert [e.text for e in quoted.unused_ignores] == ["Order"]
    whole = linter.lint_text(draft(base + f'ignore = ["{rule}"]', body))
    assert rule not in [f.rule for f in whole.findings]


def test_entry_that_silences_nothing_is_reported_unused(linter):
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "never in the reply" }, { rule = "TONE001", text = "invoice number" }]', EN_BODY)
    result = linter.lint_text(text)
    assert [(e.rule, e.text) for e in result.unused_ignores] == [("TERM001", "never in the reply"), ("TONE001", "invoice number")]
    assert ("TERM001", "invoice number") in spans(result, text)


def test_case_file_entries_add_to_the_front_matter(linter):
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "delivery delay" }]', EN_BODY)
    case = context_from_mapping({"platform": "coupang", "ignore": [{"rule": "TERM001", "text": "invoice number", "reason": "case", "by": "op1"}]}, strict=False)
    result = linter.lint_text(text, case)
    assert not [f for f in result.findings if f.rule == "TERM001"]
    assert sorted(s for _, s, _ in silenced(result, text)) == ["delivery delay", "invoice number"]
    assert {s.by.by for s in result.suppressed} == {None, "op1"}


@pytest.mark.parametrize("value, key", [
    ([""], "ignore"),
    ([{"text": "x"}], "ignore[1]"),  # a required key is missing from that table
    ([{"rule": "TERM001", "text": "  "}], "ignore[1].text"),
    (["TONE004", {"rule": "TERM001", "txet": "x"}], "ignore[2].txet"),
    ([{"rule": "TERM001", "text": 3}], "ignore[1].text"),
])
def test_bad_entries_name_their_key(value, key):
    with pytest.raises(ContextError) as exc:
        context_from_mapping({"ignore": value})
    assert exc.value.key == key


def test_entries_read_as_written_and_deduplicated():
    ctx = context_from_mapping({"ignore": ["tone004", "TONE004", {"rule": "term001", "text": "a b", "reason": "r"}]})
    assert ctx.ignore == (Suppression("TONE004"), Suppression("TERM001", "a b", "r"))
    assert ctx.ignored_rules() == frozenset({"TONE004"})
    assert ctx.ignore[0].as_mapping() == "TONE004"
    assert ctx.ignore[1].as_mapping() == {"rule": "TERM001", "text": "a b", "reason": "r"}


def test_hostile_quote_stays_linear(linter):
    body = ("a " * 50_000) + "the invoice number is 1."
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "' + "a " * 400 + 'b" }]', body)
    result = linter.lint_text(text)  # would take minutes if the quote's pattern backtracked
    assert ("TERM001", "invoice number") in spans(result, text)


# --- lint --show-ignored -----------------------------------------------------------------

SHOWN = draft(
    'platform = "coupang"\nignore = [{ rule = "TERM001", text = "the invoice number is", reason = "the buyer\'s words" },'
    ' { rule = "TONE001", text = "gone" }]',
    EN_BODY,
)


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def go(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_show_ignored_text(run, tmp_path):
    (tmp_path / "d.txt").write_text(SHOWN, encoding="utf-8")
    code, out, _ = run("lint", "d.txt")
    assert "ignored" not in out and "invoice number\" " not in out.split("\n")[0]
    code, out, _ = run("lint", "d.txt", "--show-ignored")
    lines = out.splitlines()
    assert "d.txt:5:42: TERM001 (ignored) Use \"waybill number\"" in out
    assert lines[lines.index(next(l for l in lines if "(ignored)" in l)) + 1] == "  ⊘ the buyer's words"
    assert "ignore entry TONE001 for “gone” silenced nothing" in out
    assert "Found 1 problem" in out  # a silenced finding is not a problem


def test_show_ignored_json_and_sarif(run, tmp_path):
    (tmp_path / "d.txt").write_text(SHOWN, encoding="utf-8")
    code, out, _ = run("lint", "d.txt", "--show-ignored", "--format", "json")
    report = json.loads(out)[0]
    assert [(i["rule"], i["line"], i["column"], i["ignore"]["reason"], i["in_draft"]) for i in report["ignored"]] == [
        ("TERM001", 5, 42, "the buyer's words", True)]
    assert report["unused_ignores"] == [{"rule": "TONE001", "text": "gone"}]
    code, out, _ = run("lint", "d.txt", "--show-ignored", "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    dismissed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in dismissed] == [
        ("TERM001", [{"kind": "inSource", "justification": "the buyer's words"}])]
    assert len(results) == 2
    code, out, _ = run("lint", "d.txt", "--format", "sarif")
    assert all("suppressions" not in r for r in json.loads(out)["runs"][0]["results"])


def test_show_ignored_case_file_entry_is_external(run, tmp_path):
    queue = tmp_path / "q"
    (queue / "drafts").mkdir(parents=True)
    (queue / "cases").mkdir()
    (queue / "drafts" / "C1.txt").write_text(EN_BODY + "\n", encoding="utf-8")
    (queue / "cases" / "C1.json").write_text(json.dumps({
        "id": "C1", "platform": "coupang", "kind": "general",
        "ignore": [{"rule": "TERM001", "text": "invoice number", "reason": "quoted", "by": "op1", "when": "2026-12-02T10:00:00+09:00"}],
    }), encoding="utf-8")
    code, out, _ = run("lint", str(queue / "drafts" / "C1.txt"), "--show-ignored", "--format", "sarif")
    dismissed = [r for r in json.loads(out)["runs"][0]["results"] if "suppressions" in r]
    assert dismissed[0]["suppressions"] == [{"kind": "external", "justification": "quoted; by op1 at 2026-12-02T10:00:00+09:00"}]


# --- found in review -----------------------------------------------------------------------


def _best_of(n, fn):
    import time as _time

    best = float("inf")
    for _ in range(n):
        t = _time.perf_counter()
        fn()
        best = min(best, _time.perf_counter() - t)
    return best


def test_a_quoted_entry_stays_linear_in_the_number_of_findings(linter):
    # Every "!" is a TONE004 finding and every "ok!" an occurrence of the quote: looking each
    # finding up in every occurrence made this quadratic (28 s at 32,000 repetitions).
    def draft_of(n):
        return draft('platform = "coupang"\nignore = [{ rule = "TONE004", text = "ok!" }]', "ok! " * n)

    small, large = draft_of(1_000), draft_of(8_000)
    t_small = _best_of(3, lambda: linter.lint_text(small))
    t_large = _best_of(3, lambda: linter.lint_text(large))
    assert t_large / max(t_small, 0.002) < 24  # 8x the text: linear ~8, quadratic ~64
    assert linter.lint_text(large).suppressed  # and they are silenced


def test_quotes_match_the_text_as_the_rules_see_it(linter):
    # An invisible character or a soft hyphen inside the span, an NFD Korean body: the rule
    # matches through them (the matching view), and so must the quote typed without them.
    for body in ("We apologise; the invoice\u200b number is 340010913442.",
                 "We apologise; the invo\u00adice number is 340010913442."):
        text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "the invoice number" }]', body)
        result = linter.lint_text(text)
        assert "TERM001" not in [f.rule for f in result.findings], body
        assert result.unused_ignores == ()
    import unicodedata

    body = unicodedata.normalize("NFD", "풀필먼트 센터에서 2024-05-12 14:22 KST에 출고되었습니다.")
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "풀필먼트 센터" }]', body)
    result = linter.lint_text(text)
    assert "TERM001" not in [f.rule for f in result.findings]
    assert [text[s.finding.start:s.finding.end] for s in result.suppressed] == [unicodedata.normalize("NFD", "풀필먼트 센터")]


def test_overlapping_occurrences_of_a_quote_count(linter):
    body = "delivery delay delivery delay delivery delay"
    text = draft('platform = "coupang"\nignore = [{ rule = "TERM001", text = "delivery delay delivery delay" }]', body)
    result = linter.lint_text(text)
    assert [f for f in result.findings if f.rule == "TERM001"] == []
    assert len(result.suppressed) == 3


@pytest.mark.parametrize("code, says", [
    ("NOPE999", "not a rule code or family"),
    ("TERM01", "the TERM rules: TERM001, TERM002"),
    ("T", "not a rule code or family"),
])
def test_an_ignore_code_that_names_no_rule_is_an_error_at_its_line(linter, code, says, run, tmp_path):
    text = draft(f'platform = "coupang"\nignore = [\n  "TONE004",\n  "{code}",\n]', EN_BODY)
    with pytest.raises(ContextError) as exc:
        linter.lint_text(text)
    assert exc.value.key == "ignore[2]" and says in exc.value.message
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    rc, out, _ = run("lint", "d.txt")
    assert rc == 2 and f"d.txt:5: error: ignore[2]: unknown rule '{code}'" in out


def test_show_ignored_keeps_each_rules_first_findings_and_counts_the_rest(run, tmp_path):
    body = "We apologise; the invoice number is 340010913442. " + "Done! " * 150 + "\n"
    text = draft('platform = "coupang"\nignore = ["TONE004", { rule = "TERM001", text = "the invoice number" }]', body)
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    rc, out, _ = run("lint", "d.txt", "--show-ignored", "--max-findings-per-rule", "20")
    assert "TERM001 (ignored)" in out  # not crowded out by the many TONE004
    assert out.count("TONE004 (ignored)") == 20
    assert "… and 130 more ignored TONE004 findings" in out
    assert "silenced nothing" not in out
