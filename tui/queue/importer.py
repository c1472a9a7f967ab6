"""`replydesk import FILE...`: exported platform notices in, case files out.

Accepted input (by file extension):
  .json            one record, or an array of records
  .jsonl, .ndjson  one record per line
  .csv             a header row, then one record per row

A record is either a case in the queue's own schema (it has `kind` and
`subject`), or a platform event/object that is mapped to a case:
  {"type": "order.canceled", ...}     -> cancellation-appeal
  {"type": "return.disputed", ...}    -> return-dispute
  {"object": "claim", "claim_type": "atoz" | "chargeback", ...}
  {"object": "notice", "category": "account_review" | "order_dispute" | "policy" | ...}
Each record is validated like a case file; an invalid one is reported as
`file:line: message` and skipped, and nothing in one record (a date past
9999, 5,000 nested arrays, bytes that are not UTF-8, a 100 MB line) stops
the others. Files are streamed one record at a time, so memory does not
grow with the file. Every case is written atomically, so a record is
imported whole or not at all, and never over the case of a different ID
(see safe_id and same_case).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping

from replydesk.linting.context import ID_FIELDS, KST
from replydesk.linting.tomldata import open_regular, read_regular_bytes

from .cases import ID_PATTERN, CaseFileError, case_from_mapping, dump_case

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2

EVENT_KINDS = {
    "order.canceled": "cancellation-appeal",
    "order.cancelled": "cancellation-appeal",
    "order.cancel_requested": "cancellation-appeal",
    "return.disputed": "return-dispute",
    "return.dispute_opened": "return-dispute",
    "chargeback.opened": "chargeback",
    "claim.opened": None,  # decided by claim_type
}
CLAIM_KINDS = {"atoz": "atoz-review", "a-to-z": "atoz-review", "a_to_z": "atoz-review", "chargeback": "chargeback", "return": "return-dispute"}
NOTICE_KINDS = {
    "account_review": "notice-of-action",
    "account-review": "notice-of-action",
    "order_dispute": "notice-of-action",
    "notice_of_action": "notice-of-action",
    "violation": "notice-of-action",
    "policy": "policy-notice",
    "inventory": "policy-notice",
    "qualification": "policy-notice",
}
TIME_KEYS = ("received_at", "occurred_at", "created_at", "issued_at", "decided_at", "payout_at", "timestamp", "time")
LIST_FIELDS = (*ID_FIELDS, "required_keywords")
# The fields whose IDs can be a notice's own source ID (an ASIN names a product, never a notice).
SOURCE_ID_FIELDS = tuple(f for f in ID_FIELDS if f != "asins")
# The names a platform export gives each ID field (the first is replydesk's own).
ID_NAMES = {
    "order_ids": ("order_ids", "order_id", "orderId", "order_sn"),
    "claim_ids": ("claim_ids", "claim_id", "return_id", "receipt_id", "receiptId", "dispute_id"),
    "case_ids": ("case_ids", "case_id", "notice_id"),
    "asins": ("asins", "asin"),
}
UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_HASHED = re.compile(r"--[0-9a-f]{12}\Z")


class RecordError(ValueError):
    """A record that cannot become a case; the caller adds file and line."""


@dataclass
class ImportReport:
    """Counts, not lists of IDs, so that a million records cost no more memory than ten.

    Problems ("file:line: message") go to `on_problem` as they happen when
    import_files is given one (the CLI prints them at once); otherwise they
    are collected in `invalid`.
    """

    imported: int = 0
    existing: int = 0
    updated: int = 0  # platform events that changed a case already in the queue
    ignored: int = 0  # platform events that concern no case (an order shipped)
    skipped: int = 0
    invalid: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.skipped else EXIT_OK


# --- reading records with their line numbers ---------------------------------------------
#
# Files are read as a stream, one record at a time, so memory is bounded by
# the largest record (MAX_RECORD_CHARS), never by the file: a 200 MB export
# costs what a 2 MB one costs. Bytes are decoded with surrogateescape, so an
# invalid UTF-8 sequence spoils only the record it is in (reported by line)
# instead of the rest of the file.

MAX_RECORD_CHARS = 1 << 20
"""No notice is anywhere near 1 Mi characters; a bigger record is reported and skipped unread, so a
hostile 100 MB line or CSV field costs 1 MiB of memory, not 100 MB (and never reaches the desk)."""
MAX_DEPTH = 64
"""Cases are 3 levels deep. Deeper records are refused before anything walks them recursively
(json.loads itself fails at ~1000 with RecursionError, json.dumps and the linter a little later)."""
_CHUNK = 1 << 16
_NEWLINES = ("\n", "\r")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes that are not UTF-8
_JSON_SPACE = " \t\r\n"


def _too_large() -> RecordError:
    return RecordError(f"record is larger than {MAX_RECORD_CHARS:,} characters: skipped unread")


def _too_deep() -> RecordError:
    return RecordError(f"record is nested more than {MAX_DEPTH} levels deep")


def _not_utf8(text: str) -> RecordError:
    match = _UNDECODABLE.search(text)
    byte = ord(match.group()) - 0xDC00 if match else 0
    return RecordError(f"not UTF-8 text (byte 0x{byte:02x})")


def nested_deeper_than(value, limit: int) -> bool:
    """Iterative, so that checking a deep value cannot itself overflow the stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _parse(text: str, first_line: int = 1) -> tuple[int, object]:
    """One record's JSON text -> (line, value or RecordError); never raises."""
    if _UNDECODABLE.search(text):
        return first_line, _not_utf8(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return first_line + exc.lineno - 1, RecordError(f"invalid JSON: {exc.msg}")
    except RecursionError:
        return first_line, _too_deep()
    except ValueError as exc:  # an integer of more than 4300 digits
        return first_line, RecordError(f"invalid JSON: {_value_error(exc)}")
    if isinstance(value, (dict, list)) and nested_deeper_than(value, MAX_DEPTH):
        return first_line, _too_deep()
    return first_line, value


def _value_error(exc: ValueError) -> str:
    text = str(exc)
    return "a number has more than 4300 digits" if "4300 digits" in text else text.split(";")[0]


def _skip_line(handle) -> str:
    """Read past the rest of an over-long physical line in chunks; returns its last chunk."""
    piece = ""
    while True:
        piece = handle.readline(_CHUNK)
        if not piece or piece.endswith(_NEWLINES):
            return piece


def iter_json_lines(handle) -> Iterator[tuple[int, object]]:
    """(line, record) per non-blank line. Lines end only at CR/LF: U+2028 or U+0085 inside a string
    are text, not line breaks (str.splitlines would cut the record there)."""
    handle = _LineReader(handle)
    number = 0
    while True:
        line = handle.readline(MAX_RECORD_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_CHARS and not line.endswith(_NEWLINES):
            _skip_line(handle)
            yield number, _too_large()
            continue
        text = line.lstrip("\ufeff").strip(_JSON_SPACE)
        if text:
            yield number, _parse(text, number)[1]


_STRING_BODY = re.compile(r'[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*')
_INSIDE = re.compile(r'["\[\]{}]')  # within a record only strings and brackets matter
_BETWEEN = re.compile(r"[^ \t\r\n]")  # between records: the next non-space character
_SCALAR_END = re.compile(r"[ \t\r\n,\]]")


class _LineReader:
    """readline(size) that never splits a CRLF in two.

    TextIOWrapper(newline="") and StringIO end a size-limited piece at a
    CR and hand out its LF alone next, which every reader here would count
    as one more line (and csv as an empty row). Only a piece that filled
    its size and ends in CR needs the look-ahead.
    """

    def __init__(self, handle):
        self._handle = handle
        self._pending = ""

    def readline(self, size: int) -> str:
        if self._pending:
            piece, self._pending = self._pending, ""
        else:
            piece = self._handle.readline(size)
        if len(piece) >= size and piece.endswith("\r"):
            following = self._handle.readline(size)
            if following == "\n":
                return piece + following
            self._pending = following
        return piece

    def read(self, size: int) -> str:
        head, self._pending = self._pending, ""
        return head + self._handle.read(max(0, size - len(head)))


class _SyntaxStop(Exception):
    """The array itself is broken (not one record): the rest of the file cannot be split into records."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def iter_json_records(handle) -> Iterator[tuple[int, object]]:
    """(line, record) for a JSON file holding one record or an array of records.

    An array is split into records as it is read (see _array_records); a
    single value is read whole, up to MAX_RECORD_CHARS. A broken record is
    reported at its own line and skipped; only a break in the array's own
    punctuation (a missing comma, an unclosed array) stops the file.
    """
    handle = _LineReader(handle)
    line = 1
    piece = ""
    while True:
        piece = handle.readline(_CHUNK)
        if not piece:
            return
        piece = piece.lstrip("\ufeff")
        stripped = piece.lstrip(_JSON_SPACE)
        if stripped:
            break
        if piece.endswith(_NEWLINES):
            line += 1
    if not stripped.startswith("["):
        rest = handle.read(MAX_RECORD_CHARS + 1 - len(stripped))
        text = stripped + rest
        if len(text) > MAX_RECORD_CHARS:
            yield line, _too_large()
            return
        yield _single_value(text, line)
        return
    try:
        yield from _array_records(handle, stripped[1:], line)
    except _SyntaxStop as stop:
        yield stop.line, RecordError(f"invalid JSON: {stop} (the rest of the file is not read)")


def _single_value(text: str, line: int) -> tuple[int, object]:
    if _UNDECODABLE.search(text):
        return line + text.count("\n", 0, _UNDECODABLE.search(text).start()), _not_utf8(text)
    body = text.rstrip(_JSON_SPACE)
    try:
        value, end = json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError as exc:
        return line + exc.lineno - 1, RecordError(f"invalid JSON: {exc.msg}")
    except RecursionError:
        return line, _too_deep()
    except ValueError as exc:
        return line, RecordError(f"invalid JSON: {_value_error(exc)}")
    if end < len(body):
        return line + body.count("\n", 0, end), RecordError("unexpected text after the JSON value")
    if isinstance(value, (dict, list)) and nested_deeper_than(value, MAX_DEPTH):
        return line, _too_deep()
    return line, value


def _array_records(handle, piece: str, line: int) -> Iterator[tuple[int, object]]:
    """The records of an array whose '[' has just been read (`piece` is the rest of that piece).

    Record boundaries are found without parsing: between records only
    ',' ']' and the first character of a value matter; within a record only
    strings and brackets do. A JSON string cannot hold a raw line break, so
    a string still open at a line's end is a syntax error, while one open
    at the end of a piece (a long line is read in chunks) goes on in the
    next piece. Each record's text is then parsed on its own (_parse), so
    a broken or hostile record is reported at its line and its neighbours
    still land, and memory holds one record, never the file.
    """
    expect_value, after_comma, closed = True, False, False
    parts: list[str] | None = None  # the current record's text so far; None between records
    size = seg = 0
    start_line = line
    stack: list[str] = []  # closing brackets the current record still needs (at most MAX_DEPTH + 1)
    extra = 0  # brackets deeper than that, only counted
    deep = big = scalar = in_string = escape = False
    while True:
        n, pos, seg = len(piece), 0, 0
        if closed:
            if piece.strip(_JSON_SPACE):
                raise _SyntaxStop(line, "unexpected text after the array")
            pos = n
        if in_string and escape and pos < n:
            if piece[0] in _NEWLINES:
                raise _SyntaxStop(line, "unterminated string")
            pos, escape = 1, False
        if in_string and pos < n:
            pos, in_string, escape = _string_end(piece, pos, line)
            if not in_string and not stack and not extra:  # a record that is a bare string
                yield _finish(parts, piece[:pos], size, start_line, deep, big)
                parts, expect_value = None, False
        while pos < n and not in_string:
            if parts is None:
                m = _BETWEEN.search(piece, pos)
                if m is None:
                    break
                pos = m.start()
                ch = piece[pos]
                if ch == "]":
                    if after_comma:
                        raise _SyntaxStop(line, "a record is missing after ','")
                    closed = True
                    if piece[pos + 1 :].strip(_JSON_SPACE):
                        raise _SyntaxStop(line, "unexpected text after the array")
                    break
                if ch == ",":
                    if expect_value:
                        raise _SyntaxStop(line, "a record is missing before ','")
                    expect_value, after_comma = True, True
                    pos += 1
                    continue
                if not expect_value:
                    raise _SyntaxStop(line, "expected ',' or ']' between records")
                parts, size, seg, start_line = [], 0, pos, line
                stack, extra, deep, big = [], 0, False, False
                scalar, after_comma = ch not in '[{"', False
            if scalar:
                m = _SCALAR_END.search(piece, pos)
                if m is None:
                    pos = n
                    break
                yield _finish(parts, piece[seg : m.start()], size, start_line, deep, big)
                parts, expect_value, scalar, pos = None, False, False, m.start()
                continue
            m = _INSIDE.search(piece, pos)
            if m is None:
                pos = n
                break
            ch, pos = m.group(), m.end()
            if ch == '"':
                pos, in_string, escape = _string_end(piece, pos, line)
                if in_string or stack or extra:
                    continue
            elif ch in "[{":
                if len(stack) > MAX_DEPTH:
                    extra, deep = extra + 1, True
                else:
                    stack.append("]" if ch == "[" else "}")
                continue
            elif extra:
                extra -= 1
                continue
            elif not stack or stack.pop() != ch:
                raise _SyntaxStop(line, f"unexpected {ch!r}")
            elif stack:
                continue
            yield _finish(parts, piece[seg:pos], size, start_line, deep, big)
            parts, expect_value = None, False
        if parts is not None:
            size += n - seg
            if size > MAX_RECORD_CHARS:
                big = True
                parts.clear()
            elif not big:
                parts.append(piece[seg:])
        if piece.endswith(_NEWLINES):
            line += 1
        piece = handle.readline(_CHUNK)
        if not piece:
            if parts is not None and scalar:
                yield _finish(parts, "", size, start_line, deep, big)
                parts = None
            if not closed:
                raise _SyntaxStop(line, "the array is not closed (unexpected end of file)")
            return


def _string_end(piece: str, pos: int, line: int) -> tuple[int, bool, bool]:
    """Scan a string's content from `pos` (after its opening quote or an escape split off by a piece
    boundary): (position after it, still open at the end of the piece, an escape pending there)."""
    end = _STRING_BODY.match(piece, pos).end()
    if end < len(piece) and piece[end] == '"':
        return end + 1, False, False
    if end == len(piece):
        return end, True, False
    if end == len(piece) - 1 and piece[end] == "\\":
        return len(piece), True, True
    raise _SyntaxStop(line, "unterminated string")


def _finish(parts: list[str], tail: str, size: int, line: int, deep: bool, big: bool) -> tuple[int, object]:
    if big or size + len(tail) > MAX_RECORD_CHARS:
        return line, _too_large()
    if deep:
        return line, _too_deep()
    parts.append(tail)
    return _parse("".join(parts), line)


class _CsvLines:
    """Physical lines for csv.reader, refusing to hold a record of more than MAX_RECORD_CHARS.

    When a record grows too large, the rest of it is skipped without
    keeping it: a CSV record ends at a line break outside quotes, and
    since '""' inside a quoted field adds two quotes, that is where the
    record's count of '"' is even. `_Oversize` then tells the caller to
    report it and start a fresh csv.reader after it.
    """

    def __init__(self, handle):
        self.handle = _LineReader(handle)
        self.number = 0       # line number of the last line handed out
        self.start = 1        # first line of the current record
        self.chars = 0
        self.quotes = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.handle.readline(MAX_RECORD_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if not self.chars:
            self.start = self.number
        self.chars += len(line)
        self.quotes += line.count('"')
        if self.chars > MAX_RECORD_CHARS:
            self._skip_record(line)
            raise _Oversize(self.start)
        return line

    def row_done(self) -> None:
        self.chars = self.quotes = 0

    def _skip_record(self, piece: str) -> None:
        quotes = self.quotes
        while not (piece.endswith(_NEWLINES) and quotes % 2 == 0):
            was_line_end = piece.endswith(_NEWLINES)
            piece = self.handle.readline(_CHUNK)
            if not piece:
                break
            if was_line_end:
                self.number += 1
            quotes += piece.count('"')
        self.row_done()


class _Oversize(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def iter_csv_records(handle) -> Iterator[tuple[int, object]]:
    """(line, record) per CSV row after the header; a row is reported at its last line, like csv.reader."""
    lines = _CsvLines(handle)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_RECORD_CHARS + 1))
    try:
        reader = csv.reader(lines)
        fields: list[str] | None = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except _Oversize as exc:
                yield exc.line, _too_large()
                reader = csv.reader(lines)
                if fields is None:
                    return
                continue
            except csv.Error as exc:
                yield lines.number, RecordError(f"CSV: {exc}")
                lines.row_done()
                reader = csv.reader(lines)
                continue
            line = lines.number
            lines.row_done()
            if fields is None:
                if any(_UNDECODABLE.search(cell) for cell in row):
                    yield line, RecordError("header: " + str(_not_utf8(" ".join(row))))
                    return
                fields = [f.strip() for f in row]
                if fields:
                    fields[0] = fields[0].lstrip("\ufeff").strip()
                continue
            if not row:
                continue
            if len(row) > len(fields):
                yield line, RecordError(f"{len(row) - len(fields)} more value(s) than header columns")
                continue
            if any(_UNDECODABLE.search(cell) for cell in row):
                yield line, _not_utf8(" ".join(row))
                continue
            yield line, {k: v.strip() for k, v in zip(fields, row) if v != ""}
    finally:
        csv.field_size_limit(limit)


def read_records(path: Path) -> Iterator[tuple[int, object]]:
    """(line, record or RecordError) from one file, streamed; OSError only when the file cannot be read."""
    suffix = path.suffix.lower()
    readers = {".jsonl": iter_json_lines, ".ndjson": iter_json_lines, ".csv": iter_csv_records, ".json": iter_json_records}
    if suffix not in readers:
        yield 1, RecordError(f"unknown format {suffix or '(no extension)'}: use .json, .jsonl, .ndjson or .csv")
        return
    # Not opened blindly: a FIFO or device would block or never end (tomldata.open_regular).
    with open_regular(path) as raw:
        # newline="": lines end at CR, LF or CRLF and keep their ending (csv needs it, JSON ignores it).
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield from readers[suffix](handle)


# --- mapping records to cases ------------------------------------------------------------------

def _first(record: dict, *keys):
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _as_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[;|]", str(value)) if part.strip()]


def safe_id(text: str) -> str:
    """The case id (and so the file name) for `text`, one-to-one.

    `text` itself when it is already a safe name; otherwise a readable
    ASCII form (NFKC, so full-width digits read as digits; unsafe runs
    become '-'; cut to fit 80 characters) plus `--` and a hash of the exact
    text. The old rule (unsafe runs -> '-', cut at 80) sent `A/B`, `A B`
    and `A-B`, every all-full-width ID, and IDs equal in their first 80
    characters to one file, and `--replace` then overwrote another order's
    case. A safe name that itself ends like a hash (`--` + 12 hex digits)
    is hashed too, so no name is ever both the plain form of one ID and the
    hashed form of another. (Hash collisions are not relied on either:
    import_files refuses to write over a case whose exact ID differs.)
    """
    if ID_PATTERN.fullmatch(text) and not _HASHED.search(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    readable = UNSAFE_ID.sub("-", unicodedata.normalize("NFKC", text))
    readable = readable.lstrip("-._")[: 80 - 2 - len(digest)].rstrip("-.")
    return f"{readable or 'case'}--{digest}"


def legacy_safe_id(text: str) -> str:
    """The name the importer gave `text` before safe_id became one-to-one; queues hold such files."""
    cleaned = UNSAFE_ID.sub("-", text).strip("-.")
    return cleaned[:80] or "case"


def record_to_case(record, packs: Mapping, default_platform: str | None = None) -> dict:
    """A case mapping (not yet validated) from one record; `packs` name its id (`case_name_text`)."""
    if not isinstance(record, dict):
        raise RecordError(f"a record must be a JSON object, got {type(record).__name__}")
    record = dict(record)
    platform = _first(record, "platform", "marketplace") or default_platform
    if not platform:
        raise RecordError("no platform (add a 'platform' field or pass --platform)")
    platform = str(platform).strip().lower()

    if "kind" in record and "subject" in record:
        case = dict(record)
        case["platform"] = platform
        for key in LIST_FIELDS:
            if key in case and not isinstance(case[key], list):
                case[key] = _as_list(case[key])
        message = _first(record, "message", "text", "body")
        if message and "history" not in case:
            case["history"] = [{"who": _first(record, "who", "from") or "platform", "when": case.get("received_at"), "text": message}]
        for key in ("message", "text", "body", "who", "from"):
            case.pop(key, None)
        return case

    event = _first(record, "type", "event", "event_type")
    obj = _first(record, "object")
    if event is not None:
        event = str(event).strip().lower()
        if event not in EVENT_KINDS:
            raise RecordError(f"unknown event type {event!r} (known: {', '.join(sorted(EVENT_KINDS))})")
        kind = EVENT_KINDS[event] or CLAIM_KINDS.get(str(_first(record, "claim_type") or "").lower())
        if kind is None:
            raise RecordError("claim.opened needs a claim_type (atoz, chargeback, return)")
        label = event
    elif obj is not None:
        obj = str(obj).strip().lower()
        if obj == "claim":
            claim_type = str(_first(record, "claim_type", "category") or "").lower()
            kind = CLAIM_KINDS.get(claim_type)
            if kind is None:
                raise RecordError(f"unknown claim_type {claim_type!r} (known: {', '.join(sorted(CLAIM_KINDS))})")
        elif obj == "notice":
            category = str(_first(record, "category", "notice_type") or "").lower()
            kind = NOTICE_KINDS.get(category)
            if kind is None:
                raise RecordError(f"unknown notice category {category!r} (known: {', '.join(sorted(NOTICE_KINDS))})")
        else:
            raise RecordError(f"unknown object {obj!r} (known: claim, notice)")
        label = obj
    else:
        raise RecordError("neither a case (kind + subject) nor a platform event (type) or object (claim, notice)")

    ids = {name: _as_list(_first(record, *ID_NAMES[name])) for name in ID_FIELDS}
    order_ids, claim_ids, case_ids = ids["order_ids"], ids["claim_ids"], ids["case_ids"]
    received = _first(record, *TIME_KEYS)
    if received is None:
        raise RecordError(f"no time (one of: {', '.join(TIME_KEYS)})")
    main_id = _first(record, "id") or (claim_ids or case_ids or order_ids or [None])[0]
    if main_id is None:
        raise RecordError("no identifier (order_id, claim_id, case_id, notice_id or id)")
    main_id = str(main_id)
    case_id = safe_id(case_name_text(platform, kind, main_id, packs))
    reason = _first(record, "reason", "message", "body", "description", "text")
    title = _first(record, "title", "subject")
    subject = str(title) if title else _subject(packs, platform, kind, order_ids or claim_ids or case_ids, reason)
    text = f"{label}: {reason}" if reason else f"{label} received"
    case: dict = {
        "id": case_id,
        "platform": platform,
        "kind": kind,
        "subject": subject,
        "received_at": received,
        "status": "new",
        # The platform's own ID exactly as exported: the id above may be its hashed file-name form,
        # and --replace compares this, so it only ever replaces the case of the same ID.
        "source_id": main_id,
    }
    deadline = _first(record, "deadline", "respond_by", "due_at")
    if deadline is not None:
        case["deadline"] = deadline
    for key, values in ids.items():
        if values:
            case[key] = values
    case["history"] = [{"who": "platform", "when": received, "text": text}]
    buyer = _first(record, "buyer_message", "customer_message")
    if buyer:
        case["history"].append({"who": "customer", "when": received, "text": str(buyer)})
    return case


def _subject(packs: Mapping, platform: str, kind: str, refs: list, reason) -> str:
    """The queue line of an event without a title: the kind's title in the pack, its first ID, the reason."""
    pack = packs.get(platform)
    subject = pack.kinds[kind].title if pack is not None and kind in pack.kinds else kind
    if refs:
        subject += f" – {refs[0]}"
    if reason:
        subject += f": {str(reason)[:60]}"
    return subject


# --- writing --------------------------------------------------------------------------------------

def case_name_text(platform: str, kind: str, main_id: str, packs: Mapping) -> str:
    """What an event's case id is made from (safe_id makes it a file name): the pack's
    `id_prefix`, the kind's `id_tag`, the platform's own ID (CP-CANCEL-22000009551870)."""
    pack = packs.get(platform)
    prefix = pack.id_prefix if pack is not None else platform.upper()[:3]
    tag = pack.kinds[kind].id_tag if pack is not None and kind in pack.kinds else "CASE"
    return f"{prefix}-{tag}-{main_id}"


def import_files(
    paths: list[Path],
    store,
    *,
    replace: bool = False,
    default_platform: str | None = None,
    on_problem: Callable[[str], None] | None = None,
    source: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportReport:
    """Import every record of every file; a bad record is reported `file:line: reason` and skipped.

    Nothing one record holds can stop the others: each is read, checked
    and written on its own, and any failure of that one record (including
    ones nobody foresaw) becomes its report line. Records are streamed, and
    per record only its case id and place are remembered (to report
    duplicates), so memory does not grow with the size of the records.

    A platform's own payload (a saved Coupang response, an SP-API
    notification, a TikTok Shop or Shopee push: replydesk.tui.inbound)
    creates or updates cases through `inbound.apply`, exactly as the
    receiver does; `source` forces which platform it is read as.
    """
    report = ImportReport()
    seen: dict[str, int] = {}  # case id -> file index << 32 | line of its first record

    def problem(message: str) -> None:
        report.skipped += 1
        if on_problem is not None:
            on_problem(message)
        else:
            report.invalid.append(message)

    try:
        store.modes.make_folder(store.cases_dir)  # the queue's group and mode, whatever the umask
        store.modes.make_folder(store.drafts_dir)
    except OSError as exc:
        problem(f"{store.cases_dir}: cannot create: {exc.strerror or exc}")
        return report
    for index, path in enumerate(paths):
        line = 0
        try:
            for line, record in read_records(path):
                where = f"{path}:{line}"
                if isinstance(record, RecordError):
                    problem(f"{where}: {record}")
                    continue
                try:
                    payload = _platform_payload(record, source, store, clock)
                    if payload is not None:
                        for counter, message in payload:
                            if message:
                                problem(f"{where}: {message}")
                            else:
                                setattr(report, counter, getattr(report, counter) + 1)
                        continue
                    outcome = _import_record(record, store, replace, default_platform, seen, paths, index << 32 | line)
                except RecordError as exc:
                    problem(f"{where}: {exc}")
                    continue
                except RecursionError:
                    problem(f"{where}: {_too_deep()}")
                    continue
                except Exception as exc:  # one record must never stop the rest (nor print a traceback)
                    problem(f"{where}: cannot import this record ({type(exc).__name__}: {exc})")
                    continue
                if outcome == "existing":
                    report.existing += 1
                else:
                    report.imported += 1
        except OSError as exc:
            at = f":{line}" if line else ""
            problem(f"{path}{at}: cannot read: {exc.strerror or exc}" + (" (the rest of the file is not read)" if line else ""))
        except Exception as exc:  # a reader bug must not cost the other files either
            problem(f"{path}:{line}: cannot read the rest of the file ({type(exc).__name__}: {exc})")
    return report


_COUNTS = {"created": "imported", "updated": "updated", "duplicate": "existing", "ignored": "ignored"}


def _platform_payload(record, source: str | None, store, clock) -> list[tuple[str, str]] | None:
    """A platform payload's events applied one by one: (the report counter it adds to, "") or
    ("", the problem that kept it out); None when the record is the queue's own shape."""
    from replydesk.tui.inbound.apply import apply
    from replydesk.tui.inbound.detect import read_payload
    from replydesk.tui.inbound.notice import PayloadError

    from replydesk.tui.inbound import deadletter

    if deadletter.is_letter(record):  # a delivery the receiver kept: read its body as delivered
        from replydesk.tui.inbound.notice import parse_body

        try:
            body, letter_source = deadletter.body_of(record)
            record = parse_body(body)
        except (ValueError, PayloadError) as exc:
            raise RecordError(f"dead letter: {exc}") from None
        source = source if source not in (None, "replydesk") else letter_source
    try:
        items = read_payload(record, source)
    except PayloadError as exc:
        raise RecordError(str(exc)) from None
    if items is None:
        return None
    now = clock() if clock is not None else datetime.now(KST)
    out = []
    for item in items:
        if isinstance(item, PayloadError):
            out.append(("", str(item)))
            continue
        try:
            out.append((_COUNTS[apply(store, item, actor="import", now=now).outcome], ""))
        except PayloadError as exc:
            out.append(("", str(exc)))
        except OSError as exc:
            out.append(("", f"cannot write: {exc.strerror or exc}"))
    return out


def _import_record(record, store, replace: bool, default_platform, seen: dict, paths, place: int) -> str:
    """Validate and write one record: "imported" or "existing"; RecordError says why not."""
    from .atomic import atomic_write_bytes

    mapping = record_to_case(record, store.packs, default_platform)
    try:
        # Validate before any path is built from the id (a record may lack one or hold "../x").
        case_from_mapping(mapping, store.packs, text=None)
    except CaseFileError as exc:
        raise RecordError(exc.message) from None
    except OverflowError as exc:
        # datetime stops at 9999-12-31: received_at near it plus the kind's window overflows.
        raise RecordError(
            f"date out of range: received_at {mapping.get('received_at')!r} plus the {mapping.get('kind')} "
            f"window is after 9999-12-31 ({exc})"
        ) from None
    case_id = mapping["id"]
    source = mapping.get("source_id")
    if isinstance(source, str) and source and case_id == safe_id(case_name_text(mapping["platform"], mapping["kind"], source, store.packs)):
        legacy = legacy_safe_id(case_name_text(mapping["platform"], mapping["kind"], source, store.packs))
        if legacy != case_id and ID_PATTERN.fullmatch(legacy):
            old = read_existing_case(store.case_path(legacy))
            if isinstance(old, dict) and same_case({**mapping, "id": legacy}, old):
                case_id = mapping["id"] = legacy  # a queue from before: keep its file, do not add a twin
    text = dump_case(mapping)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise RecordError(f"contains an unpaired surrogate {bad.encode('unicode_escape').decode()} (not Unicode text)") from None
    target = store.case_path(case_id)
    if case_id in seen:
        first = seen[case_id]
        at = f"{paths[first >> 32]}:{first & 0xFFFFFFFF}"
        old = read_existing_case(target)
        if isinstance(old, dict) and same_case(mapping, old):
            raise RecordError(f"duplicate case {case_id} (first at {at})")
        raise RecordError(f"id {case_id} collides with the case of {_describe(old)} (first at {at}); not written")
    old = read_existing_case(target)
    if old is not None:
        if isinstance(old, str):
            raise RecordError(f"{target} exists but cannot be read ({old}); not replaced")
        if not same_case(mapping, old):
            raise RecordError(
                f"id {case_id} collides with {target.name}, the case of {_describe(old)}; not written "
                "(rename or remove that file to import this record)"
            )
        seen[case_id] = place
        if not replace:
            return "existing"
    seen[case_id] = place
    try:
        atomic_write_bytes(target, data, new_mode=store.modes.file)
    except OSError as exc:
        raise RecordError(f"cannot write {target}: {exc.strerror or exc}") from None
    return "imported"


def read_existing_case(path: Path):
    """The mapping in an existing case file, None when there is none, or a str saying why it is unreadable.

    Opened by its exact name; on a case-insensitive file system `cp-1.json`
    opens `CP-1.json`, whose id then differs, and same_case says so.
    """
    try:  # a queue file: never through a symlink, never a FIFO (as the desk reads it)
        data, _st = read_regular_bytes(path, 4 * MAX_RECORD_CHARS, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        return f"not a JSON case file: {exc}"
    return value if isinstance(value, dict) else "not a JSON object"


def same_case(new: dict, old: dict) -> bool:
    """Whether `old` (a case file's mapping) is the case `new` would replace: the same exact id and,
    when both say so, the same exact platform ID.

    Files written before `source_id` existed are matched by their ID lists:
    a legacy `CP-CANCEL-A-B` that lists order `A/B` is that order's case,
    not `A-B`'s. One with no ID lists at all cannot be told apart and is
    taken to be the same (there is nothing to say otherwise).
    """
    if old.get("id") != new["id"]:
        return False
    source, old_source = new.get("source_id"), old.get("source_id")
    if source is None or old_source is not None:
        return source is None or old_source == source
    if str(old.get("platform", "")).strip().lower() != new["platform"] or str(old.get("kind", "")).strip().lower() != new["kind"]:
        return False
    ids = [v for key in SOURCE_ID_FIELDS for v in _as_list(old.get(key))]
    return not ids or source in ids


def _describe(old) -> str:
    if not isinstance(old, dict):
        return "another record"
    ids = [v for key in SOURCE_ID_FIELDS for v in _as_list(old.get(key))]
    source = old.get("source_id") or (ids[0] if ids else old.get("id"))
    return f"{source!r}"


def build_parser() -> argparse.ArgumentParser:
    from replydesk.tui.inbound.detect import OWN, SOURCE_NAMES

    parser = argparse.ArgumentParser(
        prog="replydesk import",
        description="Turn exported platform notices (JSON, JSON Lines, CSV) into case files of a queue.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--queue", type=Path, help="queue directory (default: $REPLYDESK_QUEUE, else the per-user queue)")
    parser.add_argument("--platform", help="platform for records that do not name one")
    parser.add_argument("--replace", action="store_true", help="overwrite cases already in the queue (the queue's own shape)")
    parser.add_argument(
        "--source",
        choices=(OWN, *SOURCE_NAMES),
        help="read every record as this source's payload instead of telling it by its shape",
    )
    return parser


def _say(message: str, **kwargs) -> None:
    """Print a message that may carry file names, IDs or record text: control characters made
    visible (a newline in a file name must not start a line; ESC must not reach the terminal)."""
    from replydesk.linting.display import visible_controls

    print(visible_controls(message), **kwargs)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .location import named_queue
    from .store import QueueError, QueueStore

    queue = named_queue(args.queue)
    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        _say(f"replydesk import: error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    # A FIFO or a device (/dev/zero) would hang or never end: only regular files are read.
    special = [str(p) for p in args.files if not p.is_file()]
    if special:
        _say(f"replydesk import: error: not a regular file: {', '.join(special)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        queue.mkdir(parents=True, exist_ok=True)
        store = QueueStore(queue)
    except (QueueError, OSError) as exc:
        _say(f"replydesk import: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    platform = args.platform.strip().lower() if args.platform else None
    if platform and platform not in store.packs:
        _say(f"replydesk import: error: unknown platform {platform!r} (known: {', '.join(sorted(store.packs))})", file=sys.stderr)
        return EXIT_ERROR

    def show(problem: str) -> None:
        _say(problem, file=sys.stderr, flush=True)

    from replydesk.tui.inbound.sources import DataFileError, sources

    try:
        sources()  # a broken REPLYDESK_SOURCES file is one clear error, not one per record
    except DataFileError as exc:
        _say(f"replydesk import: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    report = import_files(args.files, store, replace=args.replace, default_platform=platform, on_problem=show, source=args.source)
    summary = f"imported {report.imported} case(s) into {store.root}"
    if report.updated:
        summary += f"; updated {report.updated} (later events of cases already there)"
    if report.ignored:
        summary += f"; ignored {report.ignored} event(s) that are no notice"
    if report.existing:
        summary += f"; {report.existing} already in the queue, unchanged (--replace overwrites a case of the queue's own shape)"
    if report.skipped:
        summary += f"; skipped {report.skipped} invalid record(s)"
    _say(summary)
    return report.exit_code
