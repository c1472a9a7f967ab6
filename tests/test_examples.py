"""The bundled example drafts (what `make lint-examples` shows): good ones are clean, bad ones
carry the categories DOMAIN.md describes, through the real `--format json` output."""
from __future__ import annotations

import json

import pytest

from replydesk.linting.cli import main

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "linting" / "examples"

EXPECTED_CATEGORIES = {
    "coupang-return-dispute-good-en.txt": set(),
    "coupang-return-dispute-good-ko.txt": set(),
    "amazon-noa-good.txt": set(),
    "tiktok-chinese-ok.txt": set(),
    "coupang-return-dispute-bad-en.txt": {"keyword", "tone", "term", "time", "id", "policy"},
    "coupang-cancellation-zh-mixed.txt": {"language"},
    "coupang-atoz-too-long.txt": {"length", "time"},
    "coupang-template.txt": {"template"},
    "coupang-chargeback-attachments.txt": {"attachment"},
    "amazon-noa-missing-sections.txt": {"keyword", "id", "tone"},
    "amazon-korean.txt": {"language"},
    "general-beijing-time.txt": {"time"},
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["lint", "--format", "json", str(EXAMPLES)])
    assert code == 1
    return {p["path"].rsplit("/", 1)[-1]: p for p in json.loads(buf.getvalue())}


def test_every_example_is_covered(report):
    assert set(report) == set(EXPECTED_CATEGORIES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CATEGORIES))
def test_example_categories(report, name):
    findings = report[name]["findings"]
    significant = {f["category"] for f in findings if f["severity"] in ("error", "warning")}
    expected = EXPECTED_CATEGORIES[name]
    if not expected:
        assert findings == [], findings  # a clean, professional reply: not even an info
    else:
        assert expected <= significant, findings
