"""Length: the platform truncates long text and ignores replies that say nothing.

Limits come from the pack per case kind (A-to-z review text: 200
characters; appeal paragraphs about 3 lines at the pack's line width).
"""
from __future__ import annotations

import math
import re

from ..findings import Severity
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="LEN001",
        category="length",
        severity=Severity.ERROR,
        summary="Reply is longer than the platform accepts for this kind of case",
        why=(
            "The A-to-z review form takes at most 200 characters and silently truncates the rest, "
            "losing the key facts (seed 003). The span marks the text that would be cut."
        ),
        bad="(a 350-character A-to-z review request)",
        good="Order 22000009546234 delivered 2024-05-12 14:22 KST, signed by recipient; POD attached. Please reverse claim CL-20240520123.",
    ),
    RuleInfo(
        code="LEN002",
        category="length",
        severity=Severity.WARNING,
        summary="Paragraph longer than the pack's line limit",
        why="Case replies are read in short blocks: each paragraph at most about 3 lines (seed 004: \"每段≤3行\").",
        bad="(one 600-character paragraph)",
        good="(three short paragraphs: facts, evidence, request)",
    ),
    RuleInfo(
        code="LEN003",
        category="length",
        severity=Severity.ERROR,
        summary="Reply too short to be a response",
        why=(
            "Marking a message read, or answering with a word, counts as no response (seed 000: "
            "\"仅点击'Mark as Read'而不输入文字+上传凭证 → 系统判定为未响应\")."
        ),
        bad="OK.",
        good="Order 22000009546234 was delivered on 2024-05-12 14:22 KST; proof of delivery attached.",
    ),
)

_PARA_SPLIT = re.compile(r"\n[ \t]*\r?\n")
_NOT_LETTER = re.compile(r"[\W_]+")


def _paragraphs(body: str):
    """(start, end) of each paragraph, blank lines separating them, whitespace trimmed."""
    pos = 0
    for m in _PARA_SPLIT.finditer(body):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(body)


def check(inp: RuleInput):
    body = inp.body
    kind = inp.kind
    stripped = body.strip()
    lead = len(body) - len(body.lstrip())
    if kind.max_chars is not None and len(stripped) > kind.max_chars:
        cut = lead + kind.max_chars
        yield inp.finding(
            "LEN001",
            cut,
            lead + len(stripped),
            f"{len(stripped)} characters; {kind.title} text allows at most {kind.max_chars} "
            f"(the last {len(stripped) - kind.max_chars} would be cut)",
            suggestion=f"shorten by {len(stripped) - kind.max_chars} characters",
        )
    # Only a short reply can be too short: count letters just then (a long
    # reply of punctuation alone is not worth a per-character loop).
    letters = len(_NOT_LETTER.sub("", stripped)) if kind.min_chars is not None and len(stripped) < 4 * kind.min_chars else None
    if letters is not None and letters < kind.min_chars:
        if stripped:
            yield inp.finding(
                "LEN003",
                lead,
                lead + len(stripped),
                f"only {letters} letters: too short to count as a response (at least {kind.min_chars})",
                suggestion="state the facts, the evidence and the request",
            )
        else:
            yield inp.whole_reply("LEN003", "the reply is empty", suggestion="write the reply")
    limit = kind.max_paragraph_lines
    if limit:
        width = inp.pack.line_width
        for start, end in _paragraphs(body):
            para = body[start:end]
            text = para.strip()
            if not text:
                continue
            if len(text) <= width * limit and text.count("\n") < limit:
                continue  # cannot exceed the limit: skip the per-line count
            lines = sum(max(1, math.ceil(len(line.rstrip()) / width)) for line in text.splitlines())
            if lines > limit:
                s = start + (len(para) - len(para.lstrip()))
                yield inp.finding(
                    "LEN002",
                    s,
                    s + len(text),
                    f"paragraph runs to {lines} lines (at {width} characters a line); keep it to {limit}",
                    suggestion="split it into shorter paragraphs",
                )
