"""Edits to a draft's front matter that keep everything else in the file as it was. Pure.

The language server's "ignore RULE for this draft" writes here; the reply
below the front matter is never touched, since it goes to the platform
verbatim. The TOML is edited with tomlkit, so the keys, comments and
layout the author wrote stay where they were.
"""
from __future__ import annotations

from dataclasses import dataclass

import tomlkit

from .document import FENCE, DraftError, parse_draft


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text[start:end] with `replacement` (offsets into the file as given)."""

    start: int
    end: int
    replacement: str


class FrontMatterError(ValueError):
    """The front matter cannot be edited (it does not parse): fix it first."""


def add_ignore(text: str, rule: str, *, quote: str | None = None, reason: str | None = None) -> TextEdit | None:
    """The edit that adds `rule` (only inside `quote`, when given) to the draft's `ignore`.

    None when the entry is already there. A draft without front matter
    gets one (`+++` / `ignore = […]` / `+++`) above its first line; the
    file's line ending (LF or CRLF) is used for the lines added.
    """
    bom = 1 if text.startswith("\ufeff") else 0
    try:
        draft = parse_draft(text)
    except DraftError as exc:
        raise FrontMatterError(f"the front matter does not parse (line {exc.line}): {exc.message}") from None
    first_nl = text.find("\n", bom)
    newline = "\r\n" if first_nl > 0 and text[first_nl - 1] == "\r" else "\n"  # as the file's first line ends
    entry = _entry(rule, quote, reason)
    if not draft.front_matter and draft.body_start == 0:
        item = tomlkit.array()
        item.append(entry)
        body = f"ignore = {item.as_string()}"
        return TextEdit(bom, bom, f"{FENCE}{newline}{body}{newline}{FENCE}{newline}")
    # The TOML between the fences, as offsets into `text` (parse_draft dropped the BOM).
    start = first_nl + 1
    closing = text.rfind(FENCE, 0, draft.body_start + bom)
    toml_text = text[start:closing]
    try:
        doc = tomlkit.parse(toml_text)
    except Exception as exc:  # tomlkit raises several error types
        raise FrontMatterError(f"the front matter does not parse: {exc}") from None
    current = doc.get("ignore")
    if current is None:
        array = tomlkit.array()
        array.append(entry)
        doc["ignore"] = array
    elif isinstance(current, tomlkit.items.AoT):  # [[ignore]] tables: one more table
        if _holds(current, rule, quote):
            return None
        current.append(_filled(tomlkit.table(), rule, quote, reason))
    else:
        if isinstance(current, str):
            array = tomlkit.array()
            array.append(str(current))
            doc["ignore"] = array
            current = doc["ignore"]
        if not isinstance(current, tomlkit.items.Array):
            raise FrontMatterError(f"its `ignore` is not a list of rules ({type(current).__name__}): fix it first")
        if _holds(current, rule, quote):
            return None
        current.append(entry)
    new = tomlkit.dumps(doc)
    if newline == "\r\n":
        new = new.replace("\r\n", "\n").replace("\n", "\r\n")
    if new and not new.endswith(("\n",)):
        new += newline
    return TextEdit(start, closing, new)


def _entry(rule: str, quote: str | None, reason: str | None):
    """The entry as an array item: the bare code when nothing else is said."""
    if quote is None and reason is None:
        return rule
    return _filled(tomlkit.inline_table(), rule, quote, reason)


def _filled(table, rule: str, quote: str | None, reason: str | None):
    table["rule"] = rule
    if quote is not None:
        table["text"] = quote
    if reason is not None:
        table["reason"] = reason
    return table


def _holds(current, rule: str, quote: str | None) -> bool:
    for item in current:
        if isinstance(item, str) and quote is None and item.strip().upper() == rule:
            return True
        if isinstance(item, dict) and str(item.get("rule", "")).strip().upper() == rule and item.get("text") == quote:
            return True
    return False
