"""Time: every date and time precise and in KST.

All platform countdowns run in KST (UTC+9); sellers in China read them in
Beijing time and answer an hour late (linting/references/:
coupang-communication, coupang-chargeback-disputes, coupang-atoz-recovery).
Zones, their offsets and the relative-date phrases come from the pack.
"""
from __future__ import annotations

import re
from operator import itemgetter
from dataclasses import dataclass
from typing import NamedTuple
from datetime import datetime, timedelta

from .. import scripts
from ..packs import Pack
from ..phrases import PhraseSet
from .base import RuleInput


# Times are found from cheap literal anchors (":" then digits, "시", "am"/"pm"),
# because a regex that starts with a literal lets the engine skip most of the
# text; the hour in front of the anchor is read back from there.
_HOUR_BEFORE = re.compile(r"(?<![\d.])(?:[01]?\d|2[0-4])$")
_AFTER_COLON = re.compile(r":[0-5]\d(?::[0-5]\d)?(?![\d:]|\.\d)(?:\s*(?P<ap>[ap]\.?m\.?)(?![a-z]))?")
_AMPM = re.compile(r"[ap]\.?m\.?(?![a-z])")
# "9.40 am", "9.40 in the morning": a dotted time only with a word that makes it one (9.40 alone
# is a number). Found from each "." like colon times; the hour is read back from there.
_AFTER_DOT = re.compile(
    r"\.(?P<mi>[0-5]\d)(?![\d.])"
    r"(?:\s*(?P<ap>[ap]\.?m\.?)(?![a-z])|(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night|o['’]clock|hrs\b|h\b)))"
)
_AMPM_HOUR = re.compile(r"(?<![\d:.])(?:1[0-2]|0?[1-9])\s*$")
_KO_HOUR = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-4])\s*$")
_KO_MINUTE = re.compile(r"\s*(?P<mi>[0-5]?\d)\s*분")


class _Time(NamedTuple):
    start: int
    end: int
    hour: int
    minute: int
    ap: str | None  # "a"/"p" from am/pm, or from 오전/오후


_new_time = tuple.__new__  # _new_time(_Time, (…)): built in C, no Python-level __new__


def _times(low: str) -> list[_Time]:
    """Every clock time in the (lower-cased) text, in order."""
    out: list[_Time] = []
    pos = low.find(":")
    while pos != -1:
        m = _AFTER_COLON.match(low, pos)
        if m:
            h = _HOUR_BEFORE.search(low, max(0, pos - 2), pos)
            if h:
                ap = m.group("ap")
                out.append(_new_time(_Time, (h.start(), m.end(), int(h.group()), int(low[pos + 1 : pos + 3]), ap[0] if ap else None)))
                pos = low.find(":", m.end())
                continue
        pos = low.find(":", pos + 1)
    pos = low.find(".")
    while pos != -1:
        m = _AFTER_DOT.match(low, pos)
        if m:
            h = _HOUR_BEFORE.search(low, max(0, pos - 2), pos)
            if h and not any(t.start <= h.start() < t.end for t in out):
                ap = m.group("ap")
                out.append(_Time(h.start(), m.end(), int(h.group()), int(m.group("mi")), ap[0] if ap else None))
        pos = low.find(".", pos + 1)
    if "am" in low or "pm" in low or "a.m" in low or "p.m" in low:
        for m in _AMPM.finditer(low):
            h = _AMPM_HOUR.search(low, max(0, m.start() - 4), m.start())
            if h and not any(t.start <= h.start() < t.end for t in out):
                out.append(_Time(h.start(), m.end(), int(h.group().strip()), 0, m.group()[0]))
    pos = low.find("시")
    while pos != -1:
        h = _KO_HOUR.search(low, max(0, pos - 4), pos)
        # "24시간" is a duration and "S24시리즈" a name: after the 시 of a clock time
        # comes a particle, 분/경/쯤/반, or no Hangul at all.
        after = low[pos + 1 : pos + 2]
        clock = not after or not ("가" <= after <= "힣") or after in scripts.characters("korean_after_hour")
        if h and clock and not any(t.start <= h.start() < t.end for t in out):
            start, ap, end, minute = h.start(), None, pos + 1, 0
            mi = _KO_MINUTE.match(low, end)
            if mi:
                end, minute = mi.end(), int(mi.group("mi"))
            k = _AMPM_KO.search(low, max(0, start - 4), start)
            if k:
                start, ap = k.start(), "p" if k.group(1) == "오후" else "a"
            out.append(_Time(start, end, int(h.group().strip()), minute, ap))
        pos = low.find("시", pos + 1)
    pos = low.find("点")
    while pos != -1:
        h = _ZH_HOUR.search(low, max(0, pos - 10), pos)
        if h:
            after = _ZH_MINUTE.match(low, pos + 1)
            ap = h.group("ap")
            # 点 is also "point" (以下3点, 第2点): a clock time has 上午/下午…, a date before it, or 分/半/整 after it.
            if (ap or after.group("mi") or after.group("half") or _DATE_BEFORE_ZH.search(low, max(0, h.start() - 16), h.start())) and not any(
                t.start <= h.start() < t.end for t in out
            ):
                minute = int(after.group("mi")) if after.group("mi") else (30 if after.group("half") else 0)
                out.append(_Time(h.start(), after.end(), int(h.group("h")), minute, ("p" if ap in _ZH_PM else "a") if ap else None))
        pos = low.find("点", pos + 1)
    out.sort(key=itemgetter(0))  # by start
    return out


