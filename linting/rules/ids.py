"""IDs: cite only this case's IDs, in the platform's format.

An ID is recognised by a label in front of it (order, 주문번호, 订单号,
ASIN ...) and its shape, both from the pack. Bare digit runs overlap with
waybill, phone and SKU numbers, so an unlabelled token is only questioned
when it is one or two edits away from one of this case's IDs (a typo), or
when its pack type says `unlabelled = true` and it has a shape no count,
date or phone number has (Amazon 3-7-7, CASE-…, Shopee order_sn).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..packs import IdType, Pack
from ..phrases import PhraseSet
from .base import RuleInput


_TOKEN = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
# Between a label and its ID: punctuation, and connector words in the languages we see.
_GAP_ID = re.compile(
    r"(?:\s*(?:[:#：=]|no\.?|number|is|was|는|은|이|가|为|是)\s*){0,2}\s*(?P<id>" + _TOKEN + r")(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)
# Unlabelled candidates start at a digit (fast to find); letters before it are added back.
_DIGIT_TOKEN = re.compile(r"[0-9][A-Za-z0-9\-]*")
_ANY_TOKEN = _TOKEN
# Tokens after a label that are no ID at all: counts ("order 2 of 3"), years, dates and amounts.
_NOT_AN_ID = re.compile(r"\d{1,3}|(?:19|20)\d{2}|\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,3}(?:,\d{3})+")
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class _Compiled:
    labels: PhraseSet | None
    types_by_label: dict[str, tuple[IdType, ...]]
    shapes: tuple[tuple[IdType, re.Pattern], ...]
    shape_of: dict[str, re.Pattern]
    widths: dict[str, tuple[int, int]]  # shortest and longest match of each shape


def _compile(pack: Pack) -> _Compiled:
    by_label: dict[str, list[IdType]] = {}
    for t in pack.ids:
        for label in t.labels:
            by_label.setdefault(" ".join(label.lower().split()), []).append(t)
    if not by_label:
        return _Compiled(None, {}, (), {}, {})
    # An ID type without a published shape accepts any token: only its membership is checked.
    shapes = tuple(
        (t, re.compile(t.pattern or _ANY_TOKEN, 0 if t.case_sensitive else re.IGNORECASE)) for t in pack.ids
    )
    return _Compiled(
        PhraseSet(by_label),
        {k: tuple(v) for k, v in by_label.items()},
        shapes,
        {t.name: p for t, p in shapes},
        {t.name: _width(t.pattern) for t in pack.ids},
    )


def _width(pattern: str) -> tuple[int, int]:
    """Shortest and longest text a pattern matches, from `re`'s parser (private; (0, big) if it changes)."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        lo, hi = _parser.parse(pattern).getwidth()
        return int(lo), int(min(hi, 10_000))
    except Exception:  # noqa: BLE001 - a missing prefilter only costs time
        return 0, 10_000


def _norm_label(label: str) -> str:
    return re.sub(r"\s+", " ", label.lower())


def _closest(token: str, candidates: tuple[str, ...]) -> str | None:
    if not candidates:
        return None
    best = process.extractOne(token, candidates, scorer=Levenshtein.normalized_similarity)
    return best[0] if best else None


def _near_shape(token: str, t: IdType) -> bool:
    """Could the token be a mistyped (or misplaced) ID of this type? It has letters only when
    the type's IDs do: a digits-only order ID is never RMV-0611-A."""
    return not (t.example and not any(c.isalpha() for c in t.example) and any(c.isalpha() for c in token))


def _looks_distinctive(token: str) -> bool:
    """Tokens that cannot be a plain count, date or phone number: letters+digits, or dash groups."""
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return (has_digit and has_alpha) or (has_digit and token.count("-") >= 2)


def check(inp: RuleInput):
    pack = inp.pack
    compiled: _Compiled = inp.resources.compiled(("ids", pack.name), lambda: _compile(pack))
    if compiled.labels is None:
        return
    body = inp.body
    ctx = inp.context
    claimed: set[int] = set()  # starts of tokens already judged after a label

    def member_check(token: str, t: IdType, start: int, end: int):
        ids = ctx.ids_of(t.field) if t.field else ()
        if not ids or token in ids:
            return None
        if not t.case_sensitive and token.upper() in {i.upper() for i in ids}:
            return None
        best = _closest(token, ids)
        return inp.finding(
            "ID001",
            start,
            end,
            f"{t.title or t.name} {token} is not one of this case's IDs ({', '.join(ids)})",
            suggestion=best,
            replacement=best if len(ids) == 1 else None,
            safe=False,
        )

    for lm in compiled.labels.finditer(body, inp.lower):
        m = _GAP_ID.match(body, lm.end)
        if m is None:
            continue
        label_text = body[lm.start : lm.end]
        token = m.group("id")
        start, end = m.start("id"), m.end("id")
        types = compiled.types_by_label.get(lm.phrase, ())
        if not types or not any(c.isdigit() for c in token):
            continue  # "order status", "order was" — the label was a plain word
        claimed.add(start)
        if _NOT_AN_ID.fullmatch(token):
            continue
        fitting = [t for t in types if compiled.shape_of[t.name].fullmatch(token)]
        if not fitting:
            if not any(_near_shape(token, x) for x in types):
                continue  # another thing after the word (removal order RMV-0611-A), not a mistyped ID
            t = types[0]
            ids = ctx.ids_of(t.field) if t.field else ()
            best = _closest(token, ids)
            shapes = " or ".join(sorted({x.title or x.name for x in types}))
            example = next((x.example for x in types if x.example), "")
            yield inp.finding(
                "ID002",
                start,
                end,
                f"'{token}' after '{label_text}' is not a valid {shapes}"
                + (f" (e.g. {example})" if example else ""),
                suggestion=best,
                replacement=best if best and len(ids) == 1 else None,
                safe=False,
            )
            continue
        # The token fits one of the label's shapes: does it belong to the case?
        with_ids = [t for t in fitting if t.field and ctx.ids_of(t.field)]
        if with_ids and not any(token in ctx.ids_of(t.field) for t in with_ids):
            f = member_check(token, with_ids[0], start, end)
            if f:
                yield f

    # Unlabelled tokens: only against ID types this case has IDs for.
    checks = [
        (t, shape, ctx.ids_of(t.field)) for t, shape in compiled.shapes if t.pattern and t.field and ctx.ids_of(t.field)
    ]
    if not checks:
        return
    case_ids = {i for _, _, ids in checks for i in ids}
    lengths = set()
    for t, _, _ in checks:
        lo, hi = compiled.widths[t.name]
        lengths.update(range(lo, min(hi, 64) + 1))
    glued = _ID_CHARS
    for m in _DIGIT_TOKEN.finditer(body):
        start, end = m.span()
        # Letters glued in front belong to the token (B0C1234XYZ); Hangul or CJK is a boundary.
        while start and body[start - 1] in glued:
            start -= 1
        if body[end - 1] == "-":
            end = start + len(body[start:end].rstrip("-"))
        if end - start not in lengths:
            continue  # no ID shape of this case has that length (dates, times, amounts)
        token = body[start:end]
        if token in case_ids or start in claimed:
            continue
        for t, shape, ids in checks:
            if not shape.fullmatch(token):
                continue
            if (t.unlabelled and _looks_distinctive(token)) or min(Levenshtein.distance(token, i) for i in ids) <= inp.pack.similarity.id_typo_edits:
                f = member_check(token, t, start, end)
                if f:
                    yield f
                break
