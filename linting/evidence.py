"""The evidence checklist: which attachment covers each item of evidence a reply must carry.

One reading for the linter (ATT008, ATT009) and the desk's checklist pane,
so that the ✗ an operator sees before sending is the error `lint` reports.
An item is a pack `[evidence.<type>]` (its file-name words) or, when the
notice names something the pack does not know ("KC certificate"), the
notice's own words; an attachment covers it when its file name carries one
of those words (`Evidence_<Type>_<Date>_<OrderID>.<ext>`). Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .context import CaseContext
from .packs import KindRules, Pack

_SEPARATORS = re.compile(r"[\s_\-.()\[\]]+")


@dataclass(frozen=True)
class EvidenceItem:
    """One line of the checklist: what is asked, how it is named, and the files that cover it."""

    item: str  # as the notice or the pack lists it
    title: str
    words: tuple[str, ...]
    covered_by: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.covered_by)


@dataclass(frozen=True)
class Checklist:
    """The checklist of one case. `demanded`: the notice itself lists the evidence
    (`required_evidence`), else the items are the pack's usual list for the kind."""

    items: tuple[EvidenceItem, ...]
    demanded: bool
    unrelated: tuple[str, ...]  # attachments that cover no item

    @property
    def missing(self) -> tuple[EvidenceItem, ...]:
        return tuple(i for i in self.items if not i.covered)


def name_words(name: str) -> tuple[str, set[str]]:
    """An attachment name (its extension dropped) as one squeezed lower-case string, and its words."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    low = stem.lower()
    return _SEPARATORS.sub("", low), {w for w in _SEPARATORS.split(low) if w}


def covers(words: tuple[str, ...], squeezed: str, tokens: set[str]) -> bool:
    """Whether a file name (squeezed, and as words) carries one of `words`; three ASCII letters
    or fewer (KC, POD) must be a whole word, never inside another one."""
    for word in words:
        w = _SEPARATORS.sub("", word.lower())
        if not w:
            continue
        if len(w) <= 3 and w.isascii():
            if w in tokens:
                return True
        elif w in squeezed:
            return True
    return False


def checklist(pack: Pack, kind: KindRules, context: CaseContext) -> Checklist:
    """Each item the case's reply must carry (the notice's list, else the kind's) and what covers it."""
    given = context.required_evidence
    listed = given if given is not None else kind.evidence
    names = [(att.name, *name_words(att.name)) for att in context.attachments]
    items = []
    for item in listed:
        known = pack.evidence.get(item.strip().lower())
        if known is not None:
            title, words = known.title, known.names + (known.name,)
        else:
            title, words = item, tuple(w for w in _SEPARATORS.split(item) if w)
        items.append(EvidenceItem(item, title, words, tuple(n for n, squeezed, tokens in names if covers(words, squeezed, tokens))))
    unrelated = tuple(n for n, squeezed, tokens in names if not any(covers(i.words, squeezed, tokens) for i in items))
    return Checklist(tuple(items), given is not None, unrelated)
