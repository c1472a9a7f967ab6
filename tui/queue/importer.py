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
`file:line: message` and skipped. Every case is written atomically, so a
record is imported whole or not at all.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .cases import CaseFileError, case_from_mapping, dump_case

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2

PLATFORM_PREFIX = {"coupang": "CP", "amazon": "AMZ", "tiktok": "TT", "shopee": "SP", "general": "GEN"}
KIND_TAG = {
    "cancellation-appeal": "CANCEL",
    "return-dispute": "RETURN",
    "notice-of-action": "NOA",
    "chargeback": "CB",
    "atoz-review": "A2Z",
    "policy-notice": "POLICY",
    "general": "MSG",
}
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
LIST_FIELDS = ("order_ids", "claim_ids", "case_ids", "asins", "required_keywords")
UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


class RecordError(ValueError):
    """A record that cannot become a case; the caller adds file and line."""


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # "file:line: message"
    existing: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.invalid else EXIT_OK


# --- reading records with their line numbers ---------------------------------------------

def iter_json_records(text: str) -> Iterator[tuple[int, object]]:
    """(line, record) for a JSON object or array; a syntax error yields (line, RecordError) and stops."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        return
    if text[pos] != "[":
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield exc.lineno, RecordError(f"invalid JSON: {exc.msg}")
            return
        yield _line(text, pos), record
        if _skip_ws(text, end) < len(text):
            yield _line(text, end), RecordError("unexpected text after the JSON value")
        return
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while pos < len(text):
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield exc.lineno, RecordError(f"invalid JSON: {exc.msg} (the rest of the file is not read)")
            return
        yield _line(text, pos), record
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        yield _line(text, min(pos, len(text) - 1)), RecordError("expected ',' or ']' between records")
        return


def iter_json_lines(text: str) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RecordError(f"invalid JSON: {exc.msg}")


def iter_csv_records(text: str) -> Iterator[tuple[int, object]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        return
    fields = [f.strip() for f in reader.fieldnames]
    reader.fieldnames = fields
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, RecordError(f"CSV: {exc}")
            return
        line = reader.line_num
        if None in row:
            yield line, RecordError(f"{len(row[None])} more value(s) than header columns")
            continue
        yield line, {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if v not in (None, "")}


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def read_records(path: Path) -> Iterator[tuple[int, object]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield data.count(b"\n", 0, exc.start) + 1, RecordError("not UTF-8 text (the rest of the file is not read)")
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from iter_json_lines(text)
    elif suffix == ".csv":
        yield from iter_csv_records(text)
    elif suffix == ".json":
        yield from iter_json_records(text)
    else:
        yield 1, RecordError(f"unknown format {suffix or '(no extension)'}: use .json, .jsonl, .ndjson or .csv")


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
    cleaned = UNSAFE_ID.sub("-", text).strip("-.")
    return cleaned[:80] or "case"


def record_to_case(record, default_platform: str | None = None) -> dict:
    """A case mapping (not yet validated) from one record."""
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

    order_ids = _as_list(_first(record, "order_ids", "order_id", "orderId", "order_sn"))
    claim_ids = _as_list(_first(record, "claim_ids", "claim_id", "return_id", "receipt_id", "receiptId", "dispute_id"))
    case_ids = _as_list(_first(record, "case_ids", "case_id", "notice_id"))
    asins = _as_list(_first(record, "asins", "asin"))
    received = _first(record, *TIME_KEYS)
    if received is None:
        raise RecordError(f"no time (one of: {', '.join(TIME_KEYS)})")
    main_id = _first(record, "id") or (claim_ids or case_ids or order_ids or [None])[0]
    if main_id is None:
        raise RecordError("no identifier (order_id, claim_id, case_id, notice_id or id)")
    case_id = safe_id(f"{PLATFORM_PREFIX.get(platform, platform.upper()[:3])}-{KIND_TAG.get(kind, 'CASE')}-{main_id}")
    reason = _first(record, "reason", "message", "body", "description", "text")
    title = _first(record, "title", "subject")
    subject = str(title) if title else _subject(kind, order_ids, claim_ids, case_ids, reason)
    text = f"{label}: {reason}" if reason else f"{label} received"
    case: dict = {
        "id": case_id,
        "platform": platform,
        "kind": kind,
        "subject": subject,
        "received_at": received,
        "status": "new",
    }
    deadline = _first(record, "deadline", "respond_by", "due_at")
    if deadline is not None:
        case["deadline"] = deadline
    for key, values in (("order_ids", order_ids), ("claim_ids", claim_ids), ("case_ids", case_ids), ("asins", asins)):
        if values:
            case[key] = values
    case["history"] = [{"who": "platform", "when": received, "text": text}]
    buyer = _first(record, "buyer_message", "customer_message")
    if buyer:
        case["history"].append({"who": "customer", "when": received, "text": str(buyer)})
    return case


def _subject(kind: str, order_ids, claim_ids, case_ids, reason) -> str:
    titles = {
        "cancellation-appeal": "Cancellation appeal",
        "return-dispute": "Return dispute",
        "notice-of-action": "Notice of Action",
        "chargeback": "Chargeback",
        "atoz-review": "A-to-z claim review",
        "policy-notice": "Policy notice",
        "general": "Message",
    }
    ref = (order_ids or claim_ids or case_ids or [""])[0]
    subject = titles.get(kind, kind)
    if ref:
        subject += f" – {ref}"
    if reason:
        subject += f": {str(reason)[:60]}"
    return subject


# --- writing --------------------------------------------------------------------------------------

def import_files(paths: list[Path], store, *, replace: bool = False, default_platform: str | None = None) -> ImportReport:
    from .atomic import atomic_write_text

    report = ImportReport()
    seen: dict[str, str] = {}
    store.cases_dir.mkdir(parents=True, exist_ok=True)
    store.drafts_dir.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            records = list(read_records(path))
        except OSError as exc:
            report.invalid.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        for line, record in records:
            where = f"{path}:{line}"
            if isinstance(record, RecordError):
                report.invalid.append(f"{where}: {record}")
                continue
            try:
                mapping = record_to_case(record, default_platform)
                text = dump_case(mapping)
                # Validate before any path is built from the id (a record may lack one or hold "../x").
                case_from_mapping(mapping, store.packs, text=None)
            except RecordError as exc:
                report.invalid.append(f"{where}: {exc}")
                continue
            except CaseFileError as exc:
                report.invalid.append(f"{where}: {exc.message}")
                continue
            case_id = mapping["id"]
            if case_id in seen:
                report.invalid.append(f"{where}: duplicate case {case_id} (first at {seen[case_id]})")
                continue
            seen[case_id] = where
            target = store.case_path(case_id)
            if target.exists() and not replace:
                report.existing.append(case_id)
                continue
            atomic_write_text(target, text)
            report.imported.append(case_id)
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replydesk import",
        description="Turn exported platform notices (JSON, JSON Lines, CSV) into case files of a queue.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--queue", type=Path, help="queue directory (default: $REPLYDESK_QUEUE, else the per-user queue)")
    parser.add_argument("--platform", help="platform for records that do not name one")
    parser.add_argument("--replace", action="store_true", help="overwrite cases already in the queue")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .location import ENV_VAR, user_queue_dir
    from .store import QueueError, QueueStore

    queue = args.queue or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else user_queue_dir())
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"replydesk import: error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        queue.mkdir(parents=True, exist_ok=True)
        store = QueueStore(queue)
    except (QueueError, OSError) as exc:
        print(f"replydesk import: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    platform = args.platform.strip().lower() if args.platform else None
    if platform and platform not in store.packs:
        print(f"replydesk import: error: unknown platform {platform!r} (known: {', '.join(sorted(store.packs))})", file=sys.stderr)
        return EXIT_ERROR
    report = import_files(args.files, store, replace=args.replace, default_platform=platform)
    for problem in report.invalid:
        print(problem, file=sys.stderr)
    summary = f"imported {len(report.imported)} case(s) into {store.root}"
    if report.existing:
        summary += f"; {len(report.existing)} already in the queue (use --replace to overwrite)"
    if report.invalid:
        summary += f"; skipped {len(report.invalid)} invalid record(s)"
    print(summary)
    return report.exit_code
