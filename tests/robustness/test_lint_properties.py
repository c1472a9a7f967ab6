"""Property tests: for any text, lint never raises and every span lies inside the text."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replydesk.linting.context import context_from_mapping
from replydesk.linting.document import DraftError

PLATFORMS = ["general", "coupang", "amazon", "tiktok", "shopee"]
KINDS = ["general", "return-dispute", "atoz-review", "notice-of-action", "cancellation-appeal"]

# Text biased towards what rules look at: digits, colons, slashes, CJK, Hangul, caps, "!".
_alphabet = st.one_of(
    st.characters(),
    st.sampled_from(list("0123456789:/-!！。，KSTUCGM+ 가나다배송완료주문번호订单号已签收ABCXYZ\n\t")),
)
texts = st.text(alphabet=_alphabet, max_size=400)
contexts = st.fixed_dictionaries(
    {"platform": st.sampled_from(PLATFORMS), "kind": st.sampled_from(KINDS)},
    optional={
        "order_ids": st.lists(st.from_regex(r"\d{13,14}|\d{3}-\d{7}-\d{7}", fullmatch=True), max_size=2),
        "claim_ids": st.lists(st.from_regex(r"CL-\d{8}", fullmatch=True), max_size=1),
        "history": st.lists(st.fixed_dictionaries({"who": st.just("seller"), "text": texts}), max_size=1),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, ctx=contexts)
def test_lint_never_raises_and_spans_stay_inside_the_text(linter, text, ctx):
    try:
        result = linter.lint_text(text, overrides=context_from_mapping(ctx))
    except DraftError:
        return  # e.g. a "+++" first line that never closes: a reported input error, not a crash
    n = len(result.draft.text)
    for f in result.findings:
        assert 0 <= f.start <= f.end <= n, f
        pos = result.draft.position(f.start, f.end)
        assert (pos.line, pos.column) <= (pos.end_line, pos.end_column)
        if f.fix is not None:
            assert 0 <= f.fix.start <= f.fix.end <= n


@pytest.mark.parametrize("text", [
    "\ud800 lone surrogate 14:22",
    "\u202eRTL override 주문번호 22000009546234\u202c",
    "😀" * 2000 + "!",
    "a" * 200_000,
    "1" * 100_000,
    ":" * 100_000,
    "시" * 50_000,
    "\n" * 10_000,
    ("order " * 20_000),
    "가" * 100_000,
])
def test_pathological_texts_lint_quickly(linter, text):
    import time

    start = time.perf_counter()
    linter.lint_text(text, overrides=context_from_mapping({"platform": "coupang", "order_ids": ["22000009546234"]}))
    assert time.perf_counter() - start < 5.0
