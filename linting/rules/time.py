"""Time: every date and time precise and in KST.

All platform countdowns run in KST (UTC+9); sellers in China read them in
Beijing time and answer an hour late (seeds 000, 002, 003). Zones,
their offsets and the relative-date phrases come from the pack.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..findings import Severity
from ..packs import Pack
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="TIME001",
        category="time",
        severity=Severity.WARNING,
        summary="A time without a time zone",
        why=(
            "Every date and time must be precise and in KST (\"2024-05-12 14:22 KST\", seed 002); a bare "
            "time is read in whatever zone the reviewer assumes."
        ),
        bad="The parcel was delivered at 14:22.",
        good="The parcel was delivered at 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="TIME002",
        category="time",
        severity=Severity.ERROR,
        summary="A time in Beijing time (CST) or another zone instead of KST",
        why=(
            "Coupang counts every deadline in KST (UTC+9); Beijing time (CST, UTC+8) is an hour behind, "
            "and sellers who read it miss windows by an hour (seeds 000, 002, 003). The suggestion is "
            "the KST equivalent."
        ),
        bad="Delivered 2024-05-12 13:22 Beijing time.",
        good="Delivered 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="TIME003",
        category="time",
        severity=Severity.WARNING,
        summary="An ambiguous date such as 11/05",
        why="11/05 is 5 November to one reader and 11 May to another; write dates as YYYY-MM-DD.",
        bad="Shipped on 11/05.",
        good="Shipped on 2024-11-05.",
    ),
    RuleInfo(
        code="TIME004",
        category="time",
        severity=Severity.WARNING,
        summary="A relative date such as 'last Tuesday' or 어제",
        why="A reviewer reads the reply days later; 'yesterday' then points nowhere. Give the date (YYYY-MM-DD) and time in KST.",
        bad="The buyer received it yesterday.",
        good="The buyer received it on 2024-05-12 at 14:22 KST.",
    ),
)

_HANGUL = "\uac00-\ud7a3"
_TIME = re.compile(
    r"(?P<date>(?P<y>\d{4})[-./](?P<mo>\d{1,2})[-./](?P<d>\d{1,2})[ T]+)?"
    r"(?:"
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::[0-5]\d)?(?:\s*(?P<ap>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?(?![\d:])"
    r"|(?<![\d:.])(?P<h2>1[0-2]|0?[1-9])\s*(?P<ap2>[AaPp]\.?[Mm]\.?)(?![A-Za-z])"
    r"|(?P<kap>오전|오후)?\s*(?<!\d)(?P<kh>[01]?\d|2[0-4])\s*시(?:\s*(?P<kmi>[0-5]?\d)\s*분)?"
    r")"
)
_SLASH_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
_OFFSET = re.compile(r"(?:UTC|GMT)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", re.IGNORECASE)


@dataclass(frozen=True)
class _Compiled:
    local: re.Pattern
    other: re.Pattern
    other_offsets: dict[str, float]
    relative: re.Pattern | None
    local_offset: float


def _phrase(p: str) -> str:
    if p.startswith("re:"):
        return "(?:" + p[3:] + ")"
    body = r"\s+".join(re.escape(w) for w in p.split())
    if re.search(f"[{_HANGUL}]", p):
        return f"(?<![{_HANGUL}])" + body
    if p[:1].isascii():
        return r"(?<![A-Za-z])" + body + r"(?![A-Za-z])"
    return body


def _compile(pack: Pack) -> _Compiled:
    t = pack.time
    local = "|".join(_phrase(a) for a in sorted(t.local_aliases, key=len, reverse=True))
    other = "|".join(_phrase(z) for z in sorted(t.other_zones, key=len, reverse=True))
    rel = "|".join(_phrase(p) for p in sorted(t.relative_dates, key=len, reverse=True))
    return _Compiled(
        local=re.compile(local, re.IGNORECASE),
        other=re.compile(other or r"(?!x)x"),
        other_offsets={k.lower(): v for k, v in t.other_zones.items()},
        relative=re.compile(rel, re.IGNORECASE) if rel else None,
        local_offset=t.utc_offset_hours,
    )


def _zone_near(c: _Compiled, body: str, start: int, end: int):
    """('local'|'other', zone text, offset, zone span end) for a zone written right after (or before) a time."""
    after = body[end : end + 24]
    lead = len(after) - len(after.lstrip(" \t(（[,"))
    window = after[lead:]
    m = _OFFSET.match(window)
    if m:
        sign = -1 if m.group("sign") in "-−" else 1
        hours = sign * (int(m.group("h")) + int(m.group("m") or 0) / 60)
        kind = "local" if hours == c.local_offset else "other"
        return kind, m.group(), hours, end + lead + m.end()
    m = c.local.match(window)
    if m:
        return "local", m.group(), None, end + lead + m.end()
    m = c.other.match(window)
    if m:
        return "other", m.group(), c.other_offsets.get(m.group().lower()), end + lead + m.end()
    before = body[max(0, start - 20) : start].rstrip(" \t(（[,:")
    for zone_re, kind in ((c.local, "local"), (c.other, "other")):
        for m in zone_re.finditer(before):
            if m.end() == len(before):
                return kind, m.group(), c.other_offsets.get(m.group().lower()) if kind == "other" else None, end
    return None


def _to_local(m: re.Match, offset: float, pack: Pack) -> str | None:
    if m.group("h") is not None:
        hour, minute, ap = int(m.group("h")), int(m.group("mi")), m.group("ap")
    elif m.group("h2") is not None:
        hour, minute, ap = int(m.group("h2")), 0, m.group("ap2")
    else:
        hour = int(m.group("kh")) % 24
        minute = int(m.group("kmi") or 0)
        ap = "pm" if m.group("kap") == "오후" else None
    if ap:
        ap = ap.lower()[0]
        hour = hour % 12 + (12 if ap == "p" else 0)
    if m.group("date"):
        try:
            base = datetime(int(m.group("y")), int(m.group("mo")), int(m.group("d")), hour, minute)
        except ValueError:
            return None
    else:
        base = datetime(2000, 1, 1, hour, minute)
    local = base + timedelta(hours=pack.time.utc_offset_hours - offset)
    text = local.strftime("%H:%M") + f" {pack.time.zone}"
    if m.group("date"):
        return local.strftime("%Y-%m-%d ") + text
    if local.date() != base.date():
        text += " (next day)" if local.date() > base.date() else " (previous day)"
    return text


def check(inp: RuleInput):
    pack = inp.pack
    c: _Compiled = inp.resources.compiled(("time", pack.name), lambda: _compile(pack))
    body = inp.body
    zone = pack.time.zone
    consumed = 0  # end of the last zone text, so "UTC+08:00" is not read as a time
    for m in _TIME.finditer(body):
        if m.start() < consumed:
            continue
        if m.group("kh") is not None and not m.group("kh").strip():
            continue
        start = m.start()
        tstart = m.end("date") if m.group("date") else m.start()
        # Skip leading whitespace captured by the Korean branch.
        while tstart < m.end() and body[tstart].isspace():
            tstart += 1
        found = _zone_near(c, body, tstart, m.end())
        if found is None:
            yield inp.finding(
                "TIME001",
                tstart,
                m.end(),
                f"time '{body[tstart:m.end()]}' has no time zone; platform deadlines run in {zone}",
                suggestion=f"{body[tstart:m.end()]} {zone}",
            )
            continue
        kind, zone_text, offset, zone_end = found
        consumed = zone_end
        if kind == "other":
            converted = _to_local(m, offset, pack) if offset is not None else None
            yield inp.finding(
                "TIME002",
                start,
                max(zone_end, m.end()),
                f"time given in {zone_text}, not {zone}"
                + (f" ({zone} is UTC{pack.time.utc_offset_hours:+g})" if offset is not None else ""),
                suggestion=converted,
            )
    for m in _SLASH_DATE.finditer(body):
        a, b = int(m.group(1)), int(m.group(2))
        if not (1 <= a <= 31 and 1 <= b <= 31):
            continue
        if m.group(3) is None:
            # Without a year: ambiguous only when both parts could be a month, and
            # written as a date (a two-digit part: 11/05, 05/06), not a fraction (1/2).
            if a > 12 or b > 12 or (len(m.group(1)) < 2 and len(m.group(2)) < 2):
                continue
        yield inp.finding(
            "TIME003",
            m.start(),
            m.end(),
            f"'{m.group()}' is ambiguous (month/day or day/month?)",
            suggestion="write the date as YYYY-MM-DD",
        )
    if c.relative is not None:
        for m in c.relative.finditer(body):
            yield inp.finding(
                "TIME004",
                m.start(),
                m.end(),
                f"relative date '{m.group()}': give the date (YYYY-MM-DD) and time in {zone}",
                suggestion=f"YYYY-MM-DD HH:MM {zone}",
            )