# Chinese clock times are found from 点, read back to the hour (and 上午/下午) and on to 分/半/整.
_ZH_HOUR = re.compile(r"(?:(?P<ap>上午|下午|晚上|早上|中午|凌晨|傍晚|夜里)\s*)?(?<![\d第])(?P<h>[01]?\d|2[0-4])\s*$")
_ZH_MINUTE = re.compile(r"(?:\s*(?P<mi>[0-5]?\d)\s*分|(?P<half>半)|整)?")
_ZH_PM = frozenset({"下午", "晚上", "傍晚", "夜里"})
_DATE_BEFORE_ZH = re.compile(r"(?:\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?|\d{1,2}月\d{1,2}日)\s*$")


_DATE_BEFORE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]+|\s+at\s+)$")
_AMPM_KO = re.compile(r"(오전|오후)\s*$")
_SLASH_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
_DATE_WORD_BEFORE = re.compile(r"(?:(?<![a-z])(?:on|by|since|until|till|before|after|from|dated|delivered|shipped|received)|于|在)\s*$")
_DATE_AFTER = re.compile(r"\s?(?:에|부터|까지|경|일|日|号|[ \t][가-힣]+(?:로|으로|에서|에)[ \t]|[ \t]?(?:배송|배달|출고|발송|도착|수령|입고|회수|반품)|发货|签收|送达|到货|揽收|出库|妥投)")


def _date_context(low: str, start: int, end: int) -> bool:
    """Words around a one-digit/one-digit pair that make it a date ("on 6/7", "7/8에", "7/8 한진택배로")."""
    return bool(_DATE_WORD_BEFORE.search(low, max(0, start - 12), start) or _DATE_AFTER.match(low, end))
_ZONE_GAP = re.compile(r"[ \t(（\[,]*")
_OFFSET = re.compile(r"(?:utc|gmt)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")


@dataclass(frozen=True)
class _Compiled:
    zones: PhraseSet  # local aliases and other zones, one trie
    zone_suffixes: tuple[str, ...] | None  # every literal zone phrase (None when some are regexes)
    offsets: dict[str, float | None]  # canonical zone phrase -> UTC offset (None = the local zone)
    relative: PhraseSet
    local: PhraseSet  # the local zone's names only (for declarations)
    declaration: re.Pattern | None  # a word that makes a sentence naming the zone a declaration
    range_gap: re.Pattern | None  # what may stand between the two times of a range
    duration_after: re.Pattern | None
    timestamp_before: re.Pattern | None


