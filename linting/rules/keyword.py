"""Required keywords, sections and case IDs: what the platform's checks look for.

The platform's AI scores "keyword coverage" before a person reads the
reply (seed 000: replies missing "confirmed receipt" / "no damage found"
fail). A required keyword may list alternatives separated by `|`
(`proof of delivery | 배송완료`). English matching is inflection-tolerant
(forms expanded from spaCy's lookup lemmas at compile time), Korean is
particle-tolerant (배송완료를 satisfies 배송완료), Chinese is a substring.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..findings import Severity
from ..lemmas import inflections
from ..phrases import trie_pattern
from ..scripts import HAN_CHARS, HANGUL_CHARS
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="KEY001",
        category="keyword",
        severity=Severity.ERROR,
        summary="A keyword the platform or the notice requires is missing",
        why=(
            "Coupang's checks measure keyword coverage before any person reads the reply: a reply "
            "without \"confirmed receipt\" or \"no damage found\" where the notice asks for them is "
            "scored as no response (seed 000, top-3 failure reason). The case's `required_keywords` "
            "are the complete list when given; otherwise the pack's list for the case kind applies."
        ),
        bad="We checked the package and everything is fine.",
        good="We confirmed receipt of the returned item on 2024-05-12 14:22 KST; no damage found.",
    ),
    RuleInfo(
        code="KEY002",
        category="keyword",
        severity=Severity.ERROR,
        summary="A required section of a structured appeal is missing",
        why=(
            "Amazon-style appeals are read as Issue Summary / Root Cause / Corrective Action / Request "
            "(seed 004); Coupang appeals as facts, evidence index and compliance commitment (seed 001). "
            "A reply without those parts is returned or down-ranked."
        ),
        bad="We are sorry. It will not happen again.",
        good="Issue Summary: ...\nRoot Cause: ...\nCorrective Action: ...\nRequest: ...",
    ),
    RuleInfo(
        code="KEY003",
        category="keyword",
        severity=Severity.ERROR,
        summary="The reply does not cite this case's order or claim ID",
        why=(
            "The platform links a reply to its order by the ID in the text; a reply that names no ID "
            "cannot be matched and fails (seeds 000, 004)."
        ),
        bad="The parcel was delivered on 2024-05-12 14:22 KST.",
        good="Order 22000009546234 was delivered on 2024-05-12 14:22 KST.",
    ),
)

_HANGUL = HANGUL_CHARS
_HAN = re.compile(f"[{HAN_CHARS}]")
_HANGUL_CHAR = re.compile(f"[{HANGUL_CHARS}]")


@lru_cache(maxsize=1024)
def _alternatives(keyword: str) -> tuple[str, ...]:
    return tuple(alt.strip() for alt in keyword.split("|") if alt.strip())


_WORD, _AFTER_NON_HANGUL, _ANYWHERE = range(3)  # what must hold just before a keyword match


@lru_cache(maxsize=1024)
def keyword_pattern(alternative: str) -> tuple[re.Pattern, int, str]:
    """Compile one keyword alternative for its script: (pattern over lower-cased text,
    boundary rule for the character before a match, a literal every match contains).

    Every pattern starts with a literal or a character set, so the engine
    skips text quickly; boundaries are checked on the candidates, and the
    literal (`in`, C speed) skips the scan when it cannot match at all.
    English inflections are folded into a trie.
    """
    low = alternative.lower()
    if _HANGUL_CHAR.search(low):
        parts = low.split()
        # No Hangul right before (배송 must not match inside 오배송); particles may follow.
        return re.compile(r"\s*".join(map(re.escape, parts))), _AFTER_NON_HANGUL, parts[0]
    if _HAN.search(low):
        return re.compile(re.escape(low)), _ANYWHERE, low
    pieces = []
    for word in low.split():
        if re.fullmatch(r"[a-z]+", word):
            pieces.append("(?:" + trie_pattern(inflections(word)) + ")")
        else:
            pieces.append(re.escape(word))
    return re.compile(r"[\s\-]+".join(pieces) + r"(?![a-z0-9])"), _WORD, ""


def contains_keyword(text: str, keyword: str, lowered: str | None = None) -> bool:
    low = lowered if lowered is not None else text.lower()
    for alternative in _alternatives(keyword):
        rx, boundary, literal = keyword_pattern(alternative)
        if literal and literal not in low:
            continue
        for m in rx.finditer(low):
            start = m.start()
            if boundary == _ANYWHERE or start == 0:
                return True
            before = low[start - 1]
            if boundary == _WORD:
                if not (before.isascii() and before.isalnum()):
                    return True
            elif _HANGUL_CHAR.match(before) is None:
                return True
    return False


@lru_cache(maxsize=256)
def _heading_pattern(headings: tuple[str, ...]) -> re.Pattern:
    alts = "|".join(r"\s+".join(re.escape(w) for w in h.split()) for h in sorted(headings, key=len, reverse=True))
    # A heading starts a line, optionally after numbering or Markdown marks, and
    # is followed by a colon, a dash or the end of the line.
    return re.compile(
        r"^[ \t]*(?:(?:#+|\*\*|[0-9]+[.)]|[①-⑩]|[-*•]|\[)[ \t]*){0,3}"
        rf"(?:{alts})(?:\*\*|\])?[ \t]*(?:[:：\-–—]|$)",
        re.IGNORECASE | re.MULTILINE,
    )


def _cites(body: str, ident: str) -> bool:
    start = body.find(ident)
    while start != -1:
        end = start + len(ident)
        before = body[start - 1] if start else " "
        after = body[end] if end < len(body) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = body.find(ident, start + 1)
    return False


FIELD_LABELS = {"order_ids": "order ID", "claim_ids": "claim ID", "case_ids": "case ID", "asins": "ASIN"}


def check(inp: RuleInput):
    body = inp.body
    if not body.strip():
        return  # an empty reply is LEN003's business, not a list of missing keywords
    keywords = inp.context.required_keywords
    if keywords is None:
        keywords = inp.kind.required_keywords
    low = inp.lower
    for keyword in keywords:
        if not contains_keyword(body, keyword, low):
            alts = _alternatives(keyword)
            shown = " or ".join(f"'{a}'" for a in alts)
            yield inp.whole_reply(
                "KEY001",
                f"required keyword missing: {shown}",
                suggestion=f"state it in the reply, e.g. '{alts[0]}'" if alts else None,
            )
    for section in inp.kind.required_sections:
        # Cheap exit first: no heading word anywhere means the section is missing.
        present = any(h.lower().split()[0] in low for h in section.headings)
        if not present or not _heading_pattern(section.headings).search(body):
            names = ", ".join(s.name for s in inp.kind.required_sections)
            yield inp.whole_reply(
                "KEY002",
                f"missing section '{section.name}' ({inp.kind.title} replies are structured as: {names})",
                suggestion=f"start a line with '{section.headings[0].title()}:'",
            )
    for field_name in inp.kind.cite_ids:
        ids = inp.context.ids_of(field_name)
        if ids and not any(_cites(body, i) for i in ids):
            label = FIELD_LABELS.get(field_name, field_name)
            yield inp.whole_reply(
                "KEY003",
                f"the reply does not cite this case's {label} ({', '.join(ids)})",
                suggestion=f"name the {label}: {ids[0]}",
            )
