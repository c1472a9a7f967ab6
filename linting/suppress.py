"""Which findings an `ignore` entry silences, and which entries silenced nothing. Pure.

An entry names a rule (or a code prefix) and, optionally, a quoted text of
the reply: without one it silences the rule in the whole draft; with one,
only the findings whose span lies inside an occurrence of that text. The
quote is matched with any run of white space standing for any other and
letter case ignored, so re-wrapping a paragraph or a quote copied with
different capitals still holds; a finding about something missing (it has
no span) is silenced only by a whole-rule entry.

Suppressed findings are kept, not dropped: `lint --show-ignored`, the
language server and the desk show what was silenced and why, and an entry
that silenced nothing (its quote was edited away) is reported as unused.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .context import Suppression
from .findings import Finding
from .normalise import matching_view


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding an `ignore` entry silenced, with the entry (its reason, who and when)."""

    finding: Finding
    by: Suppression


def quote_pattern(text: str) -> re.Pattern:
    """The quote as a pattern: its words literal, white space between them any white space.

    Linear by construction: literal runs joined by `\\s+`, and no literal
    starts or ends with white space, so no two repeats compete for a character.
    """
    words = text.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


class Suppressor:
    """Built once per lint from the context's `ignore` and the text as written.

    Quotes are searched in the text as the rules match it (`view`: NFC,
    invisible characters removed; the quote is normalised the same way), so
    `invoice\u200bnumber` in the reply and an NFD Korean body are silenced by
    the quote as typed; the occurrences are mapped back to the text as
    written, where findings are placed. Occurrences may overlap ("delivery
    delay delivery delay" occurs twice in three delays). A finding is looked
    up with one bisection over them, so a draft with a million findings of a
    quoted rule costs O(n log n), not O(n × occurrences).
    """

    __slots__ = ("_whole", "_quoted", "_text", "_body_start", "_view", "_spans", "_used", "_rule_hits",
                 "_kept", "_cap", "omitted")

    def __init__(self, entries: tuple[Suppression, ...], text: str, body_start: int, *, view=None, cap: int = 100):
        self._whole = tuple(e for e in entries if e.text is None)
        self._quoted = tuple(e for e in entries if e.text is not None)
        self._text = text
        self._body_start = body_start
        self._view = view  # normalise.MatchingView of `text`, or None when the text is its own view
        self._spans: dict[Suppression, tuple[list[int], list[int]]] = {}  # starts, running max of ends
        self._used: set[Suppression] = set()
        self._rule_hits: dict[str, Suppression | None] = {}  # rule → its whole-rule entry, if any
        self._kept: dict[str, list[Suppressed]] = {}
        # Per rule, the first `cap` silenced findings by position are kept (0: all), as the
        # engine keeps findings; the rest are counted here, for "… and N more ignored".
        self._cap = cap
        self.omitted: dict[str, int] = {}

    def match(self, finding: Finding) -> Suppression | None:
        """The entry that silences `finding` (on the text as written), or None; a silenced
        finding is kept for `suppressed()`."""
        entry = self._match(finding)
        if entry is not None:
            self._used.add(entry)
            bucket = self._kept.setdefault(finding.rule, [])
            bucket.append(Suppressed(finding, entry))
            cap = self._cap
            if cap and len(bucket) > 2 * cap:
                self._trim(finding.rule, bucket)
        return entry

    def _trim(self, rule: str, bucket: list[Suppressed]) -> None:
        bucket.sort(key=lambda s: s.finding.sort_key())
        self.omitted[rule] = self.omitted.get(rule, 0) + len(bucket) - self._cap
        del bucket[self._cap:]

    def suppressed(self) -> list[Suppressed]:
        """The silenced findings kept, in text order."""
        out: list[Suppressed] = []
        for rule, bucket in self._kept.items():
            if self._cap and len(bucket) > self._cap:
                self._trim(rule, bucket)
            out.extend(bucket)
        return sorted(out, key=lambda s: s.finding.sort_key())

    def _match(self, finding: Finding) -> Suppression | None:
        rule = finding.rule
        whole = self._rule_hits.get(rule, False)
        if whole is False:
            whole = self._rule_hits[rule] = next((e for e in self._whole if e.covers_rule(rule)), None)
        if whole is not None:
            return whole
        if finding.start == finding.end:
            return None
        for entry in self._quoted:
            if not entry.covers_rule(rule):
                continue
            starts, max_ends = self._occurrences(entry)
            i = bisect.bisect_right(starts, finding.start) - 1
            if i >= 0 and max_ends[i] >= finding.end:  # some occurrence starting at or before it ends after it
                return entry
        return None

    def _occurrences(self, entry: Suppression) -> tuple[list[int], list[int]]:
        found = self._spans.get(entry)
        if found is not None:
            return found
        view = self._view
        quote = entry.text or ""
        haystack, begin = self._text, self._body_start
        if view is not None:
            haystack, begin = view.text, view.view_offset(self._body_start)
        quoted = matching_view(quote)
        pattern = quote_pattern(quoted.text if quoted is not None else quote)
        spans: list[tuple[int, int]] = []
        search = pattern.search
        m = search(haystack, begin)
        while m is not None:
            a, b = m.span()
            spans.append(view.original_span(a, b) if view is not None else (a, b))
            m = search(haystack, a + 1)  # overlapping occurrences too
        starts, max_ends, top = [], [], -1
        for a, b in spans:
            starts.append(a)
            top = max(top, b)
            max_ends.append(top)
        found = self._spans[entry] = (starts, max_ends)
        return found

    def unused(self) -> tuple[Suppression, ...]:
        """The quoted entries that silenced nothing in this text (whole-rule ones
        are a standing choice and are not reported)."""
        return tuple(e for e in self._quoted if e not in self._used)