def _compile(pack: Pack) -> _Compiled:
    t = pack.time
    offsets: dict[str, float | None] = {}
    for alias in t.local_aliases:
        offsets[" ".join(alias.lower().split())] = None
    for zone, off in t.other_zones.items():
        offsets.setdefault(" ".join(zone.lower().split()), off)
    zones = PhraseSet(list(t.local_aliases) + list(t.other_zones))
    suffixes = None if zones.has_regexes else tuple(zones.phrases)
    return _Compiled(
        zones,
        suffixes,
        offsets,
        PhraseSet(t.relative_dates),
        PhraseSet(t.local_aliases),
        _words(t.zone_declaration_words, r"(?<![a-z])", r"(?![a-z])"),
        _range_gap(t.range_words),
        _words(t.duration_words, r"[ \t]*", r"(?![a-z])", anchored=True),
        _words(t.timestamp_words, r"(?<![a-z])", r"(?![a-z])"),
    )


def _alternation(words) -> str:
    return "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True))


def _words(words, before: str, after: str, anchored: bool = False) -> re.Pattern | None:
    """One regex for a word list (lower-cased text); Latin words keep word boundaries."""
    if not words:
        return None
    return re.compile(f"{before}(?:{_alternation(words)}){after}")


def _range_gap(words) -> re.Pattern | None:
    """What separates the two times of a range: a joiner, and perhaps the second time's date."""
    if not words:
        return None
    return re.compile(
        rf"[ \t]*(?:from[ \t]+)?(?:{_alternation(words)})[ \t]*(?:\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}[ \t]+)?(?:오전|오후)?[ \t]*$"
    )


def _zone_after(c: _Compiled, low: str, end: int, local_offset: float):
    """(is_local, zone text, offset, zone end) for a zone written right after a time, else None."""
    pos = _ZONE_GAP.match(low, end).end()
    m = _OFFSET.match(low, pos) if low.startswith(("utc", "gmt"), pos) else None
    if m:
        sign = -1 if m.group("sign") in "-−" else 1
        hours = sign * (int(m.group("h")) + int(m.group("m") or 0) / 60)
        return hours == local_offset, hours, m.end()
    z = c.zones.match_at(low, pos)
    if z:
        off = c.offsets.get(z.phrase)
        return off is None, off, z.end
    return None


_DATE_TAIL = re.compile(
    r"(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}日?|\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일(?:\s*\([월화수목금토일]\))?"
    r"|\d{4}年\d{1,2}月\d{1,2}[日号])\s*$"
)
# Between a zone and its date: "중국 시간 기준 2024년…", "베이징 시간으로 2024년…".
_ZONE_LINK = re.compile(r"\s*(?:기준으로|기준|으로|로|에)$")


def _zone_before(c: _Compiled, low: str, start: int):
    """The zone written just before the time or its date ("KST 14:22", "北京时间 2024-05-12 13:00",
    "한국 시간 오후 2시"): (zone start, canonical phrase), else None."""
    window_start = max(0, start - 40)
    before = low[window_start:start].rstrip(" \t(（[,:")
    date = _DATE_TAIL.search(before)
    if date:
        before = before[: date.start()].rstrip(" \t(（[,:")
    link = _ZONE_LINK.search(before)
    if link:
        before = before[: link.start()]
    if c.zone_suffixes is not None and not " ".join(before.split()).endswith(c.zone_suffixes):
        return None  # no zone name ends there (one C-level test; the phrase scan below confirms)
    for z in c.zones.finditer(before, before):
        if z.end == len(before):
            return window_start + z.start, z.phrase
    return None


def _in_local_zone(hour: int, minute: int, date: tuple[int, int, int] | None, offset: float, pack: Pack) -> tuple[str | None, bool]:
    """(the time in the pack's zone, whether it may replace the time as written).

    Not a replacement when the time moves to another day that the text does
    not give: "(next day)" is advice, not wording for a Korean or Chinese reply.
    """
    try:
        base = datetime(*(date or (2000, 1, 1)), hour, minute)
    except ValueError:
        return None, False
    local = base + timedelta(hours=pack.time.utc_offset_hours - offset)
    text = local.strftime("%H:%M") + f" {pack.time.zone}"
    if date:
        return local.strftime("%Y-%m-%d ") + text, True
    if local.date() != base.date():
        return text + (" (next day)" if local.date() > base.date() else " (previous day)"), False
    return text, True


