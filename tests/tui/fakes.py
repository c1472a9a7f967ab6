"""A small, fixed linter for snapshots: the real rule families keep growing, pictures must not.

It implements the desk's `DeskLinter` (tui/linting_service.py) and returns
real `Finding` objects whose category and severity come from the rule
registry, so the desk cannot tell it apart; the flow tests in
test_flows.py use the real linter.
"""
from __future__ import annotations

import re

from replydesk.linting.context import CaseContext
from replydesk.linting.document import parse_draft
from replydesk.linting.engine import LintResult
from replydesk.linting.findings import Finding, Fix
from replydesk.linting.registry import all_rules
from replydesk.tui.linting_service import DeskLinter

EXCLAMATION = re.compile(r"!+")
DELIVERY_DELAY = re.compile(r"delivery delay", re.IGNORECASE)
ARCHIVES = (".zip", ".rar")
HAN_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff，。！？、\s\d]*[\u4e00-\u9fff。]")
RULES = all_rules()


def _finding(code: str, message: str, start: int, end: int, suggestion: str, fix: Fix | None = None) -> Finding:
    info = RULES[code]
    return Finding(code, info.category, info.severity, message, start, end, suggestion, fix)


class StubLinter(DeskLinter):
    """TONE004 (fixable '!'), TERM001 (fixable 'delivery delay'), LANG001 (Chinese under coupang/amazon),
    ATT001 (an attached archive: the error that keeps CP-240518-0003 from being marked ready)."""

    def lint_text(self, text: str, overrides: CaseContext | None = None) -> LintResult:
        draft = parse_draft(text)
        ctx = overrides or CaseContext()
        base = draft.body_start
        body = draft.body
        findings: list[Finding] = []
        for m in EXCLAMATION.finditer(body):
            s, e = base + m.start(), base + m.end()
            findings.append(_finding("TONE004", "exclamation mark: keep the reply factual",
                                     s, e, "end the sentence with '.'", Fix(s, e, ".")))
        for m in DELIVERY_DELAY.finditer(body):
            s, e = base + m.start(), base + m.end()
            findings.append(_finding("TERM001", "'delivery delay' is not the platform's term",
                                     s, e, "shipping delay", Fix(s, e, "shipping delay")))
        if ctx.platform in ("coupang", "amazon", "general"):
            for m in HAN_RUN.finditer(body):
                findings.append(_finding("LANG001", "sentence in Chinese",
                                         base + m.start(), base + m.end(), "rewrite it in English or Korean"))
        for attachment in ctx.attachments:
            if attachment.name.lower().endswith(ARCHIVES):
                findings.append(_finding("ATT001", f"'{attachment.name}' is an archive; upload the files themselves",
                                         base, base, "attach JPG/PNG/PDF files directly"))
        if not body.strip():
            findings.append(_finding("LEN003", "the reply is empty", base, base, "write the reply"))
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
