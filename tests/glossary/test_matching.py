"""How glossary forms match drafts: English words, Korean particles, Chinese substrings, longest match."""
from __future__ import annotations

from .conftest import hits

TERMS = """
[glossary]
name = "t"
languages = ["ko", "en", "zh"]

[[entry]]
id = "delivery"
ko = "택배"
en = "parcel service"
reason = "test"
avoid = ["배송", "ship it"]

[[entry]]
id = "shipping-delay"
ko = "배송지연"
en = "shipping delay"
zh = "配送延迟"
reason = "test"
lemmas = true
avoid = ["delivery delay", "배송 지체", "送货延迟"]

[[entry]]
id = "late"
en = "late dispatch"
reason = "test"
avoid = ["delivery delay notice"]
"""


# -- English ---------------------------------------------------------------------


def test_english_form_matches_whole_words_case_insensitively(shipped):
    text = "We apologise for the Delivery Delay on order 22000009546234."
    assert hits(shipped, text, rule="TERM001") == [("TERM001", "Delivery Delay", "Shipping Delay")]


def test_english_form_does_not_match_inside_a_longer_word(scan_with):
    assert scan_with(TERMS, "The undelivery delayed nothing; ship itself.") == []


def test_english_phrase_matches_across_a_line_break(shipped):
    text = "We apologise for the delivery\n   delay."
    assert hits(shipped, text, rule="TERM001") == [("TERM001", "delivery\n   delay", "shipping delay")]


def test_english_phrase_needs_whitespace_not_punctuation_between_words(shipped):
    assert hits(shipped, "Delivery, delay and waiting.", rule="TERM001") == []


def test_lemma_expansion_matches_an_inflected_form_and_inflects_the_fix(scan_with):
    found = scan_with(TERMS, "Two delivery delays were reported.")
    assert found == [("TERM001", "delivery delays", "shipping delays", "shipping delays")]


def test_english_form_followed_by_a_korean_particle_still_matches(shipped):
    text = "WhatsApp으로 연락 주세요."
    assert hits(shipped, text, platform="general", rule="POL001")[0][1] == "WhatsApp"


def test_longest_form_wins_over_a_shorter_one_at_the_same_start(scan_with):
    found = scan_with(TERMS, "The delivery delay notice was sent.")
    assert [(f[1], f[2]) for f in found] == [("delivery delay notice", "late dispatch")]


def test_form_with_trailing_punctuation_owns_it(shipped):
    text = "Invoice No. 340010913442"
    assert hits(shipped, text, rule="TERM001") == [("TERM001", "Invoice No.", "Waybill Number")]
    assert hits(shipped, "There is no longer an invoice number problem.", rule="TERM001") == [
        ("TERM001", "invoice number", "waybill number")
    ]


def test_case_sensitive_entry_matches_only_the_written_case(shipped):
    assert hits(shipped, "Add us on LINE today.", platform="general", rule="POL001") == [
        ("POL001", "on LINE", "Keep the conversation in the platform's message centre.")
    ]
    assert hits(shipped, "Please wait on line 3.", platform="general", rule="POL001") == []
    assert hits(shipped, "We checked everything from A to Z.", platform="amazon", rule="TERM001") == []
    assert hits(shipped, "A review of the A-to-Z claim.", platform="amazon", rule="TERM001") == [
        ("TERM001", "A-to-Z", "A-to-z")
    ]


# -- Korean ------------------------------------------------------------------------


def test_korean_particle_after_term_still_matches(scan_with):
    for text, particle in (("배송으로 보냈습니다", "으로"), ("배송을 확인", "을"), ("배송에서는 문제가", "에서는")):
        assert [f[1] for f in scan_with(TERMS, text)] == ["배송"], (text, particle)


def test_korean_ending_after_term_still_matches(shipped):
    text = "제품을 풀필먼트 센터했습니다"  # a 하다 ending glued to the term
    assert [h[1] for h in hits(shipped, text, rule="TERM001")] == ["풀필먼트 센터"]
    # The promise (재발송 + 하겠), not the noun: "고객님께서 재발송을 요청하셨습니다" is a fact.
    assert [h[1] for h in hits(shipped, "내일 재발송하겠습니다.", kind="return-dispute", rule="POL002")] == ["재발송하겠"]


def test_korean_term_inside_a_longer_word_does_not_match(scan_with):
    # 배송 inside 오배송 (no Hangul may precede), and before 지연 (not a particle).
    assert scan_with(TERMS, "오배송 건입니다. 배송지연 안내.") == []


def test_korean_term_followed_by_a_non_particle_syllable_does_not_match(scan_with):
    assert scan_with(TERMS, "배송비를 환불했습니다") == []


def test_korean_space_inside_a_form_is_optional(scan_with):
    assert [f[1] for f in scan_with(TERMS, "배송지체로 죄송합니다")] == ["배송지체"]
    assert [f[1] for f in scan_with(TERMS, "배송 지체로 죄송합니다")] == ["배송 지체"]
    assert [f[1] for f in scan_with(TERMS, "배송\n지체로 죄송합니다")] == ["배송\n지체"]


def test_korean_longest_match_wins(scan_with):
    # 배송 지체 (two words) beats 배송 (one word) at the same start.
    assert [(f[1], f[2]) for f in scan_with(TERMS, "배송 지체가 있었습니다")] == [("배송 지체", "배송지연")]


def test_korean_word_list_forms_take_particles_too(shipped):
    assert [h[1] for h in hits(shipped, "아마도 도착했습니다", platform="general", rule="TONE006")] == ["아마"]
    assert hits(shipped, "아마존 주문이 아닙니다", platform="general", rule="TONE006") == []


def test_korean_multiword_word_list_form_matches_with_or_without_spaces(shipped):
    for text in ("빨리 처리해 주세요.", "빨리처리해주세요.", "빨리 처리해주세요."):
        found = hits(shipped, text, platform="general", rule="TONE001")
        assert [h[1] for h in found] == [text[:-1]], text


# -- Chinese ------------------------------------------------------------------------


def test_chinese_form_matches_as_a_plain_substring(scan_with):
    assert [(f[1], f[2]) for f in scan_with(TERMS, "因为送货延迟，抱歉。")] == [("送货延迟", "配送延迟")]


def test_chinese_word_list_form_inside_a_sentence(shipped):
    assert [h[1] for h in hits(shipped, "请加微信联系我们", platform="general", rule="POL001")] == ["微信"]


# -- hits ---------------------------------------------------------------------------


def test_hits_are_sorted_and_carry_the_entry_id(shipped):
    text = "Sorry for the delivery delay; the invoice number is 340010913442."
    found = shipped.scan(text, platform="coupang", kind="general")
    assert [h.entry for h in found] == ["coupang:shipping-delay", "coupang:waybill-number"]
    assert [h.start for h in found] == sorted(h.start for h in found)
    assert all(h.severity is None for h in found)  # the rule's default severity applies


def test_scan_of_empty_text_is_empty(shipped):
    assert shipped.scan("", platform="coupang", kind="general") == []
