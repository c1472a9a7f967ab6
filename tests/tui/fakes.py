"""A small, fixed linter for snapshots: the real rule families keep growing, pictures must not.

It speaks the real API (`lint_text(text, overrides=ctx) -> LintResult`,
`resources.packs`) and returns real `Finding` objects, so the desk cannot
tell it apart; the flow tests in test_flows.py use the real linter.
"""
from __future__ import annotations

import re

from replydesk.linting.context import CaseContext
from replydesk.linting.document import parse_draft
from replydesk.linting.engine import LintResult
from replydesk.linting.findings import Finding, Fix, Severity
from replydesk.linting.loading import load_packs

EXCLAMATION = re.compile(r"!+")
DELIVERY_DELAY = re.compile(r"delivery delay", re.IGNORECASE)
HAN_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff，。！？、\s\d]*[\u4e00-\u9fff。]")


class _Resources:
    def __init__(self):
        self.packs = load_packs()


class StubLinter:
    """TONE004 (fixable '!'), TERM001 (fixable 'delivery delay'), LANG001 (Chinese under coupang/amazon)."""

    def __init__(self):
        self.resources = _Resources()

    def lint_text(self, text: str, overrides: CaseContext | None = None, **flags) -> LintResult:
        draft = parse_draft(text)
        ctx = overrides or CaseContext()
        base = draft.body_start
        body = draft.body
        findings: list[Finding] = []
        for m in EXCLAMATION.finditer(body):
            s, e = base + m.start(), base + m.end()
            findings.append(Finding("TONE004", "tone", Severity.WARNING, "exclamation mark: keep the reply factual",
                                    s, e, "end the sentence with '.'", Fix(s, e, ".")))
        for m in DELIVERY_DELAY.finditer(body):
            s, e = base + m.start(), base + m.end()
            findings.append(Finding("TERM001", "term", Severity.ERROR, "'delivery delay' is not the platform's term",
                                    s, e, "shipping delay", Fix(s, e, "shipping delay")))
        if ctx.platform in ("coupang", "amazon", "general"):
            for m in HAN_RUN.finditer(body):
                findings.append(Finding("LANG001", "language", Severity.ERROR, "sentence in Chinese",
                                        base + m.start(), base + m.end(), "rewrite it in English or Korean"))
        if not body.strip():
            findings.append(Finding("LEN003", "length", Severity.ERROR, "the reply is empty", base, base, "write the reply"))
        findings.sort(key=Finding.sort_key)
        return LintResult(draft, ctx, findings)


def stub_linter_factory(store):
    return StubLinter()


def fixed_terms():
    """A few rows in the shape the glossary screen shows (from shared/data/terms-reference.tsv)."""
    from replydesk.tui.queue.terms import TermRow

    rows = [
        TermRow("배송지연", "shipping delay", "配送延迟", "delivery delay", "Coupang's English pages say shipping delay.", "coupang.toml"),
        TermRow("배송완료", "Delivered", "配送完成", "shipped, shipping completed", "CJ Logistics shows delivery as 배송완료.", "coupang.toml"),
        TermRow("물류센터", "fulfillment center", "物流中心", "logistics center", "", "coupang.toml"),
        TermRow("송장번호", "waybill number", "运单号", "invoice number", "송장 is a waybill, not an invoice.", "coupang.toml"),
        TermRow("반품", "return", "退货", "refund", "반품 is a return, not a refund.", "coupang.toml"),
        TermRow("출고", "release, dispatch", "出库", "delivery", "", "coupang.toml"),
        TermRow("주문번호", "order number", "订单号码", "", "", "coupang.toml"),
    ]
    rows.sort(key=lambda r: (r.en.lower(), r.ko))
    return rows, None
