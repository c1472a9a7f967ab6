"""`replydesk stats` (queue/stats.py): each figure counted from hand-written case files whose answers are known.

The queue below is shared with test_export.py. Now is Tuesday 2026-12-01 12:00 KST (ISO week 2026-W49).

| case        | received     | deadline           | answer (first send)            | figures                       |
|-------------|--------------|--------------------|--------------------------------|-------------------------------|
| CP-ONTIME   | 11-30 10:00  | (pack) 12-02 10:00 | alice 11-30 15:00 (5 h)        | on time                       |
| CP-LATE     | 11-20 09:00  | 11-21 09:00        | bob 11-22 09:00 (48 h); closed | late; outcome reversed        |
| AMZ-OVERDUE | 11-25 09:00  | 11-28 09:00        | none; assignee carol           | overdue                       |
| AMZ-UNDONE  | 11-30 09:00  | 11-30 18:00        | dave's send undone             | overdue; operator (nobody)    |
| CP-REVIEW   | 11-23 09:00  | 11-30 09:00        | alice 11-24 09:00 (24 h)       | on time; under review         |
| CP-FUTURE   | 12-01 11:00  | (pack) 12-03 11:00 | none                           | not due                       |
| CP-OLD      | 10-01 09:00  | none (general)     | status sent, no record         | on time (no deadline)         |
| CP-UNTIMED  | 11-10 09:00  | 11-13 09:00        | status sent, no record         | untimed                       |
"""
from __future__ import annotations

import functools
import json
import os
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replydesk.linting.context import KST
from replydesk.tui.entry import main
from replydesk.tui.queue import stats
from replydesk.tui.queue.store import QueueStore

NOW = "2026-12-01T12:00:00+09:00"
NOW_DT = datetime(2026, 12, 1, 12, 0, tzinfo=KST)
HOSTILE = "<script>alert(1)</script> \x1b]52;c;aGk=\x07 bye\x9b2J"


def _platform(when: str, text: str, who: str = "platform") -> dict:
    return {"who": who, "when": when, "text": text}


def _sent(when: str, by: str, record: str, text: str = "Order 22000009480112 was delivered.", **extra) -> dict:
    return {"who": "seller", "when": when, "text": text, "sent_by": by, "record": record, **extra}


def _status(ident: str, when: str, who: str, before: str, after: str, **extra) -> dict:
    return {"event": "status", "id": ident, "who": who, "when": when, "from": before, "to": after,
            "text": f"{who} marked the case {after} (was {before})", **extra}


