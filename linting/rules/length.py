"""Length: the platform truncates long text and ignores replies that say nothing.

Limits come from the pack per case kind (A-to-z review text: 200
characters; appeal paragraphs about 3 lines at the pack's line width).
"""
from __future__ import annotations

import math
import re

from ..scripts import display_width
from .base import RuleInput


_NOT_LETTER = re.compile(r"[\W_]+")
# A line that starts a unit of its own: a list item, a heading, or a "Label:" line.
_UNIT_START = re.compile(
    r"[ \t]*(?:#+[ \t]|\*\*|__|[0-9]{1,2}[.)](?!\d)|\(?[0-9a-zA-Z가-힣]{1,2}\)|[a-zA-Z가-힣][.)][ \t]"
    r"|[①-⑳]|[-*•■□▶►◆●○※▪·][ \t]?|\[|【|[一二三四五六七八九十]+[、.])"
)
_LABEL_START = re.compile(r"[ \t]*[^\s:：.。,，]{1,30}(?:[ \t][^\s:：.。,，]{1,30}){0,4}[ \t]*[:：](?:[ \t]|$)")
_ENDS_UNIT = tuple(".?!:;。？！：；")
_SHORT_LINE = 0.4  # of the line width: a heading, greeting, signature or record line, not wrapped prose


def _record(prev: str, line: str) -> bool:
    """Lines of a table or a list without markers: "a | b | c" rows, or lines that start alike ("Order 1…", "Order 2…")."""
    if " | " in prev or "\t" in prev or " | " in line:
        return True
    first, other = prev.split(None, 1)[0], line.split(None, 1)[0]
    return first == other and len(first) > 1

def paragraphs(body: str, line_width: int):
    """(start, end) of each paragraph of the body.

    A paragraph is a block of running text. Blank lines separate blocks;
    inside a block, a line starts a new paragraph when it is a list item,
    a heading or a "Label:" line, or when the line before it ended a
    sentence or was short (a greeting, heading, signature or record line),
    or when the two lines are rows of a table or of an unmarked list.
    Only text wrapped across lines mid-sentence stays one paragraph, so a
    structured reply written one labelled section per line is many short
    paragraphs, not one long one.
    """
    short = line_width * _SHORT_LINE
    start = None
    prev_end = 0  # end of the previous non-blank line
    prev_text = ""
    pos = 0
    for line in body.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        text = line.strip()
        if not text:
            if start is not None:
                yield start, prev_end
                start = None
            continue
        if start is not None and (
            _UNIT_START.match(line)
            or (("：" in line or ":" in line) and _LABEL_START.match(line))
            or prev_text.endswith(_ENDS_UNIT)
            or (len(prev_text) < short and (2 * len(prev_text) < short or display_width(prev_text) < short))
            or _record(prev_text, text)
        ):
            yield start, prev_end
            start = None
        if start is None:
            start = line_start + (len(line) - len(line.lstrip()))
        prev_end = line_start + len(line.rstrip())
        prev_text = text
    if start is not None:
        yield start, prev_end


def _between_halves(text: str, i: int) -> bool:
    """Offset i falls inside a surrogate pair (text that came through surrogateescape/surrogatepass)
    or a CRLF: a span must not start there."""
    if not 0 < i < len(text):
        return False
    a, b = text[i - 1], text[i]
    return (a == "\r" and b == "\n") or ("\ud800" <= a <= "\udbff" and "\udc00" <= b <= "\udfff")


def check(inp: RuleInput):
    body = inp.body
    kind = inp.kind
    stripped = body.strip()
    lead = len(body) - len(body.lstrip())
    if kind.max_chars is not None and len(stripped) > kind.max_chars:
        cut = lead + kind.max_chars
        if _between_halves(body, cut):
            cut -= 1  # the character the limit falls inside (a surrogate pair, a CRLF) is cut whole
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
        width = inp.pack.length.line_width
        # "About N lines": half a line of slack before a paragraph counts as too long.
        most = width * (limit + 0.5)
        # When the whole reply fits, no paragraph can be too long (a character is at most two columns).
        # Widths are only measured where they could be too long (display_width is the costly part).
        fits = 2 * len(body) <= most or (len(body) <= most and body.isascii())
        for start, end in () if fits else paragraphs(body, width):
            if 2 * (end - start) <= most:
                continue
            text = " ".join(body[start:end].split())
            if len(text) <= most and text.isascii():
                continue
            columns = display_width(text)
            if columns > most:
                lines = math.ceil(columns / width)
                yield inp.finding(
                    "LEN002",
                    start,
                    end,
                    f"paragraph runs to about {lines} lines (at {width} characters a line); keep it to about {limit}",
                    suggestion="split it into shorter paragraphs",
                )