_SENTENCE_END = re.compile(r"[.!?。！？\n]")
_DATE_NEAR = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{4}년[ \t]?\d{1,2}월|\d{1,2}월[ \t]?\d{1,2}일|\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t]+\d{1,2}(?!\d)"
    r"|\d{1,2}[ \t]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
)


def _zone_declared(c: _Compiled, low: str, times: list[_Time]) -> bool:
    """Does a sentence name the local zone as the reply's convention ("All times are KST.")?

    Such a sentence has a declaration word and a name of the local zone and
    no clock time of its own.
    """
    if c.declaration is None:
        return False
    for z in c.local.finditer(low, low):
        left = max(_last(_SENTENCE_END, low, 0, z.start), 0)
        m = _SENTENCE_END.search(low, z.end)
        right = m.start() if m else len(low)
        if not c.declaration.search(low, left, right):
            continue
        if not any(left <= t.start < right for t in times):
            return True
    return False


def _last(pattern: re.Pattern, text: str, start: int, end: int) -> int:
    """End of the last match of pattern in text[start:end], or -1."""
    last = -1
    for m in pattern.finditer(text, max(start, end - 200), end):
        last = m.end()
    return last


def _not_a_clock_time(c: _Compiled, low: str, t: _Time) -> bool:
    """A duration or ratio ("1:30 hours", "1:50 scale") or a position in a recording.

    A recording position is written from zero ("00:47", "01:25") in a
    sentence about a video or recording ("stills from the unboxing video:
    00:12 and 00:47"), or right after such a word ("the video at 1:05").
    """
    if c.duration_after is not None and c.duration_after.match(low, t.end):
        return True
    if c.timestamp_before is None:
        return False
    if c.timestamp_before.search(low, max(0, t.start - 30), t.start):
        return True
    if low[t.start] == "0":
        sentence_start = _last(_SENTENCE_END, low, 0, t.start)
        return c.timestamp_before.search(low, max(sentence_start, t.start - 300, 0), t.start) is not None
    return False


def _inside_korean_word(low: str, end: int) -> bool:
    """A Korean phrase followed by a syllable that starts no particle: 오늘날, 20일 전주시."""
    after = low[end : end + 1]
    return "가" <= after <= "힣" and "가" <= low[end - 1] <= "힣" and after not in scripts.characters("korean_particle_starts")

def _dated(low: str, start: int, end: int) -> bool:
    """A relative date written next to its own date: "today (2024-05-21)", "2024-05-21, today"."""
    after = low[end : end + 24].lstrip(" \t(（,，:")
    if _DATE_NEAR.match(after) or (after.startswith("on ") and _DATE_NEAR.match(after[3:])):
        return True
    before = low[max(0, start - 24) : start].rstrip(" \t(（,，")
    return any(m.end() == len(before) for m in _DATE_NEAR.finditer(before))


