"""Shared fixtures: one linter per session (packs and glossaries load once), and a lint helper."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "linting" / "examples"


@pytest.fixture(scope="session")
def linter():
    from replydesk.linting.loading import build_linter

    return build_linter()


@pytest.fixture(scope="session")
def lint(linter):
    """lint(text, **context) -> list of (rule, offending substring, suggestion)."""
    from replydesk.linting.context import CaseContext, context_from_mapping

    def run(text: str, codes: str | tuple = (), **context):
        ctx = context_from_mapping(context) if context else None
        result = linter.lint_text(text, overrides=ctx if ctx != CaseContext() else None)
        prefixes = (codes,) if isinstance(codes, str) else tuple(codes)
        return [
            (f.rule, result.draft.text[f.start : f.end], f.suggestion)
            for f in result.findings
            if not prefixes or f.rule.startswith(prefixes)
        ]

    return run
