"""The rules match text as it is meant, and report it as it was written (linting/normalise.py).

Korean decomposed into Jamo (NFD, as macOS and some exports write it) and
invisible characters inside words (zero-width spaces, soft hyphens, bidi
controls) must neither hide a defect nor invent one: every corpus reply,
rewritten that way, gets the same findings as the original, on spans of
the rewritten text, plus one LANG005 per invisible character.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from replydesk.linting.context import context_from_mapping
from replydesk.linting.fixer import apply_fixes
from replydesk.linting.normalise import invisible_table, matching_view

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CLEAN = sorted((CORPUS / "clean").rglob("*.txt"))
FLAWED = [
    d for p in sorted((CORPUS / "flawed").glob("*.toml")) for d in tomllib.loads(p.read_text(encoding="utf-8"))["draft"]
]
_INVISIBLE_RE = re.compile("[" + "".join(invisible_table()) + "]")


def _cases():
    for path in CLEAN:
        yield path.read_text(encoding="utf-8"), None
    for d in FLAWED:
        yield d["text"], d["context"]


CASES = list(_cases())


def _lint(linter, text, context):
    result = linter.lint_text(text, overrides=context_from_mapping(context) if context else None)
    return result.draft, result.findings


def _meant(text: str) -> str:
    return unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))


def _signature(draft, findings, skip=("LANG005",)):
    return Counter((f.rule, _meant(draft.text[f.start : f.end]), f.message) for f in findings if f.rule not in skip)


def _body_split(text: str) -> tuple[str, str]:
    """(front matter with its fences, body): only the body is rewritten; the case context stays as it is."""
    if text.startswith("+++"):
        end = text.index("\n+++", 3) + len("\n+++")
        end = text.index("\n", end) + 1 if "\n" in text[end:] else len(text)
        return text[:end], text[end:]
    return "", text


def test_matching_view_is_nfc_without_invisible_characters_and_maps_every_span():
    text = "Whats\u200bApp 주문 " + unicodedata.normalize("NFD", "배송완료") + " cafe\u0301 \u202eexe"
    view = matching_view(text)
    assert view.text == "WhatsApp 주문 배송완료 café exe"
    at = view.text.index("배송완료")
    a, b = view.original_span(at, at + 4)
    assert unicodedata.normalize("NFC", text[a:b]) == "배송완료" and b - a == 10  # 4 syllables, 10 Jamo
    a, b = view.original_span(0, len("WhatsApp"))
    assert text[a:b] == "Whats\u200bApp"
    assert matching_view("plain ASCII") is None and matching_view("이미 NFC인 한국어") is None
    # a joiner inside an emoji sequence is neither removed nor counted
    assert matching_view("\U0001F468\u200d\U0001F469 ok") is None


@pytest.mark.parametrize("form", ["NFD"])
def test_decomposed_replies_get_the_findings_of_their_composed_form(linter, form):
    changed = 0
    for text, context in CASES:
        head, body = _body_split(text)
        rewritten = head + unicodedata.normalize(form, body)
        if rewritten == text:
            continue
        changed += 1
        draft0, found0 = _lint(linter, text, context)
        draft1, found1 = _lint(linter, rewritten, context)
        assert _signature(draft1, found1) == _signature(draft0, found0), text[:80]
        # NFD is not invisible: LANG005 only where the original has invisible characters
        assert len([f for f in found1 if f.rule == "LANG005"]) == len([f for f in found0 if f.rule == "LANG005"])
    assert changed >= 150  # every Korean reply (and any accented word) was rewritten


def _with_invisibles(body: str, char: str) -> tuple[str, int]:
    """`char` after the first letter of every word of five letters or more."""
    count = 0

    def put(m):
        nonlocal count
        count += 1
        return m.group()[0] + char + m.group()[1:]

    return re.sub(r"(?<![\w])[^\W\d_]{5,}", put, body), count


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u2060"])
def test_invisible_characters_inside_words_hide_nothing_and_are_each_reported(linter, char):
    for text, context in CASES[::3]:
        head, body = _body_split(text)
        body, count = _with_invisibles(body, char)
        if not count:
            continue
        draft0, found0 = _lint(linter, text, context)
        result = linter.lint_text(head + body, overrides=context_from_mapping(context) if context else None)
        draft1, found1 = result.draft, result.findings
        assert _signature(draft1, found1) == _signature(draft0, found0), text[:80]
        before = [f for f in found0 if f.rule == "LANG005" and draft0.text[f.start : f.end] == char]
        reported = [f for f in found1 if f.rule == "LANG005" and draft1.text[f.start : f.end] == char]
        # past the findings cap (max_findings_per_rule) the rest are counted, not listed
        assert len(reported) + result.omitted.get("LANG005", 0) == count + len(before)


def test_nfd_korean_keeps_its_required_keyword_and_its_glossary_term(linter):
    context = {"platform": "coupang", "kind": "return-dispute", "required_keywords": ["배송완료"]}
    nfd = unicodedata.normalize("NFD", "주문번호 22000009546234 상품은 2024-05-12 14:22 KST에 배송완료를 확인했습니다. 풀필먼트 센터에서 출고했습니다.")
    draft, found = _lint(linter, nfd, context)
    assert not [f for f in found if f.rule == "KEY001"]
    terms = [f for f in found if f.rule == "TERM001"]
    assert [draft.text[f.start : f.end] for f in terms] == [unicodedata.normalize("NFD", "풀필먼트 센터")]
    fixed, _ = apply_fixes(draft.text, terms)
    assert unicodedata.normalize("NFC", fixed).endswith("물류센터에서 출고했습니다.")


def test_fixes_remove_the_invisible_characters_and_keep_the_rest(linter):
    text = "Order 112-4567890-1234567 was deli\u00advered on 2024-05-12 at 14:22 KST.\u200b The proof is \u202eattached."
    draft, found = _lint(linter, text, {"platform": "amazon"})
    assert [f.rule for f in found if f.rule == "LANG005"] == ["LANG005"] * 3
    fixed, count = apply_fixes(draft.text, found)
    assert fixed == "Order 112-4567890-1234567 was delivered on 2024-05-12 at 14:22 KST. The proof is attached."
    assert count == 3


def test_the_case_context_is_matched_as_meant_too(linter):
    """An exported case whose notice, required keywords and sent replies are NFD still selects,
    requires and compares in the composed form."""
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    reply = "주문번호 22000019034527 상품은 2024-05-21 13:07 KST에 우체국택배로 경비실에 배달완료되었습니다."
    context = {
        "platform": "coupang", "kind": "return-dispute", "order_ids": ["22000019034527"],
        "history": [{"who": "platform", "text": nfd("고객이 상품 미수령을 주장합니다.")}],
    }
    _, found = _lint(linter, reply, context)
    assert not [f for f in found if f.rule == "KEY001"]
    _, found = _lint(linter, reply, {**context, "history": [], "required_keywords": [nfd("배달완료")]})
    assert not [f for f in found if f.rule == "KEY001"]
    sent = {"who": "seller", "text": nfd(reply)}
    _, found = _lint(linter, reply, {**context, "history": [context["history"][0], sent]})
    assert [f.rule for f in found if f.rule == "TPL002"] == ["TPL002"]