def check(inp: RuleInput):
    pack = inp.pack
    c: _Compiled = inp.resources.compiled(("time", pack.name), lambda: _compile(pack))
    body = inp.body
    low = inp.lower
    zone = pack.time.zone
    local_offset = pack.time.utc_offset_hours
    consumed = 0  # end of the last zone text, so "UTC+08:00" is not read as a time
    times = _times(low)
    bare: list[_Time] = []  # times with no zone of their own, judged once all zones are known
    zoned_local: dict[int, int] = {}  # start of a time in the local zone -> end of its zone text
    for t in times:
        if t.start < consumed:
            continue
        start, end = t.start, t.end
        found = _zone_after(c, low, end, local_offset)
        if found is None:
            before = _zone_before(c, low, start)
            if before is not None:
                zone_start, phrase = before
                offset = c.offsets.get(phrase)
                if offset is not None:  # another zone, written first: 北京时间 2024-05-12 13:00
                    date_m = _DATE_BEFORE.search(low, max(0, start - 16), start)
                    date = tuple(int(g) for g in date_m.groups()) if date_m else None
                    hour = t.hour % 12 + (12 if t.ap == "p" else 0) if t.ap else t.hour % 24
                    suggestion, replaceable = _in_local_zone(hour, t.minute, date, offset, pack)
                    # The span starts at the zone: a date written before the zone stays outside it,
                    # so a suggestion that restates that date cannot replace the span.
                    inside = (date_m is None or date_m.start() >= zone_start) and replaceable
                    yield inp.finding(
                        "TIME002",
                        zone_start,
                        end,
                        f"time given in {body[zone_start:zone_start + len(phrase)]}, not {zone} ({zone} is UTC{local_offset:+g})",
                        suggestion=suggestion,
                        replacement=suggestion if inside else None,
                        safe=False,
                    )
                else:
                    zoned_local[t.start] = t.end
                continue
            if not _not_a_clock_time(c, low, t):
                bare.append(t)
            continue
        is_local, offset, zone_end = found
        consumed = zone_end
        if is_local:
            zoned_local[t.start] = zone_end
            continue
        date_m = _DATE_BEFORE.search(low, max(0, start - 16), start)
        span_start = date_m.start() if date_m else start
        date = tuple(int(g) for g in date_m.groups()) if date_m else None
        hour = t.hour % 12 + (12 if t.ap == "p" else 0) if t.ap else t.hour % 24
        zone_text = body[end:zone_end].strip(" \t(（[,")
        suggestion, replaceable = _in_local_zone(hour, t.minute, date, offset, pack) if offset is not None else (None, False)
        yield inp.finding(
            "TIME002",
            span_start,
            zone_end,
            f"time given in {zone_text}, not {zone}"
            + (f" ({zone} is UTC{local_offset:+g})" if offset is not None else ""),
            suggestion=suggestion,
            # Unsafe: `lint --fix` leaves it (a carrier's time in its own zone is a fact as quoted);
            # an operator's fix key converts it.
            replacement=suggestion if replaceable else None,
            safe=False,
        )
    if bare:
        yield from _bare_times(inp, c, low, body, zone, bare, zoned_local, times)
    if "/" in body:
        for m in _SLASH_DATE.finditer(body):
            a, b = int(m.group(1)), int(m.group(2))
            if not (1 <= a <= 31 and 1 <= b <= 31):
                continue
            if m.group(3) is None:
                # Without a year: ambiguous only when both parts could be a month, and
                # written as a date (a two-digit part: 11/05, 05/06, or "on 6/7", "7/8 배송"),
                # not a fraction (1/2).
                if a > 12 or b > 12:
                    continue
                if len(m.group(1)) < 2 and len(m.group(2)) < 2 and not _date_context(low, m.start(), m.end()):
                    continue
            yield inp.finding(
                "TIME003",
                m.start(),
                m.end(),
                f"'{m.group()}' is ambiguous (month/day or day/month?)",
                suggestion="write the date as YYYY-MM-DD",
            )
    for m in c.relative.finditer(body, low):
        if _dated(low, m.start, m.end) or _inside_korean_word(low, m.end):
            continue
        yield inp.finding(
            "TIME004",
            m.start,
            m.end,
            f"relative date '{body[m.start:m.end]}': give the date (YYYY-MM-DD) and time in {zone}",
            suggestion=f"YYYY-MM-DD HH:MM {zone}",
        )


def _bare_times(inp: RuleInput, c: _Compiled, low: str, body: str, zone: str, bare, zoned_local, times):
    """TIME001 for times without a zone, unless the range they open or close names one
    ("10:00-12:00 KST") or a sentence of the reply declares the zone ("All times are KST.")."""
    if _zone_declared(c, low, times):
        return
    bare_starts = {t.start for t in bare}
    order = [t for t in times if t.start in zoned_local or t.start in bare_starts]
    for i, t in enumerate(order):
        if t.start not in bare_starts:
            continue
        if c.range_gap is not None:
            nxt = order[i + 1] if i + 1 < len(order) else None
            prev = order[i - 1] if i else None
            if nxt is not None and nxt.start in zoned_local and c.range_gap.match(low[t.end : nxt.start]):
                continue  # 10:00-12:00 KST
            if prev is not None and prev.start in zoned_local and c.range_gap.match(low[zoned_local[prev.start] : t.start]):
                continue  # 10:00 KST - 12:00
        shown = body[t.start : t.end]
        yield inp.finding(
            "TIME001",
            t.start,
            t.end,
            f"time '{shown}' has no time zone; platform deadlines run in {zone}",
            suggestion=f"{shown} {zone}",
        )
