"""The desk's linter contract: the real linter and the snapshots' fake both keep it."""
from __future__ import annotations

from replydesk.linting.context import CaseContext
from replydesk.linting.registry import all_rules
from replydesk.tui.linting_service import NO_DRAFT, DeskLinter, count_findings

from .fakes import StubLinter


def test_the_real_linter_and_the_fake_are_desk_linters(real_linter):
    assert isinstance(real_linter, DeskLinter)
    assert isinstance(StubLinter(), DeskLinter)


def test_the_fake_reports_the_registry_severity_and_category_of_each_code():
    text = "The delivery delay is over! 我们已确认签收。\n"
    findings = StubLinter().lint_text(text, overrides=CaseContext(platform="coupang", kind="return-dispute")).findings
    rules = all_rules()
    assert {f.rule for f in findings} == {"TONE004", "TERM001", "LANG001"}
    for finding in findings:
        assert (finding.severity, finding.category) == (rules[finding.rule].severity, rules[finding.rule].category)


def test_counts_are_errors_and_warnings_only():
    findings = StubLinter().lint_text("Late delivery delay! 我们已确认签收。\n").findings
    assert count_findings(findings) == (1, 2)  # LANG001; TONE004 and TERM001
    assert NO_DRAFT == (-1, 0)
