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

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

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
    assert "fresh process, warm (stats cache)" in out and "figures from the cache == figures from QueueStore.load()" in out
    assert " yes" in out and "40 cases" in out


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
