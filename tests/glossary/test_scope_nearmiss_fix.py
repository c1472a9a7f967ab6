"""Scope (platforms, case kinds), templates, near misses (TERM002) and fixes."""
from __future__ import annotations

from replydesk.linting.context import context_from_mapping
from replydesk.linting.fixer import apply_fixes
from replydesk.linting.glossary.selftest import apply_replacements

from .conftest import hits

# -- scope -----------------------------------------------------------------------


def test_platform_terms_apply_only_on_their_platform(shipped):
    text = "We apologise for the delivery delay."
    assert hits(shipped, text, platform="coupang", rule="TERM001") == [("TERM001", "delivery delay", "shipping delay")]
    assert hits(shipped, text, platform="amazon", rule="TERM001") == []


def test_kind_scoped_word_list_applies_only_in_disputes(shipped):
    text = "We will resend the item tomorrow."
    for kind in ("return-dispute", "chargeback", "atoz-review"):
        assert hits(shipped, text, kind=kind, rule="POL002") == [
            ("POL002", "We will resend the item", "State the facts and the evidence; do not promise a reshipment in the dispute.")
        ]
    assert hits(shipped, text, kind="cancellation-appeal", rule="POL002") == []


def test_entry_scope_narrower_than_its_file(shipped):
    assert [h[1] for h in hits(shipped, "Opened in Seller Center.", platform="amazon", rule="TERM001")] == ["Seller Center"]
    assert hits(shipped, "Opened in Seller Center.", platform="tiktok", rule="TERM001") == []


def test_templates_in_scope_are_returned_per_language(shipped):
    found = dict()
    for entry_id, text in shipped.templates(platform="coupang", kind="return-dispute"):
        found.setdefault(entry_id, []).append(text)
    assert "已收到，正在核查物流信息" in found["templates:received-checking-logistics"]
    assert "Received, we are checking the logistics information." in found["templates:received-checking-logistics"]
    assert len(found) == 11 and all(len(texts) == 3 for texts in found.values())


def test_templates_are_not_matched_as_forms(shipped):
    assert hits(shipped, "已收到，正在核查物流信息", platform="coupang") == []


# -- near misses ---------------------------------------------------------------------


def test_misspelt_avoided_form_is_a_near_miss_with_the_preferred_suggestion(shipped):
    text = "Sorry for the delivary delay."
    found = shipped.scan(text, platform="coupang", kind="general")
    assert [(h.rule, text[h.start:h.end], h.suggestion, h.replacement) for h in found] == [
        ("TERM002", "delivary delay", "shipping delay", None)
    ]
    assert "looks like a misspelling" in found[0].message


def test_misspelt_preferred_form_is_a_near_miss(shipped):
    assert hits(shipped, "The waybil number is 340010913442.") == [("TERM002", "waybil number", "waybill number")]
    assert hits(shipped, "Please check the shipping adress.") == [("TERM002", "shipping adress", "shipping address")]


def test_transposed_letters_count_as_one_edit(shipped):
    assert hits(shipped, "The buyer requested a retrun.") == [("TERM002", "retrun", "return")]


def test_dictionary_words_and_short_words_are_never_near_misses(shipped):
    # "delivers" and "numbers" are English words; "nmber" is too short to compare.
    assert hits(shipped, "The courier delivers numbers; nmber.") == []


def test_near_miss_needs_the_rest_of_the_phrase(shipped):
    assert hits(shipped, "The delivary was late.") == []


def test_word_lists_and_korean_are_not_fuzzy_matched(shipped):
    assert hits(shipped, "Contact us on Whatsap.", platform="general") == []
    assert hits(shipped, "배송지역 안내입니다.", platform="coupang") == []  # 배송지역 is a real word, not 배송지연


def test_near_misses_respect_scope(shipped):
    assert hits(shipped, "Sorry for the delivary delay.", platform="amazon") == []


# -- fixes ---------------------------------------------------------------------------


def test_replacement_only_when_exactly_one_preferred_form_in_that_language(shipped):
    text = "[인보이스 번호] and the shipping completed status".replace("[", "").replace("]", "")
    found = {text[h.start:h.end]: h for h in shipped.scan(text, platform="coupang", kind="general")}
    assert found["인보이스 번호"].replacement is None  # ko: 송장번호 or 운송장번호
    assert found["인보이스 번호"].suggestion == "송장번호 or 운송장번호"
    assert found["shipping completed"].replacement is None  # en: Delivered or Delivery Completed


def test_fix_keeps_capitalisation_and_inflection(shipped):
    text = "DELIVERY DELAY. Delivery delays. Both Invoice Numbers."
    fixed = apply_replacements(text, shipped.scan(text, platform="coupang", kind="general"))
    assert fixed == "SHIPPING DELAY. Shipping delays. Both Waybill Numbers."


def test_korean_fix_changes_the_particle_to_agree(shipped):
    text = "풀필먼트 센터을 확인했고 풀필먼트센터로 보냈습니다."
    found = shipped.scan(text, platform="coupang", kind="general")
    assert [text[h.start:h.end] for h in found] == ["풀필먼트 센터", "풀필먼트센터"]  # the flagged span is the term
    assert apply_replacements(text, found) == "물류센터를 확인했고 물류센터로 보냈습니다."


def test_lint_fix_through_the_fixer_applies_glossary_substitutions(linter):
    text = (
        '+++\nplatform = "coupang"\nkind = "general"\n+++\n'
        "We apologise for the delivery delay. The invoice number is 340010913442.\n"
        "풀필먼트 센터을 확인했습니다.\n"
    )
    result = linter.lint_text(text)
    new, applied = apply_fixes(text, result.findings)
    assert applied == 3
    assert new.endswith(
        "We apologise for the shipping delay. The waybill number is 340010913442.\n물류센터를 확인했습니다.\n"
    )
    again = linter.lint_text(new)
    assert not [f for f in again.findings if f.rule == "TERM001"]


def test_lint_fix_cli_rewrites_the_file(tmp_path, monkeypatch):
    from replydesk.linting.cli import main

    monkeypatch.chdir(tmp_path)
    draft = tmp_path / "reply.md"
    draft.write_text('+++\nplatform = "coupang"\n+++\nSorry for the Delivery Delay.\n', encoding="utf-8")
    main(["lint", "--fix", "--quiet", str(draft)])
    assert draft.read_text(encoding="utf-8").endswith("Sorry for the Shipping Delay.\n")


def test_word_list_findings_carry_no_fix(linter):
    result = linter.lint_text("We are very anxious, please process.", overrides=context_from_mapping({"platform": "coupang"}))
    tone = [f for f in result.findings if f.rule == "TONE001"]
    assert [result.draft.text[f.start:f.end] for f in tone] == ["We are very anxious, please process"]
    assert tone[0].fix is None