CASES = [
    {
        "id": "CP-ONTIME", "platform": "coupang", "kind": "return-dispute",
        "subject": "Return dispute 22000009480112", "received_at": "2026-11-30T10:00:00+09:00",
        "status": "sent", "assignee": "alice", "order_ids": ["22000009480112"], "claim_ids": ["12346897"],
        "attachments": [{"name": "pod.pdf", "bytes": 120000}, "photo.jpg"],
        "required_evidence": ["proof-of-delivery"],
        "history": [
            # Written out of order on purpose: the export sorts by time.
            _platform("2026-11-30T10:00:00+09:00", "Provide proof of delivery within 48 hours."),
            _platform("2026-11-30T09:30:00+09:00", "=HYPERLINK(\"http://evil.example\",\"refund\")", who="customer"),
            _sent("2026-11-30T15:00:00+09:00", "alice", "r1", receipt="RCPT-0001", attachments=["pod.pdf"]),
            _status("r1", "2026-11-30T15:00:00+09:00", "alice", "ready", "sent"),
        ],
    },
    {
        "id": "CP-LATE", "platform": "coupang", "kind": "chargeback", "subject": "Chargeback",
        "received_at": "2026-11-20T09:00:00+09:00", "deadline": "2026-11-21T09:00:00+09:00",
        "status": "closed", "outcome": "reversed",
        "history": [
            _platform("2026-11-20T09:00:00+09:00", "Chargeback opened."),
            _sent("2026-11-22T09:00:00+09:00", "bob", "r2"),
            _status("r2", "2026-11-22T09:00:00+09:00", "bob", "drafting", "sent"),
            _status("r3", "2026-11-23T09:00:00+09:00", "bob", "sent", "under-review"),
            _status("r4", "2026-11-26T09:00:00+09:00", "bob", "under-review", "closed", outcome="reversed"),
        ],
    },
    {
        "id": "AMZ-OVERDUE", "platform": "amazon", "kind": "notice-of-action", "subject": "Notice of Action",
        "received_at": "2026-11-25T09:00:00+09:00", "deadline": "2026-11-28T09:00:00+09:00",
        "status": "drafting", "assignee": "carol",
        "history": [_platform("2026-11-25T09:00:00+09:00", "Your listing was removed.")],
    },
    {
        "id": "AMZ-UNDONE", "platform": "amazon", "kind": "general", "subject": "Buyer message " + HOSTILE,
        "received_at": "2026-11-30T09:00:00+09:00", "deadline": "2026-11-30T18:00:00+09:00",
        "status": "ready",
        "history": [
            _platform("2026-11-30T09:00:00+09:00", "Buyer says: " + HOSTILE + "\nsecond line", who="customer"),
            _status("r5", "2026-11-30T12:00:00+09:00", "dave", "ready", "sent"),
            {"event": "undo", "id": "u1", "who": "dave", "when": "2026-11-30T12:05:00+09:00", "undoes": "r5",
             "from": "sent", "to": "ready", "text": "dave undid “dave marked the case sent (was ready)” (back to ready)"},
        ],
    },
    {
        "id": "CP-REVIEW", "platform": "coupang", "kind": "policy-notice", "subject": "Policy notice",
        "received_at": "2026-11-23T09:00:00+09:00", "deadline": "2026-11-30T09:00:00+09:00",
        "status": "under-review", "assignee": "bob",  # alice sent it: the operator is who sent first
        "history": [
            _platform("2026-11-23T09:00:00+09:00", "Answer this policy notice."),
            _sent("2026-11-24T09:00:00+09:00", "alice", "r6"),
            _status("r6", "2026-11-24T09:00:00+09:00", "alice", "ready", "sent"),
            _status("r7", "2026-11-25T09:00:00+09:00", "alice", "sent", "under-review"),
        ],
    },
    {
        "id": "CP-FUTURE", "platform": "coupang", "kind": "return-dispute", "subject": "Return dispute",
        "received_at": "2026-12-01T11:00:00+09:00", "status": "new",
        "history": [_platform("2026-12-01T11:00:00+09:00", "Return disputed.")],
    },
    {
        "id": "CP-OLD", "platform": "coupang", "kind": "general", "subject": "Old question",
        "received_at": "2026-10-01T09:00:00+09:00", "status": "sent", "history": [],
    },
    {
        "id": "CP-UNTIMED", "platform": "coupang", "kind": "notice-of-action", "subject": "Imported as sent",
        "received_at": "2026-11-10T09:00:00+09:00", "deadline": "2026-11-13T09:00:00+09:00", "status": "sent",
    },
]
BROKEN = '{\n  "id": "BROKEN",\n  "platform": coupang\n}\n'  # invalid JSON on line 3


