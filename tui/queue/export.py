"""`replydesk export`: a case's whole chain (the notice, every message, every reply sent, every
status change and undo) as JSON, CSV or one printable HTML file: the evidence a seller files
with a platform, an accountant or a court.

The chain of one case (`chain(case)`, the JSON element; `export_version` 1):

    {"export_version": 1,
     "id", "platform", "kind", "subject", "status", "outcome", "assignee", "priority",
     "received_at": "2024-05-18T14:30:00+09:00", "received_at_kst": "2024-05-18 14:30:00 KST",
     "deadline": … | null, "deadline_kst": … | null,
     "deadline_computed": true when the deadline is the pack window's, not the file's,
     "order_ids": […], "claim_ids": […], "case_ids": […], "asins": […],
     "required_evidence": […], "attachments": [{"name": "pod.zip", "bytes": 3200000 | null}],
     "first_sent_at": … | null, "first_sent_kst": … | null,
     "ignored": [{"rule", "text" | null, "reason" | null, "by" | null, "when" | null}],   # findings overruled, and why
     "platform_status": the platform's own status (import / receive) | null,
     "platform_ids": {"shop_id": "…", …},
     "source_events": [{"id", "source", "at", "as_of", "payload"}],   # the platform events, as received
     "history": [entry, …]}                # every history entry, in time order

    entry: {"n": its position in the file's history (1 = first),
            "type": "message" | "sent" | "status" | "assigned" | "undo" | another event's name,
            "when": ISO 8601 in KST (or the text as written when it is no time) | null,
            "when_kst": "2024-05-18 14:30:00 KST" | null,
            "who": …, "text": …,
            "sent": "sent_by", "receipt" (the platform's receipt id, or null),
                    "attachments" ([names]), "record" (the status record of the send);
            "status" / "assigned" / "undo": "id", "from", "to";
            "status": "outcome" (a close), "undone_by" (the undo record's id, or null);
            "undo": "undoes" (the id of the record it undid);
            any other key a record has (`outcome_was`, …) as text}

A message keeps its `who` (platform, customer, seller); a reply the desk
sent is a `sent` entry. An undone send's message is no longer in the
history (the desk removed it); its status record stays, with `undone_by`.
Entries are sorted by time; one without a readable time stays after the
entry before it. Values of unexpected types are kept as JSON text.

Hostile text: buyer messages are written by strangers. JSON keeps every
character exactly and escapes every control character (`\\u001b`, `\\u009b`).
CSV shows control characters as pictures (ESC as `␛`; LF and TAB kept) and
prefixes a cell that starts with `=`, `+`, `-`, `@`, TAB or CR with `'`
(OWASP, CSV injection), so a spreadsheet never runs a formula from a
buyer. HTML escapes every piece of text, shows control characters the same
way, runs no script and loads nothing (a Content-Security-Policy forbids
both; the CSS is inline), and isolates each cell's text direction.
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from replydesk.linting.casefile import Case, CaseFileError, case_from_mapping, load_case
from replydesk.linting.context import KST, time_or_none
from replydesk.linting.display import visible_controls

EXPORT_VERSION = 1
EXIT_OK, EXIT_MISSING, EXIT_ERROR = 0, 1, 2
FORMATS = ("json", "csv", "html")
ID_KEYS = ("order_ids", "claim_ids", "case_ids", "asins")
_MIN = datetime.min.replace(tzinfo=KST)


# --- the chain of one case ---------------------------------------------------------------------


def _kst(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    from .deadlines import format_kst

    return format_kst(moment, seconds=True)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(KST).isoformat()


def _text(value) -> str | None:
    """A value as text: strings as they are, anything else as its JSON (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _strings(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [s for s in (_text(v) for v in items) if s is not None]


def _attachment(item) -> dict:
    if isinstance(item, dict):
        size = item.get("bytes", item.get("size"))
        return {"name": _text(item.get("name")), "bytes": size if isinstance(size, int) and not isinstance(size, bool) else None}
    return {"name": _text(item), "bytes": None}


def _names(value) -> list[str]:
    """Attachment names from a list of names or {name, bytes} tables (or one of either)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [a["name"] for a in map(_attachment, items) if a["name"] is not None]


def _entry(n: int, item, undone_by: Mapping) -> tuple[datetime | None, dict]:
    if not isinstance(item, dict):
        return None, {"n": n, "type": "unreadable", "when": None, "when_kst": None, "who": None, "text": _text(item)}
    moment = time_or_none(item.get("when"))
    event = item.get("event")
    if event is None:
        kind = "sent" if item.get("sent_by") else "message"
    else:
        kind = _text(event) or "event"
    out = {
        "n": n,
        "type": kind,
        "when": _iso(moment) if moment is not None else _text(item.get("when")),
        "when_kst": _kst(moment),
        "who": _text(item.get("who")),
        "text": _text(item.get("text")),
    }
    if kind == "sent":
        out["sent_by"] = _text(item.get("sent_by"))
        out["receipt"] = _text(item.get("receipt"))
        out["attachments"] = _names(item.get("attachments"))
        out["record"] = _text(item.get("record"))
    elif event is not None:
        out["id"] = _text(item.get("id"))
        out["from"] = _text(item.get("from"))
        out["to"] = _text(item.get("to"))
        if kind == "status":
            out["outcome"] = _text(item.get("outcome"))
            out["undone_by"] = undone_by.get(item.get("id")) if isinstance(item.get("id"), str) else None
        elif kind == "undo":
            out["undoes"] = _text(item.get("undoes"))
        for key, value in item.items():  # anything else a record says (`outcome_was`, a newer event's keys) is kept
            if key not in out and key not in ("event", "when"):
                out[key] = _text(value)
    return moment, out


def history_chain(history) -> list[dict]:
    """Every entry of a case's `history`, in time order (see the module docstring for an entry's keys)."""
    if not isinstance(history, list):
        return []
    undone_by = {}
    for item in history:
        if isinstance(item, dict) and item.get("event") == "undo" and isinstance(item.get("undoes"), str):
            undone_by.setdefault(item["undoes"], _text(item.get("id")))
    keyed = []
    last = _MIN
    for n, item in enumerate(history, start=1):
        moment, entry = _entry(n, item, undone_by)
        if moment is not None:
            last = moment
        keyed.append(((moment if moment is not None else last), n, entry))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [entry for _moment, _n, entry in keyed]


def chain(case: Case | Mapping, *, packs: Mapping | None = None) -> dict:
    """The whole chain of one case: the notice's fields and every history entry in time order.

    `case` is a desk `Case`, or a case mapping (validated as the desk does;
    CaseFileError if it is not a case; `packs` default to the shipped ones).
    """
    if not isinstance(case, Case):
        if packs is None:
            from replydesk.linting.loading import load_packs

            packs = load_packs()
        case = case_from_mapping(case, packs, thorough=False)
    raw = case.raw
    from .stats import first_send

    history = history_chain(raw.get("history"))
    first = first_send(raw.get("history"))[0]  # the same first send as `replydesk stats` counts
    out = {
        "export_version": EXPORT_VERSION,
        "id": case.id,
        "platform": case.platform,
        "kind": case.kind,
        "subject": case.subject,
        "status": case.status,
        "outcome": getattr(case, "outcome", None),
        "assignee": case.assignee,
        "priority": case.priority,
        "received_at": _iso(case.received_at),
        "received_at_kst": _kst(case.received_at),
        "deadline": _iso(case.deadline),
        "deadline_kst": _kst(case.deadline),
        "deadline_computed": bool(case.deadline_computed),
    }
    for key in ID_KEYS:
        out[key] = _strings(raw.get(key))
    out["required_evidence"] = _strings(raw.get("required_evidence"))
    attachments = raw.get("attachments")
    out["attachments"] = [_attachment(a) for a in attachments] if isinstance(attachments, list) else []
    out["first_sent_at"] = _iso(first)
    out["first_sent_kst"] = _kst(first)
    out["ignored"] = ignored_entries(raw.get("ignore"))
    status = raw.get("platform_status")
    out["platform_status"] = status if isinstance(status, str) else None
    ids = raw.get("platform_ids")
    out["platform_ids"] = {str(k): _text(v) for k, v in ids.items()} if isinstance(ids, dict) else {}
    events = raw.get("source_events")
    out["source_events"] = [
        {"id": _text(e.get("id")), "source": _text(e.get("source")), "at": _text(e.get("at")),
         "as_of": _text(e.get("as_of")) if e.get("as_of") is not None else None, "payload": e.get("payload")}
        for e in (events if isinstance(events, list) else []) if isinstance(e, dict)
    ]
    out["history"] = history
    return out


def ignored_entries(value) -> list[dict]:
    """The case's `ignore`, each entry as a table (a bare rule code is `{"rule": code}`)."""
    items = [value] if isinstance(value, (str, dict)) else value if isinstance(value, list) else []
    out = []
    for item in items:
        if isinstance(item, str):
            out.append({"rule": item.strip().upper(), "text": None, "reason": None, "by": None, "when": None})
        elif isinstance(item, dict):
            entry = {key: (_text(item.get(key)) if item.get(key) is not None else None)
                     for key in ("rule", "text", "reason", "by", "when")}
            entry["rule"] = entry["rule"].strip().upper() if entry["rule"] else "(no rule)"
            out.append(entry)
        else:  # written by hand and not an entry: kept visible in the audit trail, not dropped
            out.append({"rule": f"(not an entry: {_text(item)})", "text": None, "reason": None, "by": None, "when": None})
    return out


# --- formats -----------------------------------------------------------------------------------


def to_json(chains: Iterable[dict]) -> str:
    """A JSON array of chains: every character kept, every control character escaped."""
    from replydesk.linting.reporters import dumps

    return dumps(list(chains), indent=2) + "\n"


CSV_COLUMNS = (
    "case_id", "platform", "kind", "subject", "case_status", "case_outcome", "assignee",
    "received_at", "deadline", "n", "when", "type", "who", "text",
    "sent_by", "receipt", "attachments", "from", "to", "outcome", "record_id", "undoes", "undone_by",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One cell: controls shown as pictures (LF and TAB kept), a formula start defused with `'`."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _text(value) if not isinstance(value, (int, float)) else str(value)
    text = visible_controls(text, keep_newlines=True)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def to_csv(chains: Iterable[dict]) -> str:
    """One row per history entry (a case without history: one row), with the case's columns on each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in chains:
        case_cells = [
            c["id"], c["platform"], c["kind"], c["subject"], c["status"], c["outcome"], c["assignee"],
            c["received_at_kst"], c["deadline_kst"],
        ]
        entries = c["history"] or [None]
        for e in entries:
            if e is None:
                cells = case_cells + [None] * (len(CSV_COLUMNS) - len(case_cells))
            else:
                cells = case_cells + [
                    e["n"], e["when_kst"] or e["when"], e["type"], e["who"], e["text"],
                    e.get("sent_by"), e.get("receipt"), "; ".join(e.get("attachments") or []) or None,
                    e.get("from"), e.get("to"), e.get("outcome"),
                    e.get("id") if e["type"] != "sent" else e.get("record"), e.get("undoes"), e.get("undone_by"),
                ]
            writer.writerow([csv_cell(v) for v in cells])
    return buffer.getvalue()


def _h(value) -> str:
    """Text for HTML: controls shown as pictures (LF and TAB kept; the CSS keeps line breaks), escaped."""
    if value is None:
        return ""
    return html.escape(visible_controls(value if isinstance(value, str) else str(value), keep_newlines=True), quote=True)


_CSS = """
:root { color-scheme: light; }
body { font: 10.5pt/1.4 system-ui, "Segoe UI", "Apple SD Gothic Neo", "Noto Sans CJK KR", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 16pt; margin: 0 0 .2em; }
h2 { font-size: 13pt; margin: 0 0 .4em; border-bottom: 2px solid #333; padding-bottom: .2em; }
h3 { font-size: 11pt; margin: 1em 0 .3em; }
.meta { color: #444; margin: 0 0 1.5em; }
section.case { margin: 0 0 3em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25em .45em; text-align: left; vertical-align: top; unicode-bidi: isolate; }
th { background: #eee; }
table.notice th { width: 12em; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
td.when { white-space: nowrap; }
tr.sent td { background: #eef6ee; }
tr.status td, tr.assigned td, tr.undo td { background: #f6f6fb; }
tr.undone td { text-decoration: line-through; color: #555; }
.none { color: #777; }
@media print {
  body { margin: 0; }
  section.case + section.case { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  tr.sent td, tr.status td, tr.assigned td, tr.undo td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_TYPE_LABEL = {"message": "message", "sent": "reply sent", "status": "status", "assigned": "assigned", "undo": "undo",
               "ignored": "finding ignored"}


def _details(e: dict) -> str:
    parts = []
    if e["type"] == "sent":
        parts.append(f"sent by {_h(e.get('sent_by'))}")
        parts.append(f"receipt {_h(e['receipt'])}" if e.get("receipt") else '<span class="none">no receipt</span>')
        if e.get("attachments"):
            parts.append("attachments: " + ", ".join(_h(a) for a in e["attachments"]))
    elif e["type"] in ("status", "assigned", "undo"):
        parts.append(f"{_h(e.get('from') or '(none)')} → {_h(e.get('to') or '(none)')}")
        if e.get("outcome"):
            parts.append(f"outcome {_h(e['outcome'])}")
        if e.get("outcome_was"):
            parts.append(f"outcome was {_h(e['outcome_was'])}")
        if e.get("undone_by"):
            parts.append(f"undone by {_h(e['undone_by'])}")
        if e.get("undoes"):
            parts.append(f"undoes {_h(e['undoes'])}")
        if e.get("id"):
            parts.append(f"record {_h(e['id'])}")
    return "<br>".join(parts)


def _case_html(c: dict) -> str:
    rows = [
        ("Platform", c["platform"]), ("Kind", c["kind"]), ("Status", c["status"]), ("Outcome", c["outcome"]),
        ("Assignee", c["assignee"]), ("Received", c["received_at_kst"]),
        ("Deadline", (c["deadline_kst"] or "") + (" (the pack's window)" if c["deadline_computed"] else "") if c["deadline_kst"] else None),
        ("First reply sent", c["first_sent_kst"]),
        ("Order IDs", ", ".join(c["order_ids"])), ("Claim IDs", ", ".join(c["claim_ids"])),
        ("Case IDs", ", ".join(c["case_ids"])), ("ASINs", ", ".join(c["asins"])),
        ("Platform status", c.get("platform_status")),
        ("Platform IDs", ", ".join(f"{k} {v}" for k, v in (c.get("platform_ids") or {}).items())),
        ("Platform events", ", ".join(
            f"{e['id']} ({e['source']}, received {e['at']})" for e in c.get("source_events") or []
        ) + (" — their payloads are in the JSON export" if c.get("source_events") else "")),
        ("Findings ignored", "; ".join(
            f"{i['rule']}" + (f" in “{i['text']}”" if i["text"] else "") + (f" by {i['by']}" if i["by"] else "")
            + (f": {i['reason']}" if i["reason"] else "") for i in c.get("ignored") or [])),
        ("Required evidence", ", ".join(c["required_evidence"])),
        ("Attachments", ", ".join(
            (a["name"] or "?") + (f" ({a['bytes']:,} bytes)" if a["bytes"] is not None else "") for a in c["attachments"]
        )),
    ]
    dash = '<span class="none">—</span>'
    notice = "".join(f"<tr><th>{label}</th><td>{_h(value) if value else dash}</td></tr>" for label, value in rows)
    body = []
    for e in c["history"]:
        classes = [re.sub(r"[^a-z-]", "", str(e["type"]))] + (["undone"] if e.get("undone_by") else [])
        body.append(
            f'<tr class="{" ".join(classes)}"><td>{e["n"]}</td>'
            f'<td class="when">{_h(e["when_kst"] or e["when"] or "—")}</td>'
            f"<td>{_h(_TYPE_LABEL.get(e['type'], e['type']))}</td><td>{_h(e['who'])}</td>"
            f'<td class="text">{_h(e["text"])}</td><td>{_details(e)}</td></tr>'
        )
    chain_table = (
        '<table class="chain"><thead><tr><th>#</th><th>When (KST)</th><th>What</th><th>Who</th><th>Text</th>'
        f"<th>Details</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        if body else '<p class="none">No history.</p>'
    )
    return (
        f'<section class="case" id="case-{_h(c["id"])}">\n<h2>{_h(c["id"])} — {_h(c["subject"])}</h2>\n'
        f'<table class="notice">{notice}</table>\n<h3>The chain</h3>\n{chain_table}\n</section>\n'
    )


def to_html(chains: Iterable[dict], *, title: str = "replydesk export", generated: datetime | None = None) -> str:
    """One self-contained printable page: inline CSS, a page per case when printed, no script, nothing loaded."""
    chains = list(chains)
    when = _kst(generated or datetime.now(KST))
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'\">\n",
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<header><h1>{_h(title)}</h1><p class=\"meta\">{len(chains)} case(s), exported {_h(when)}. Times in KST.</p></header>\n",
    ]
    parts.extend(_case_html(c) for c in chains)
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def render(chains: list[dict], fmt: str, *, title: str = "replydesk export") -> str:
    if fmt == "json":
        return to_json(chains)
    if fmt == "csv":
        return to_csv(chains)
    if fmt == "html":
        return to_html(chains, title=title)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


# --- the command -------------------------------------------------------------------------------


def _since(text: str) -> datetime:
    from .stats import parse_since

    try:
        return parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or an ISO 8601 date-time: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replydesk export",
        description="Export cases' whole chains (the notice, every message, each reply sent with its receipt and "
        "attachments, every status change and undo, times in KST) as JSON, CSV or one printable HTML file.",
        epilog="An unknown case id, or a case file that cannot be read, is named on stderr and the other cases "
        "are still exported; the exit status is then 1. Exit status: 0 every case exported, 1 some left out, "
        "2 a usage error, a queue that cannot be opened or an output that cannot be written (nothing written). "
        "JSON: an array of cases, each with its history (the structure is described in "
        "replydesk/tui/queue/export.py). CSV: one row per history entry; cells that start with = + - @ get a "
        "leading '. HTML: self-contained, no scripts, one page per case when printed.",
    )
    parser.add_argument("ids", nargs="*", metavar="CASE_ID", help="the cases to export")
    parser.add_argument("--all", action="store_true", help="every case of the queue")
    parser.add_argument("--since", type=_since, metavar="DATE", help="only cases received since: YYYY-MM-DD (KST) or an ISO date-time")
    parser.add_argument("--queue", type=Path, metavar="DIR", help="the queue directory (default: $REPLYDESK_QUEUE, else the per-user queue)")
    parser.add_argument("--format", choices=FORMATS, default="json", help="json (default), csv or html")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here (atomically: all or nothing) instead of standard output")
    parser.add_argument("--title", help="the HTML page's title (default: 'replydesk export' and the case ids)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.all and args.ids:
        parser.error("give case ids or --all, not both")
    if not args.all and not args.ids:
        parser.error("give the case ids to export, or --all")
    from .cases import checked_id
    from .location import named_queue
    from .store import QueueError, QueueStore

    say = lambda text: sys.stderr.write(f"replydesk export: {visible_controls(text)}\n")  # noqa: E731
    root = named_queue(args.queue)
    try:
        store = QueueStore(root)
    except (QueueError, OSError) as exc:
        say(f"error: {exc}")
        return EXIT_ERROR

    cases: list[Case] = []
    missing = 0
    if args.all:
        report = store.load()
        for error in report.errors:
            say(f"warning: {error} (not exported)")
        missing += len(report.errors)
        cases = sorted(report.cases, key=lambda c: c.id)
    else:
        seen = set()
        for case_id in args.ids:
            if case_id in seen:
                continue
            seen.add(case_id)
            try:
                path = store.case_path(checked_id(case_id))
            except CaseFileError as exc:
                say(f"error: {exc}")
                missing += 1
                continue
            if not os.path.lexists(path):
                say(f"error: no case {case_id!r} in {store.root} (no {path.relative_to(store.root)})")
                missing += 1
                continue
            try:
                cases.append(load_case(path, store.packs, thorough=False))
            except CaseFileError as exc:
                say(f"warning: {exc} (not exported)")
                missing += 1
    if args.since is not None:
        cases = [c for c in cases if c.received_at >= args.since]
    chains = [chain(c) for c in cases]
    if args.title:
        title = args.title
    elif args.all:
        title = f"replydesk export: {store.root.name}"
    else:
        title = "replydesk export: " + ", ".join(c["id"] for c in chains[:5]) + (" …" if len(chains) > 5 else "")
    text = render(chains, args.format, title=title)
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from .atomic import atomic_write_text

        target = args.output.expanduser()
        if not target.parent.is_dir():  # the atomic writer would create it; a typo should not
            say(f"error: cannot write {args.output}: no such directory {target.parent}")
            return EXIT_ERROR
        try:
            atomic_write_text(target, text, parents=False)
        except OSError as exc:
            say(f"error: cannot write {args.output}: {exc.strerror or exc}")
            return EXIT_ERROR
        say(f"exported {len(chains)} case(s) to {args.output}")
    return EXIT_MISSING if missing else EXIT_OK
