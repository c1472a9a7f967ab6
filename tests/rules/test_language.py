"""The language family (LANG001-LANG004) and the script analysis under it.

Spans are pinned exactly: each test names the substring that must be
flagged, and the clean examples must stay clean. Uses the session `lint`
fixture from tests/conftest.py: lint(text, codes, **context) ->
[(rule, flagged substring, suggestion)].
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest

from replydesk.linting import scripts
from replydesk.linting.context import CaseContext
from replydesk.linting.document import parse_draft
from replydesk.linting.engine import Linter
from replydesk.linting.fixer import apply_fixes
from replydesk.linting.loading import load_resources
from replydesk.linting.packs import LanguagePolicy
from replydesk.linting.registry import all_rules
from replydesk.linting.resources import Resources
from replydesk.linting.rules import language
from replydesk.linting.rules.base import RuleInput
from replydesk.linting.settings import Settings


def spans(lint, text, platform="coupang"):
    return [(rule, span) for rule, span, _ in lint(text, "LANG", platform=platform, kind="general")]


@pytest.fixture(scope="module")
def custom_linter():
    """A linter with extra packs whose language policy differs from the built-in ones."""
    resources = load_resources()
    base = resources.packs["coupang"]
    packs = dict(resources.packs)
    packs["coupang-other"] = replace(
        base, name="coupang-other", language=LanguagePolicy(allowed=("en", "ko", "other"))
    )
    packs["coupang-strict-hanja"] = replace(
        base, name="coupang-strict-hanja", language=LanguagePolicy(allowed=("en", "ko"), hanja_max_run=0)
    )
    packs["korean-only"] = replace(base, name="korean-only", language=LanguagePolicy(allowed=("ko",)))
    return Linter(Resources(packs=packs, glossary=resources.glossary), Settings(select=frozenset({"LANG"})))


def custom_spans(linter, text, platform):
    result = linter.lint_text(text, platform=platform, kind="general")
    return [(f.rule, result.draft.text[f.start : f.end]) for f in result.findings]


# --- LANG001: Chinese sentences --------------------------------------------------

def test_chinese_sentence_after_korean_is_flagged_alone(lint):
    assert spans(lint, "배송완료 되었습니다. 我们已经发货了。") == [("LANG001", "我们已经发货了。")]


def test_chinese_reply_to_amazon_is_flagged_and_names_the_allowed_language(linter):
    result = linter.lint_text("我们已经发货了，请查看附件。", platform="amazon", kind="general")
    (finding,) = [f for f in result.findings if f.category == "language"]
    assert finding.rule == "LANG001"
    assert result.draft.text[finding.start : finding.end] == "我们已经发货了，请查看附件。"
    assert "Amazon reads English only" in finding.message
    assert finding.suggestion == "rewrite it in English"


def test_each_chinese_sentence_is_its_own_span_without_surrounding_space_or_bullet(lint):
    text = "Thank you.\n\n- 我们已经发货了。谢谢！  \n"
    assert spans(lint, text) == [("LANG001", "我们已经发货了。"), ("LANG001", "谢谢！")]


def test_chinese_sentence_with_english_terms_is_one_chinese_sentence(lint):
    text = "我们已经在2024-05-12通过CJ Logistics发货，tracking number是340010913442。"
    assert spans(lint, text) == [("LANG001", text)]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        (
            "Facts: Order 22000011223344 was shipped on 2024-05-19 16:40 KST, 我们已经发货了，请不要取消订单。",
            "我们已经发货了，请不要取消订单。",
        ),
        ("Commitment: 以后我们会提前发货。", "以后我们会提前发货。"),
        ("我们已经发货了，please check", "我们已经发货了，"),
        ("배송 상태: 我们已经发货了，请不要取消订单。", "我们已经发货了，请不要取消订单。"),
    ],
)
def test_lead_in_and_trailing_clauses_without_chinese_stay_out_of_the_span(lint, text, flagged):
    assert spans(lint, text) == [("LANG001", flagged)]


def test_japanese_sentence_span_starts_at_its_first_japanese_clause(lint):
    assert spans(lint, "Status: ご注文の商品は発送済みです。") == [("LANG003", "ご注文の商品は発送済みです。")]


def test_chinese_sentence_gets_no_punctuation_warnings(lint):
    assert [r for r, _ in spans(lint, "订单已经发货了，请查看附件。")] == ["LANG001"]


def test_single_chinese_character_is_chinese(lint):
    assert spans(lint, "工") == [("LANG001", "工")]


@pytest.mark.parametrize("platform", ["tiktok", "shopee"])
def test_platforms_that_accept_chinese_get_no_chinese_findings(lint, platform):
    assert spans(lint, "我们已经发货了，请查看附件。", platform) == []
    assert spans(lint, "We shipped the item 已签收 on 2024-05-12.", platform) == []


# --- LANG002: Chinese mixed into English or Korean -------------------------------------

def test_chinese_run_inside_english_sentence_is_flagged_exactly(lint):
    assert spans(lint, "We shipped the item 已签收 on 2024-05-12") == [("LANG002", "已签收")]


def test_chinese_punctuation_glued_to_the_run_belongs_to_it(lint):
    text = "Status: 已签收，thanks for checking the order."
    assert spans(lint, text) == [("LANG002", "已签收，")]


def test_chinese_clause_after_korean_without_a_full_stop_is_mixing(lint):
    result = lint("배송완료 되었습니다 我们已经发货了", "LANG", platform="coupang", kind="general")
    assert result == [("LANG002", "我们已经发货了", "translate it or remove it")]


def test_two_character_simplified_word_in_korean_is_chinese_not_hanja(lint):
    assert spans(lint, "상품은 已经 배송되었습니다") == [("LANG002", "已经")]


def test_long_han_run_in_korean_without_a_gloss_is_chinese(lint):
    assert spans(lint, "상품은 已签收完毕 상태입니다") == [("LANG002", "已签收完毕")]


def test_parenthesised_chinese_longer_than_its_hangul_is_not_a_gloss(lint):
    assert spans(lint, "배송(我们已经发货了) 상태입니다") == [("LANG002", "我们已经发货了")]


@pytest.mark.parametrize(
    "text",
    [
        "이번 선거의 큰 변수(變數)가 될 전망이다.",
        "노무현(盧武鉉) 대통령은 3일 기자회견을 열었다.",
        "2013년 아베 신조(安倍晋三) 정권에서 검토됐다.",
        "美 간호사자격 취득 지원 프로그램이 열린다.",
        "‘대선이후 全大 실시’ 합의가 이뤄졌다.",
        "평균 수명은 男32년 女38년이었다.",
        "途(도)는 길의 뜻으로 道(도)와 통한다.",
        "국제 밀 선물(先物) 가격은 t당 올랐다.",
        "그 인물은 盧 전 대통령이었다.",  # U+F933, a compatibility ideograph
    ],
)
def test_hanja_in_korean_is_not_chinese(lint, text):
    assert spans(lint, text) == []


def test_hanja_glosses_do_not_make_a_korean_sentence_chinese(lint):
    text = "변수(變數) 노무현(盧武鉉) 아베 신조(安倍晋三) 美 道(도) 이(李)씨 쓰핑(四平)시"
    assert spans(lint, text) == []


def test_hanja_max_run_zero_still_accepts_glosses_but_not_bare_hanja(custom_linter):
    assert custom_spans(custom_linter, "노무현(盧武鉉) 대통령", "coupang-strict-hanja") == []
    assert custom_spans(custom_linter, "美 간호사자격", "coupang-strict-hanja") == [("LANG002", "美")]


@pytest.mark.parametrize(
    "text",
    [
        "SKU AB-123 상품은 CJ대한통운으로 배송완료 되었습니다",
        "iPhone 15 Pro 케이스(ASIN B0C1234XYZ)는 2024-05-12 14:22 KST에 Gonjiam Hub에서 출고되었습니다.",
        "주문번호 22000009546234 상품은 Galaxy Buds Pro Graphite Edition 모델이며 POD를 첨부합니다.",
    ],
)
def test_korean_with_english_product_terms_is_clean(lint, text):
    assert spans(lint, text) == []


# --- LANG003: languages outside the pack's policy -----------------------------------------

def test_japanese_sentence_is_flagged(linter):
    result = linter.lint_text("ご注文の商品は発送済みです。", platform="coupang", kind="general")
    (finding,) = [f for f in result.findings if f.category == "language"]
    assert (finding.rule, result.draft.text[finding.start : finding.end]) == ("LANG003", "ご注文の商品は発送済みです。")
    assert finding.message == "Japanese text; Coupang (Korea) reads English, Korean only"


def test_japanese_inside_english_is_japanese_not_chinese(lint):
    assert spans(lint, "The status says 発送済み in the carrier tracker.") == [("LANG003", "発送済み")]


def test_japanese_is_refused_even_where_chinese_is_accepted(lint):
    assert spans(lint, "ご注文の商品は発送済みです。", "tiktok") == [("LANG003", "ご注文の商品は発送済みです。")]


def test_korean_reply_to_amazon_is_flagged_as_a_sentence(lint):
    text = "SKU AB-123 상품은 CJ대한통운으로 배송완료 되었습니다"
    assert spans(lint, text, "amazon") == [("LANG003", text)]


def test_korean_word_in_english_sentence_to_amazon_is_flagged_alone(lint):
    assert spans(lint, "Status shows 배송완료 in the carrier tracker.", "amazon") == [("LANG003", "배송완료")]


def test_korean_is_fine_on_coupang_and_tiktok_but_not_shopee(lint):
    text = "배송완료 되었습니다."
    assert spans(lint, text, "coupang") == []
    assert spans(lint, text, "tiktok") == []
    assert spans(lint, text, "shopee") == [("LANG003", text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hemos enviado el pedido y el cliente confirmó la recepción del paquete ayer.", "Spanish"),
        ("Chúng tôi đã giao hàng cho khách hàng vào ngày hôm qua và có bằng chứng.", "Vietnamese"),
        ("Kami sudah mengirim pesanan dan pelanggan telah menerima paket tersebut kemarin.", "Indonesian"),
        ("Enviamos o pedido e o cliente confirmou o recebimento do pacote ontem.", "Portuguese"),
    ],
)
def test_latin_script_sentence_in_another_language_is_detected(linter, text, name):
    result = linter.lint_text(text, platform="coupang", kind="general")
    (finding,) = [f for f in result.findings if f.category == "language"]
    assert (finding.rule, result.draft.text[finding.start : finding.end]) == ("LANG003", text)
    assert finding.message == f"{name} text; Coupang (Korea) reads English, Korean only"


def test_spanish_sentence_inside_an_english_reply_is_flagged_alone(lint):
    spanish = "Hemos enviado el pedido y el cliente confirmó la recepción del paquete ayer."
    text = f"We shipped order 22000009546234 on 2024-05-10. {spanish} Please review the evidence."
    assert spans(lint, text) == [("LANG003", spanish)]


def test_short_foreign_sentence_is_not_judged(lint):
    assert spans(lint, "Gracias por su compra.") == []


def test_pack_allowing_other_languages_accepts_spanish(custom_linter):
    text = "Hemos enviado el pedido y el cliente confirmó la recepción del paquete ayer."
    assert custom_spans(custom_linter, text, "coupang-other") == []


def test_english_is_refused_by_a_korean_only_pack(custom_linter):
    text = "We shipped the order on 2024-05-10 and it was delivered on 2024-05-12."
    assert custom_spans(custom_linter, text, "korean-only") == [("LANG003", text)]


def test_cyrillic_sentence_is_flagged_by_script(lint):
    assert spans(lint, "Мы отправили заказ вчера.") == [("LANG003", "Мы отправили заказ вчера.")]


@pytest.mark.parametrize(
    "text",
    [
        "Tracking number 340010913442, carrier CJ Logistics, delivered 2024-05-12 14:22 KST, signed by recipient.",
        "Package delivered, recipient signature confirmed, photo evidence uploaded, tracking status complete.",
        "Corrective action: packaging upgraded, carrier changed, address verification enabled.",
        "Root cause: warehouse mislabeling during peak season; corrective training completed.",
        "Kindly review attached documents regarding order cancellation dispute resolution.",
        "Evidence_ProofOfDelivery_20240520_22000009546234.pdf Screenshot_Tracking_CJLogistics.png",
        "Samsung Galaxy Buds Pro Wireless Earbuds Graphite Edition SM-R190NZKAXAR B0C1234XYZ",
    ],
)
def test_terse_english_ids_and_product_titles_are_not_flagged(lint, text):
    assert spans(lint, text) == []


def test_ids_file_names_and_product_titles_never_reach_langdetect(monkeypatch, lint):
    language.clear_caches()
    monkeypatch.setattr(language, "detect_language", _langdetect_must_not_run)
    text = "Evidence_ProofOfDelivery_20240520_22000009546234.pdf SKU-AB-123 Samsung Galaxy Buds Pro B0C1234XYZ"
    assert spans(lint, text) == []


# --- LANG004: Chinese full-width punctuation -------------------------------------------------

def test_fullwidth_comma_and_full_stop_in_english_get_ascii_fixes(linter):
    text = "The parcel was delivered，see the attached proof。"
    result = linter.lint_text(text, platform="coupang", kind="general")
    found = [f for f in result.findings if f.category == "language"]
    assert [(f.rule, text[f.start : f.end], f.suggestion) for f in found] == [
        ("LANG004", "，", "replace with ', '"),
        ("LANG004", "。", "replace with '.'"),
    ]
    assert apply_fixes(text, found) == ("The parcel was delivered, see the attached proof.", 2)


def test_fullwidth_marks_in_korean_are_fixed_to_ascii(linter):
    text = "배송 완료되었습니다（사진 첨부）。감사합니다"
    result = linter.lint_text(text, platform="coupang", kind="general")
    found = [f for f in result.findings if f.category == "language"]
    assert [(f.rule, text[f.start : f.end]) for f in found] == [("LANG004", "（"), ("LANG004", "）"), ("LANG004", "。")]
    assert apply_fixes(text, found)[0] == "배송 완료되었습니다(사진 첨부). 감사합니다"


def test_colon_between_digits_gets_no_space(lint):
    assert lint("Delivered at 14：22 KST.", "LANG", platform="coupang", kind="general") == [
        ("LANG004", "：", "replace with ':'")
    ]


def test_fullwidth_forms_in_english_are_flagged(lint):
    assert spans(lint, "Total ５０％ off for order 22000009546234.") == [
        ("LANG004", "５"), ("LANG004", "０"), ("LANG004", "％"),
    ]


def test_korean_typography_is_not_flagged_in_korean(lint):
    text = "“배송완료” ‘확인’ 이우채·김계환 《한겨레》 〈수퍼내추럴〉 65.3％ 3～5일 30ｍ 「안내」 입니다."
    assert spans(lint, text) == []


def test_curly_quotes_and_middle_dot_in_english_are_not_flagged(lint):
    assert spans(lint, "The “final” notice · item ‘A’ was delivered.") == []


def test_pack_that_accepts_fullwidth_punctuation_gets_no_warning(lint):
    assert spans(lint, "The parcel was delivered，see the attached proof。", "tiktok") == []


# --- rule documentation ----------------------------------------------------------------------

LANGUAGE_RULES = [info for info in all_rules().values() if info.category == "language"]


@pytest.mark.parametrize("info", LANGUAGE_RULES, ids=[i.code for i in LANGUAGE_RULES])
def test_each_rule_documents_itself_and_is_reported_by_this_check(info):
    # Its fixtures (linting/rules/language.toml) are run by tests/rules/test_rule_examples.py.
    assert info.check == "language" and info.summary and info.why


def test_only_punctuation_and_invisible_characters_are_fixable():
    # a language cannot be fixed by replacing characters; a full-width comma or a zero-width space can
    assert [i.code for i in LANGUAGE_RULES if i.fixable] == ["LANG004", "LANG005"]


# --- langdetect: lazy, once, seeded, Latin profiles only ---------------------------------------

def _langdetect_must_not_run(text):
    raise AssertionError(f"langdetect called on {text!r}")


def test_importing_the_rule_does_not_load_langdetect():
    code = "import sys, replydesk.linting.rules.language; print('langdetect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_langdetect_profiles_load_once_across_threads(monkeypatch):
    from langdetect.detector_factory import DetectorFactory

    loads = []
    original = DetectorFactory.load_json_profile

    def counting(self, profiles):
        loads.append(len(profiles))
        return original(self, profiles)

    monkeypatch.setattr(DetectorFactory, "load_json_profile", counting)
    monkeypatch.setattr(language, "_factory", None)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(language._detector_factory())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == [len(language.LATIN_PROFILES)]
    assert len({id(f) for f in seen}) == 1
    assert seen[0].get_lang_list() == list(language.LATIN_PROFILES)


def test_detection_is_seeded_and_repeatable():
    text = "hemos enviado el pedido y el cliente confirmó la recepción del paquete"
    first = language.detect_language.__wrapped__(text)
    assert [language.detect_language.__wrapped__(text) for _ in range(3)] == [first] * 3
    from replydesk.linting.packs import LanguagePolicy

    assert first[0] == "es" and first[1] > LanguagePolicy().detect_confidence


TYPICAL_ENGLISH = (
    "Issue Summary\n"
    "The buyer of order 22000009546234 reported on 2024-05-13 that the parcel had not arrived. "
    "Our records and the carrier's records show that it was delivered on 2024-05-12 14:22 KST.\n\n"
    "Evidence index\n"
    "1. Evidence_ProofOfDelivery_20240520_22000009546234.pdf: the carrier's proof of delivery.\n"
    "2. The item (SKU AB-123, vendor item 3242596358) was handed to CJ Logistics on 2024-05-10 09:05 KST "
    "under waybill 340010913442.\n\n"
    "Request\n"
    "We ask you to review the attached evidence and to close the claim in our favour."
)
TYPICAL_KOREAN = (
    "사실 관계\n"
    "주문번호 22000009546234 상품(SKU AB-123)은 2024-05-10 09:05 KST에 CJ대한통운에 인계되었으며 "
    "송장번호는 340010913442입니다. 2024-05-12 14:22 KST에 고객님의 등록 주소로 배송완료 처리되었습니다.\n\n"
    "증빙 자료\n"
    "1. Evidence_ProofOfDelivery_20240520_22000009546234.pdf: 택배사 배송완료 증빙입니다.\n"
    "2. Evidence_Tracking_20240520_22000009546234.png: URL과 시간이 보이는 배송조회 화면입니다.\n"
)


def test_typical_english_and_korean_drafts_never_call_langdetect(monkeypatch, lint):
    language.clear_caches()
    monkeypatch.setattr(language, "detect_language", _langdetect_must_not_run)
    assert spans(lint, TYPICAL_ENGLISH) == []
    assert spans(lint, TYPICAL_KOREAN) == []


# --- scripts: the analysis the rule stands on ----------------------------------------------------

def test_sentence_spans_split_at_terminators_but_not_inside_numbers_or_file_names():
    text = "- 我们已经发货了。谢谢！ Hello there. Weight 3.5 kg, file POD.pdf attached?\n\n  Next line"
    assert [text[a:b] for a, b in scripts.sentence_spans(text)] == [
        "我们已经发货了。", "谢谢！", "Hello there.", "Weight 3.5 kg, file POD.pdf attached?", "Next line",
    ]


def test_sentence_bounds_cover_the_text_without_gaps():
    text = "One. Two!\n\n三。 Four"
    bounds = scripts.sentence_bounds(text)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


def test_script_runs_and_dominant_script():
    text = "SKU AB-123 상품은 已签收"
    assert [(r.script, text[r.start : r.end]) for r in scripts.script_runs(text)] == [
        ("latin", "SKU"), ("latin", "AB"), ("hangul", "상품은"), ("han", "已签收"),
    ]
    assert scripts.count_scripts("배송완료 되었습니다 我们已经发货了").dominant() == scripts.HANGUL
    assert scripts.count_scripts("Please check 订单已经发货了").dominant() == scripts.HAN
    assert scripts.count_scripts("ご注文の商品は発送済みです").dominant() == scripts.KANA
    assert scripts.count_scripts("We shipped the item 已签收 today").dominant() == scripts.LATIN
    assert scripts.count_scripts("2024-05-12 14:22").dominant() is None


def test_katakana_middle_dot_and_long_mark_alone_are_not_kana():
    assert scripts.KANA_RE.search("이우채・김계환 ー") is None
    assert scripts.KANA_RE.search("セール") is not None


def test_han_chunks_take_glued_chinese_punctuation_and_joining_digits():
    text = "Delivered （已签收，谢谢） on 12月1日 ok"
    assert [text[a:b] for a, b in scripts.han_chunks(text)] == ["（已签收，谢谢）", "月1日"]


@pytest.mark.parametrize(
    ("text", "run", "expected"),
    [
        ("변수(變數)가", "變數", True),
        ("노무현(盧武鉉) 대통령", "盧武鉉", True),
        ("아베 신조(安倍晋三) 정권", "安倍晋三", True),
        ("道(도)와 통한다", "道", True),
        ("美 간호사", "美", True),
        ("상품은 已经 배송", "已经", False),  # simplified 经
        ("배송(已签收) 상태", "已签收", False),  # simplified 签
        ("배송(運送狀態確認) 상태", "運送狀態確認", False),  # six characters for two syllables
        ("상품은 配送完了 상태", "配送完了", False),  # too long to stand alone
    ],
)
def test_is_hanja(text, run, expected):
    start = text.index(run)
    assert scripts.is_hanja(text, start, start + len(run), max_run=2) is expected


def test_other_script_names():
    assert scripts.other_script_name("Ж") == "Cyrillic"
    assert scripts.other_script_name("ก") == "Thai"


# --- robustness ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "我们已经发货了请查看附件" * 20000,  # no full stop anywhere
        "我们已经发货了，请查看附件。" * 15000,
        "hemos enviado el pedido y el cliente confirmó " * 5000,
        "노무현(盧武鉉) 대통령은 美 간호사 全大 배송완료 되었습니다. " * 5000,
        "The status says 発送済み in the tracker " * 6000,  # one long mixed sentence
        "Delivered 已签收，ok （see）" * 8000,
    ],
    ids=["zh-unbroken", "zh-sentences", "es-unbroken", "ko-hanja", "ja-in-en", "zh-and-fullwidth-in-en"],
)
def test_huge_drafts_are_checked_in_linear_time(text):
    resources = load_resources()
    pack = resources.packs["coupang"]
    inp = RuleInput(parse_draft(text), CaseContext(platform="coupang"), pack, pack.kind("general"), resources, all_rules())
    start = time.perf_counter()
    list(language.check(inp))  # check() may be lazy: run it to the end
    assert time.perf_counter() - start < 3.0  # about 0.1 s each; quadratic work would take minutes


def test_spans_count_from_the_file_start_when_there_is_front_matter(linter):
    text = '+++\nplatform = "coupang"\nkind = "general"\n+++\nWe shipped the item 已签收 on 2024-05-12.\n'
    result = linter.lint_text(text)
    (finding,) = [f for f in result.findings if f.category == "language"]
    assert text[finding.start : finding.end] == "已签收"
    assert result.draft.position(finding.start, finding.end).line == 5
