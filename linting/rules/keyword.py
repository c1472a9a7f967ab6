"""Required keywords, sections and case IDs: what the platform's checks look for.

The platform's AI scores "keyword coverage" before a person reads the
reply (coupang-communication: replies missing "confirmed receipt" / "no damage found"
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
from ..normalise import meant
from ..phrases import trie_pattern
from ..scripts import HAN_CHARS, HANGUL_CHARS, lower_same_length
from .base import RuleInput


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


# What may stand before a heading on its line: numbering, bullets, Markdown, brackets.
_HEADING_LEAD = re.compile(
    r"[ \t]*(?:(?:#+|\*\*|__|[0-9]{1,2}[.)](?!\d)|\(?[0-9a-zA-Z가-힣]{1,2}\)|[a-zA-Z가-힣][.)][ \t]|[①-⑳]|[IVX]{1,4}\."
    r"|[-*•■□▶►◆●○※▪·]|\[|【|[一二三四五六七八九十]+[、.])[ \t]*){0,3}"
)
# Where a heading ends: a colon or dash, closing marks, or the end of a short line.
_HEADING_END = re.compile(r"\*\*|__|\]|】|[:：]| [-–—] ")
_MAX_HEADING = 60  # characters: a longer line without a colon is a sentence, not a heading


def _heading_texts(body: str) -> list[str]:
    """The lower-cased heading part of every line that can carry one.

    "2. **Root cause analysis** - ..." gives "root cause analysis"; a line
    with a colon gives what precedes it ("Our commitment: ..." → "our
    commitment"); a short line without sentence punctuation is a heading
    as a whole ("Corrective actions taken").
    """
    out = []
    for line in body.splitlines():
        lead = _HEADING_LEAD.match(line).end()
        rest = line[lead:].strip()
        if not rest:
            continue
        m = _HEADING_END.search(rest)
        if m and m.start() > 0:
            head = rest[: m.start()]
        elif len(rest) <= _MAX_HEADING and not rest.endswith((".", "。", "다.", "?", "!")):
            head = rest
        else:
            continue
        if len(head) <= _MAX_HEADING:
            out.append(lower_same_length(head.strip(" *_#")))
    return out


def _cue_present(body: str, cue: str, low: str) -> bool:
    """A section's content cue: English words with their inflections; Korean and Chinese
    anywhere, because their cues are often endings (하겠습니다 in 회신하겠습니다)."""
    for alternative in _alternatives(cue):
        if _HAN.search(alternative) or _HANGUL_CHAR.search(alternative):
            if alternative.lower() in low:
                return True
        elif contains_keyword(body, alternative, low):
            return True
    return False


def _has_heading(headings: list[str], names: tuple[str, ...]) -> bool:
    """A heading line whose heading part contains one of the section's headings (inflections and particles allowed)."""
    return any(contains_keyword(h, name, h) for h in headings for name in names)


def _cites(body: str, ident: str) -> bool:
    """The ID appears as a token of its own; a Hangul or Han label glued in front is a boundary."""
    start = body.find(ident)
    while start != -1:
        end = start + len(ident)
        before = body[start - 1] if start else " "
        after = body[end] if end < len(body) else " "
        if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum()):
            return True
        start = body.find(ident, start + 1)
    return False


# Below this many characters, a plain-prose appeal (no headings) with four or more
# sections that shows all but one is taken as complete: three sentences cannot
# carry four headings.
_COMPACT = 500

FIELD_LABELS = {"order_ids": "order ID", "claim_ids": "claim ID", "case_ids": "case ID", "asins": "ASIN"}


def _required_keywords(inp: RuleInput) -> tuple[tuple[str, ...], Severity | None]:
    """The keywords this reply must carry, and the severity of a missing one.

    The case's own list (the notice demands it) is certain: an error. The
    pack's list is a judgement: a warning, and it follows what the notice is
    about when a topic's phrases appear in the notice's text.
    """
    keywords = inp.context.required_keywords
    if keywords is not None:
        return tuple(map(meant, keywords)), None
    kind = inp.kind
    if kind.topics:
        notice = meant(inp.context.notice_text(inp.pack.history.seller_roles))
        if notice:
            low = lower_same_length(notice)
            chosen: list[str] = []
            for topic in kind.topics:
                if any(contains_keyword(notice, phrase, low) for phrase in topic.notice):
                    chosen.extend(k for k in topic.required_keywords if k not in chosen)
            if chosen:
                return tuple(chosen), Severity.WARNING
        # No topic recognised: any keyword of any topic (or of the kind's own list) will do.
        return (_any_of(kind),), Severity.WARNING
    return kind.required_keywords, Severity.WARNING


@lru_cache(maxsize=64)
def _any_of(kind) -> str:
    alternatives = [a for k in kind.required_keywords for a in _alternatives(k)]
    alternatives += [a for t in kind.topics for k in t.required_keywords for a in _alternatives(k)]
    return " | ".join(dict.fromkeys(alternatives))


def check(inp: RuleInput):
    body = inp.body
    if not body.strip():
        return  # an empty reply is LEN003's business, not a list of missing keywords
    keywords, severity = _required_keywords(inp)
    low = inp.lower
    for keyword in keywords:
        if not contains_keyword(body, keyword, low):
            alts = _alternatives(keyword)
            shown = " or ".join(f"'{a}'" for a in alts[:6]) + (f" (or {len(alts) - 6} more)" if len(alts) > 6 else "")
            yield inp.finding(
                "KEY001",
                0,
                0,
                f"required keyword missing: {shown}",
                suggestion=f"state it in the reply, e.g. '{alts[0]}'" if alts else None,
                severity=severity,
            )
    sections = inp.kind.required_sections
    if sections:
        headings = _heading_texts(body)
        by_heading = [_has_heading(headings, section.headings) for section in sections]
        by_content = [
            found or any(_cue_present(body, cue, low) for cue in section.cues)
            for found, section in zip(by_heading, sections)
        ]
        if len(sections) >= 4 and not any(by_heading) and len(body.strip()) < _COMPACT and sum(by_content) >= len(sections) - 1:
            by_content = [True] * len(sections)  # a compact appeal in prose that covers the rest implies the last part
        for section, present in zip(sections, by_content):
            if present:
                continue
            names = ", ".join(s.name for s in sections)
            source = f" ({inp.kind.sections_source})" if inp.kind.sections_source else ""
            yield inp.whole_reply(
                "KEY002",
                f"no '{section.name}' section: {inp.kind.title} replies are best structured as {names}{source}",
                suggestion=f"start a line with '{section.headings[0].title()}:'",
            )
    fields = [f for f in inp.kind.cite_ids if inp.context.ids_of(f)]
    if fields and not any(_cites(body, i) for f in fields for i in inp.context.ids_of(f)):
        labels = " or ".join(FIELD_LABELS.get(f, f) for f in fields)
        ids = [i for f in fields for i in inp.context.ids_of(f)]
        first = FIELD_LABELS.get(fields[0], fields[0])
        yield inp.whole_reply(
            "KEY003",
            f"the reply does not cite this case's {labels} ({', '.join(ids)})",
            suggestion=f"name the {first}: {inp.context.ids_of(fields[0])[0]}",
        )
