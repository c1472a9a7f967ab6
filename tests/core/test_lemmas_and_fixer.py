"""Inflection tolerance must agree with spaCy's own lookup lemmatizer; fixes apply safely."""
from __future__ import annotations

import pytest

from replydesk.linting.findings import Finding, Fix, Severity
from replydesk.linting.fixer import apply_fixes
from replydesk.linting.lemmas import inflections, lemma
from replydesk.linting.rules.keyword import contains_keyword


@pytest.fixture(scope="module")
def spacy_en():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def test_lemmas_match_spacy_lookup_lemmatizer(spacy_en):
    text = ("We confirmed receipt of the returned items, shipped boxes and delivered parcels; "
            "the buyer was refunded and carriers were notified while deliveries were delayed")
    doc = spacy_en(text)
    words = [t for t in doc if t.is_alpha]
    assert [lemma(t.text) for t in words] == [t.lemma_.lower() for t in words]


def test_inflections_cover_the_forms_of_a_lemma():
    assert {"confirm", "confirms", "confirmed", "confirming"} <= set(inflections("confirm"))
    assert {"deliveries", "delivery"} <= set(inflections("delivery"))


@pytest.mark.parametrize("text, keyword, expected", [
    ("We confirmed receipt on 2024-05-12.", "confirm receipt", True),
    ("Receipt was confirmed on 2024-05-12.", "confirm receipt", False),
    ("We CONFIRM\nRECEIPT of the item.", "confirmed receipt", True),
    ("배송완료를 확인했습니다.", "배송완료", True),
    ("오배송완료 건입니다.", "배송완료", False),
    ("수령확인 완료", "수령 확인", True),
    ("已签收", "签收", True),
    ("nothing here", "proof of delivery | 배송완료", False),
    ("배송완료", "proof of delivery | 배송완료", True),
])
def test_keyword_matching_by_script(text, keyword, expected):
    assert contains_keyword(text, keyword) is expected


def _f(start, end, repl):
    return Finding("X", "term", Severity.WARNING, "m", start, end, fix=Fix(start, end, repl))


def test_fixes_apply_left_to_right_and_skip_overlaps():
    text = "abc def ghi"
    new, n = apply_fixes(text, [_f(8, 11, "GHI"), _f(0, 3, "ABC"), _f(1, 5, "zz")])
    assert new == "ABC def GHI" and n == 2


def test_fix_that_changes_nothing_is_not_counted():
    assert apply_fixes("abc", [_f(0, 3, "abc")]) == ("abc", 0)