def write_queue(root: Path, *, broken: bool = True) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "drafts").mkdir()
    for data in CASES:
        (root / "cases" / f"{data['id']}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    if broken:
        (root / "cases" / "BROKEN.json").write_text(BROKEN, encoding="utf-8")
    return root


@pytest.fixture
def queue(tmp_path) -> Path:
    return write_queue(tmp_path / "queue")


def figures_of(queue: Path, **kw) -> stats.Stats:
    store = QueueStore(queue, index_path=False)
    return stats.compute(stats.load_rows(store).rows, NOW_DT, **kw)


def test_every_figure_overall(queue):
    f = figures_of(queue).overall
    assert (f.cases, f.answered, f.due, f.on_time, f.late, f.untimed, f.overdue) == (8, 5, 7, 3, 1, 1, 2)
    assert (f.under_review, f.closed) == (1, 1)
    assert f.outcomes == {"reversed": 1}
    assert f.response_rate == pytest.approx(3 / 7) and f.on_time_rate == pytest.approx(3 / 5)
    assert f.median_answer_seconds == 24 * 3600  # of 5 h, 24 h and 48 h


def test_an_undone_send_is_no_answer_and_its_sender_not_the_operator(queue):
    by_operator = figures_of(queue, by="operator").groups
    assert list(by_operator) == ["alice", "bob", "carol", "(nobody)"]
    nobody = by_operator["(nobody)"]
    assert (nobody.cases, nobody.overdue, nobody.answered) == (4, 1, 2)  # AMZ-UNDONE overdue; CP-OLD, CP-UNTIMED answered
    assert "dave" not in by_operator
    alice = by_operator["alice"]
    assert (alice.cases, alice.on_time, alice.under_review, alice.median_answer_seconds) == (2, 2, 1, (5 * 3600 + 24 * 3600) / 2)
    assert (by_operator["bob"].late, by_operator["carol"].overdue) == (1, 1)


def test_groups_by_platform_kind_and_week(queue):
    by_platform = figures_of(queue, by="platform").groups
    assert {k: (v.cases, v.overdue, v.on_time) for k, v in by_platform.items()} == {"amazon": (2, 2, 0), "coupang": (6, 0, 3)}
    by_kind = figures_of(queue, by="kind").groups
    assert {k: v.cases for k, v in by_kind.items()} == {
        "chargeback": 1, "general": 2, "notice-of-action": 2, "policy-notice": 1, "return-dispute": 2,
    }
    by_week = figures_of(queue, by="week").groups
    assert {k: v.cases for k, v in by_week.items()} == {"2026-W40": 1, "2026-W46": 1, "2026-W47": 1, "2026-W48": 2, "2026-W49": 3}
    assert list(by_week) == sorted(by_week)


def test_a_deadline_missing_from_the_file_is_the_pack_window(queue):
    rows = {r.id: r for r in stats.load_rows(QueueStore(queue, index_path=False)).rows}
    assert rows["CP-ONTIME"].deadline == datetime(2026, 12, 2, 10, 0, tzinfo=KST)  # coupang return-dispute: 48 h
    assert rows["CP-OLD"].deadline is None  # the general kind has no window
    assert rows["CP-ONTIME"].first_sent == datetime(2026, 11, 30, 15, 0, tzinfo=KST)


def test_since_filters_by_received_at(queue):
    f = figures_of(queue, since=stats.parse_since("2026-11-20")).overall
    assert f.cases == 6 and f.untimed == 0  # CP-OLD (10-01) and CP-UNTIMED (11-10) left out
    assert stats.parse_since("2026-11-20") == datetime(2026, 11, 20, 0, 0, tzinfo=KST)
    assert stats.parse_since("2026-11-20T09:00:00") == datetime(2026, 11, 20, 9, 0, tzinfo=KST)
    with pytest.raises(ValueError):
        stats.parse_since("last week")


def test_the_cached_rows_give_the_desks_figures_and_follow_edits(queue, monkeypatch):
    store = QueueStore(queue, index_path=False)
    desk = stats.compute(store.load().cases, NOW_DT, by="operator")
    first = stats.load_rows(store)
    assert first.from_cache == 0 and len(first.errors) == 1
    again = stats.load_rows(store)
    assert again.from_cache == 8
    assert stats.compute(again.rows, NOW_DT, by="operator").to_dict() == desk.to_dict()
    assert stats.compute(CASES, NOW_DT, by="operator").to_dict() == desk.to_dict()  # plain mappings too
    # Another desk closes the overdue case: the changed file is read again, the others come from the cache.
    path = queue / "cases" / "AMZ-OVERDUE.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(status="closed", outcome="denied")
    path.write_text(json.dumps(data, indent=2) + "\n\n", encoding="utf-8")
    third = stats.load_rows(store)
    assert third.from_cache == 7
    assert stats.compute(third.rows, NOW_DT).overall.outcomes == {"reversed": 1, "denied": 1}


def test_a_garbled_cache_is_ignored(queue):
    store = QueueStore(queue, index_path=False)
    stats.load_rows(store)
    from replydesk.tui.queue.index import user_queue_file

    cache = user_queue_file(store.root, "stats")
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["rows"].values():
        entry[2][5] = 42  # a status that is no string
    cache.write_text(json.dumps(data), encoding="utf-8")
    loaded = stats.load_rows(store)
    assert loaded.from_cache == 0 and len(loaded.rows) == 8


def test_weekly_series_for_a_desk_screen(queue):
    series = stats.weekly(stats.load_rows(QueueStore(queue, index_path=False)).rows, NOW_DT, weeks=4)
    assert [p.week for p in series] == ["2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert [(p.due, p.on_time) for p in series] == [(1, 0), (1, 0), (2, 1), (2, 1)]
    assert [p.response_rate for p in series] == [0.0, 0.0, 0.5, 0.5]
    assert series[0].start.isoformat() == "2026-11-09"


def test_text_output_fits_80_columns_and_warns_of_the_broken_file(queue, capsys):
    assert main(["stats", str(queue), "--now", NOW, "--by", "kind"]) == 0
    out, err = capsys.readouterr()
    assert f"{queue / 'cases' / 'BROKEN.json'}:3: invalid JSON" in err and "Traceback" not in err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines[1:])  # the first line names the queue's path
    header = next(line for line in lines if line.startswith("kind"))
    assert header.split() == ["kind", "cases", "due", "answd", "ontime", "late", "ovrdue", "resp", "ontm%", "median", "review"]
    all_row = next(line for line in lines if line.startswith("(all)"))
    assert all_row.split() == ["(all)", "8", "7", "5", "3", "1", "2", "43%", "60%", "1d00h", "1"]
    assert "notice-of-action" in out and "1 answered case(s) past their deadline" in out
    closed = next(line for line in lines if line.startswith("closed"))
    assert closed.split() == ["closed", "reversed", "partial", "denied", "accepted", "(none)"]


def test_json_output_has_the_same_figures(queue, capsys):
    assert main(["stats", str(queue), "--now", NOW, "--by", "platform", "--format", "json", "--since", "2026-11-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["now"] == NOW and data["since"] == "2026-11-01T00:00:00+09:00" and data["by"] == "platform"
    assert data["overall"]["cases"] == 7 and data["overall"]["response_rate"] == round(2 / 6, 4)
    assert data["overall"]["outcomes"] == {"reversed": 1, "partial": 0, "denied": 0, "accepted": 0, "(none)": 0}
    assert [g["group"] for g in data["groups"]] == ["amazon", "coupang"]
    assert data["groups"][0]["overdue"] == 2 and data["skipped"] == 1


def test_a_hostile_operator_name_is_shown_visibly(tmp_path, capsys):
    queue = tmp_path / "q"
    (queue / "cases").mkdir(parents=True)
    data = dict(CASES[0], history=[_sent("2026-11-30T15:00:00+09:00", "ev\x1b]52;c;aGk=\x07il", "r1")])
    (queue / "cases" / "CP-ONTIME.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["stats", str(queue), "--now", NOW, "--by", "operator"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "ev␛]52" in out


def test_usage_errors_exit_2(queue, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["stats", str(queue), "--by", "colour"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["stats", str(queue), "--since", "yesterday"])
    assert exc.value.code == 2 and "not a date" in capsys.readouterr().err
    assert main(["stats", str(tmp_path / "nowhere")]) == 2
    assert "no such queue directory" in capsys.readouterr().err


def test_the_stats_benchmark_runs_and_checks_its_figures(capsys):
    """`make bench` is not part of `make test`: run the stats benchmark small, so that it cannot rot unseen."""
    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    try:
        from benchmarks import stats_bench
    finally:
        sys.path.remove(str(repo))
    assert stats_bench.main(["--cases", "40", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "fresh process, warm (stats cache)" in out and "fresh process, first run (no cache)" in out
    for check in ("first run's rows == QueueStore.load()'s", "first run's figures ==", "figures from the cache ==", "the command prints the same"):
        line = next(line for line in out.splitlines() if line.startswith(check))
        assert line.split()[-1] == "yes", line
    assert "40 cases" in out


def test_stats_and_export_load_neither_textual_nor_nlp(queue):
    import subprocess

    code = (
        "import sys, io, contextlib\nfrom replydesk.tui.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main(['stats', {str(queue)!r}, '--by', 'week'])\n"
        f"    main(['export', '--all', '--queue', {str(queue)!r}, '--format', 'html'])\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    modules = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert "replydesk.tui.queue.stats" in modules and "replydesk.tui.queue.export" in modules  # the check itself works
    assert not {"textual", "spacy", "langdetect", "thinc"} & modules


# --- a first run: the plain reader gives exactly what the desk's validation gives ---------------
#
# `load_rows` reads a file not in the cache itself where it is plainly valid (`_plain_entry`,
# `_Windows.row`) and hands anything else to the desk's `load_case`. Whatever it takes, the rows
# and the errors must be the ones `QueueStore.load()` gives.


def desk_view(queue: Path) -> tuple[dict, list[str]]:
    """Rows by id and error texts, as the desk reads the queue (every file through case_from_mapping)."""
    report = QueueStore(queue, index_path=False).load()
    return {c.id: stats.row_of(c) for c in report.cases}, sorted(str(e) for e in report.errors)


def stats_view(queue: Path, **kw) -> tuple[dict, list[str]]:
    loaded = stats.load_rows(QueueStore(queue, index_path=False), **kw)
    return {r.id: r for r in loaded.rows}, sorted(str(e) for e in loaded.errors)


def test_a_first_run_reads_plain_files_itself_and_gives_the_desks_rows(queue, monkeypatch):
    through_the_desk = []
    real = stats.load_case
    monkeypatch.setattr(stats, "load_case", lambda path, *a, **kw: through_the_desk.append(path.name) or real(path, *a, **kw))
    cold = stats_view(queue)
    assert through_the_desk == ["BROKEN.json"], "every well-formed file is read plainly"
    assert cold == desk_view(queue)
    assert stats_view(queue) == cold  # and the cache gives the same rows back


ODD_FILES = {  # case id -> what differs from a valid case; each either read plainly or left to the desk's reader
    "NO-STATUS": {},  # no status key at all: `new`
    "SPACED": {"platform": " Coupang ", "kind": "Return-Dispute ", "assignee": "  bob  "},
    "NO-OFFSET": {"received_at": "2026-11-30T10:00:00", "deadline": "2026-12-01T10:00:00"},
    "ZULU": {"received_at": "2026-11-30T01:00:00Z"},
    "PADDED-TIME": {"received_at": " 2026-11-30T10:00:00+09:00 "},
    "FRACTION": {"received_at": "2026-11-27T23:59:59.123456-05:00"},
    "NULLS": {"deadline": None, "priority": None, "outcome": None, "assignee": None},
    "CLOSED-BARE": {"status": "closed"},
    "EXTRA-KEYS": {"notes": {"any": ["thing"]}, "lock": 5, "x-custom": True},
    "ODD-HISTORY": {"status": "sent", "history": ["text", 5, {"sent_by": "  "}, {"event": "status", "to": "sent", "when": "soon", "who": "ann"}]},
    "BAD-WHEN": {"status": "sent", "history": [{"who": "seller", "when": "never", "text": "x", "sent_by": "ann"}]},
    "EMPTY-ASSIGNEE": {"assignee": ""},
    "TAB-ASSIGNEE": {"assignee": "a\tb"},
    "NUMBER-ASSIGNEE": {"assignee": 5},
    "LONG-ASSIGNEE": {"assignee": "x" * 65},
    "BAD-PRIORITY": {"priority": "urgent"},
    "BAD-OUTCOME": {"status": "closed", "outcome": "won"},
    "BAD-STATUS": {"status": "done"},
    "BAD-TIME": {"received_at": "yesterday"},
    "NUMBER-TIME": {"received_at": 20261130},
    "BAD-DEADLINE": {"deadline": "soon"},
    "BLANK-SUBJECT": {"subject": "   "},
    "UNKNOWN-PLATFORM": {"platform": "etsy"},
    "UNKNOWN-KIND": {"kind": "refund"},
    "BLANK-PLATFORM": {"platform": "  "},
    "WRONG-ID": {"id": "SOMETHING-ELSE"},
    "END-OF-TIME": {"received_at": "9999-12-31T12:00:00+09:00"},  # its window ends past 9999: the desk says so
}


def _odd_queue(root: Path) -> Path:
    write_queue(root)
    cases = root / "cases"
    base = {"platform": "coupang", "kind": "return-dispute", "subject": "Odd", "received_at": "2026-11-30T10:00:00+09:00"}
    for name, change in ODD_FILES.items():
        data = {"id": name, **base, **change}
        (cases / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bom = {"id": "BOM", **base}
    (cases / "BOM.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(bom).encode())
    (cases / "LATIN1.json").write_bytes(json.dumps({"id": "LATIN1", **base, "subject": "caf\u00e9"}, ensure_ascii=False).encode("latin-1"))
    (cases / "ARRAY.json").write_text("[1, 2]", encoding="utf-8")
    (cases / "EMPTY.json").write_text("", encoding="utf-8")
    (cases / "DIR.json").mkdir()
    os.symlink(cases / "CP-OLD.json", cases / "LINK.json")
    os.mkfifo(cases / "PIPE.json")
    return root


def test_odd_and_broken_files_read_as_the_desk_reads_them(tmp_path):
    queue = _odd_queue(tmp_path / "queue")
    rows, errors = desk_view(queue)
    assert {"NO-STATUS", "SPACED", "NO-OFFSET", "ZULU", "BOM", "ODD-HISTORY", "BAD-WHEN"} <= set(rows)
    assert rows["SPACED"].platform == "coupang" and rows["SPACED"].assignee == "bob"
    assert rows["NO-STATUS"].status == "new" and rows["BAD-WHEN"].sent_recorded and rows["BAD-WHEN"].first_sent is None
    assert len(errors) >= 20  # the broken ones, each in the desk's words
    assert stats_view(queue) == (rows, errors)  # first run
    assert stats_view(queue) == (rows, errors)  # from the cache


def test_the_plain_reader_leaves_nulls_to_the_desk():
    """A required key set to null is not plainly valid: the desk's reader decides (today it raises)."""
    base = {"id": "X", "platform": "coupang", "kind": "general", "subject": "s", "received_at": "2026-11-30T10:00:00+09:00"}
    assert stats._plain_entry(base, "X") is not None
    for name in ("id", "subject", "received_at", "status", "platform", "kind"):
        assert stats._plain_entry({**base, name: None}, "X") is None, name


def test_the_plain_reader_knows_every_case_key():
    from replydesk.linting.casefile import QueueFields
    from replydesk.linting.schema import allowed_keys

    assert stats.plain_reader_matches_schema()
    assert allowed_keys(QueueFields) == stats._PLAIN_KEYS, "a new case key: check it in _plain_entry too"


def test_forked_reading_gives_the_same_rows(queue, monkeypatch):
    monkeypatch.setattr(stats, "FORK_WORTH_IT", 2)  # the 9 files are worth a helper process here
    assert stats_view(queue, jobs=2, cache=False) == desk_view(queue)


def test_the_commands_first_run_reads_before_opening_the_store(queue, monkeypatch, capsys, tmp_path):
    """No stats cache yet: a helper starts on the files while this process opens the store; the
    figures and warnings are those of a run in one process."""
    monkeypatch.setattr(stats, "FORK_WORTH_IT", 2)
    real, calls = stats.read_plain_files, []
    monkeypatch.setattr(stats, "read_plain_files", lambda *a, **kw: calls.append((len(a[1]), a[2])) or real(*a, **kw))
    outputs = []
    for cores in (2, 1):
        monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(tmp_path / f"cache-{cores}"))
        monkeypatch.setattr(stats, "_cores", lambda cores=cores: cores)
        assert main(["stats", str(queue), "--now", NOW, "--by", "week"]) == 0
        outputs.append(capsys.readouterr())
    assert calls == [(9, 2), (9, 1)]  # all nine files, forked then in one process
    assert outputs[0].out == outputs[1].out and outputs[0].err == outputs[1].err
    assert "BROKEN.json:3: invalid JSON" in outputs[0].err


# Generated cases: each key mostly plainly valid, else one of the values the desk reads its own way or refuses.
def _mostly(valid: list, odd: list):
    return st.sampled_from(valid * 20 + odd)


_REQUIRED = {
    "id": _mostly(["X1"], ["X2", "", "x y", 5]),
    "platform": _mostly(["coupang", "amazon", "tiktok"], [" Coupang ", "AMAZON", "etsy", "", " ", 3]),
    "kind": _mostly(["return-dispute", "general", "notice-of-action", "chargeback"], ["Chargeback ", "atoz-review", "refund", ""]),
    "subject": _mostly(["s"], ["  s ", "", " ", 1]),
    "received_at": _mostly(
        ["2026-11-30T10:00:00+09:00", "2026-12-31T23:30:00-08:00", "2025-10-02T18:00:00+09:00", "2026-02-13T17:59:59.5+09:00"],
        ["2026-11-30T10:00:00", "2026-11-30T01:00:00Z", " 2026-11-30T10:00:00+09:00", "2026-11-30", "nope", 5, "9999-12-31T23:00:00+09:00"],
    ),
}
_OPTIONAL = {
    "deadline": _mostly(["2026-12-01T09:00:00+09:00"], ["2026-12-01", None, "x", 7]),
    "status": _mostly(list(stats.STATUSES), ["done", 1]),
    "priority": _mostly([None, "high", "low"], ["urgent", 1]),
    "outcome": _mostly([None, "reversed", "denied"], ["won", 0]),
    "assignee": _mostly([None, "bob"], [" bob ", "", "a\x01", "x" * 65, 3]),
    "history": st.sampled_from([
        [], "x", [{"who": "seller", "when": "2026-11-30T12:00:00+09:00", "text": "t", "sent_by": "ann"}],
        [{"event": "status", "id": "r1", "to": "sent", "who": "bob", "when": "2026-11-30T11:00:00"},
         {"event": "undo", "undoes": "r1", "who": "bob"}],
        [{"event": "status", "id": 1, "to": "sent", "who": " bob ", "when": "2026-11-30T11:00:00Z"}, "odd", 3],
        [{"who": "seller", "when": "bad", "text": "t", "sent_by": "ann"}, {"who": "seller", "when": "2026-12-02T00:00:00+09:00", "text": "u", "sent_by": "cy"}],
    ]),
    "notes": st.sampled_from([None, "n", {"a": [1]}]),
}


@functools.cache
def _packs():
    from replydesk.linting.loading import load_packs

    return load_packs()


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries(_REQUIRED, optional=_OPTIONAL))
def test_generated_cases_read_plainly_as_the_desk_reads_them(data):
    from replydesk.linting.casefile import CaseFileError, case_from_mapping

    try:
        expected = stats.row_of(case_from_mapping(data, _packs(), path=Path("/queue/cases/X1.json"), thorough=False))
    except CaseFileError:
        expected = "refused"
    except Exception as exc:  # noqa: BLE001 - the desk's own reading fails oddly (a null, today): not the plain reader's
        expected = type(exc).__name__
    entry = stats._plain_entry(json.loads(json.dumps(data)), "X1")
    row = stats._Windows(_packs()).row(entry) if entry is not None else None
    if row is not None:  # else the desk's reader reads the file (and says what is wrong with it)
        assert row == expected, "a row read plainly is the desk's row, field by field"
        assert stats.CaseRow.from_list(json.loads(json.dumps(entry))) == expected, "and so is its cache entry, next run"


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    st.lists(st.times(), min_size=1, max_size=4),
    st.sampled_from([9, 0, -5, 5.5]),
    st.integers(min_value=1, max_value=12),
    st.booleans(),
)
def test_remembered_business_day_walks_are_the_windows_own_deadlines(day, times, offset, days, end_of_day):
    """`_Windows.deadline` remembers a business-day walk per start date: at every time of that day it must
    give what `Window.deadline` gives (and it does what Window.deadline does for hours and days)."""
    from replydesk.linting.calendar import BusinessCalendar
    from replydesk.linting.packs import Window

    zone = timezone(timedelta(hours=offset))
    starts = [datetime.combine(day, t, tzinfo=zone) for t in [time(0), *times, time(23, 59, 59, 999999)]]
    tz = timezone(timedelta(hours=9), "KST")
    windows = stats._Windows({})
    for name, window, calendar in (
        ("kr", Window(business_days=days, end_of_day=end_of_day), BusinessCalendar("KR")),
        ("weekends", Window(business_days=days, end_of_day=end_of_day), BusinessCalendar()),
        ("hours", Window(hours=days * 7.5), BusinessCalendar("KR")),
        ("days", Window(days=days, end_of_day=end_of_day), BusinessCalendar("KR")),
    ):
        windows.known[(name, "k")] = (window, tz, calendar)
        for received in starts:
            assert windows.deadline(name, "k", received) == window.deadline(received, tz, calendar), (name, received)
    packs = stats._Windows(_packs())
    for (platform, kind), (window, pack_tz, calendar) in packs.known.items():
        for received in starts:
            expected = window.deadline(received, pack_tz, calendar) if window is not None else None
            assert packs.deadline(platform, kind, received) == expected, (platform, kind, received)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(-10**6, 10**6).map(float), st.floats(-1e7, 1e7)), min_size=1, max_size=30))
def test_the_median_is_statistics_median(values):
    import statistics

    assert stats._median(values) == statistics.median(values)
