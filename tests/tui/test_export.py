"""`replydesk export` (queue/export.py): the whole chain of a case, in JSON, CSV and printable HTML.

The queue is test_stats.py's (hand-written cases with sends, receipts, status changes, an undone
send, a closed case and hostile buyer text).
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from replydesk.tui.entry import main
from replydesk.tui.queue import export
from replydesk.tui.queue.store import QueueStore

from .test_stats import BROKEN, CASES, HOSTILE, write_queue


@pytest.fixture
def queue(tmp_path) -> Path:
    return write_queue(tmp_path / "queue", broken=False)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def chains(queue: Path, *ids: str) -> dict[str, dict]:
    store = QueueStore(queue, index_path=False)
    return {c.id: export.chain(c) for c in store.load().cases if not ids or c.id in ids}


def test_the_chain_of_a_sent_case(queue):
    c = chains(queue)["CP-ONTIME"]
    assert (c["platform"], c["kind"], c["status"], c["assignee"]) == ("coupang", "return-dispute", "sent", "alice")
    assert (c["order_ids"], c["claim_ids"], c["required_evidence"]) == (["22000009480112"], ["12346897"], ["proof-of-delivery"])
    assert c["attachments"] == [{"name": "pod.pdf", "bytes": 120000}, {"name": "photo.jpg", "bytes": None}]
    assert c["received_at_kst"] == "2026-11-30 10:00:00 KST"
    assert (c["deadline_kst"], c["deadline_computed"]) == ("2026-12-02 10:00:00 KST", True)
    assert c["first_sent_kst"] == "2026-11-30 15:00:00 KST"
    history = c["history"]
    # In time order: the customer's 09:30 message came second in the file.
    assert [(e["n"], e["type"], e["who"]) for e in history] == [
        (2, "message", "customer"), (1, "message", "platform"), (3, "sent", "seller"), (4, "status", "alice"),
    ]
    sent = history[2]
    assert (sent["sent_by"], sent["receipt"], sent["attachments"], sent["record"]) == ("alice", "RCPT-0001", ["pod.pdf"], "r1")
    assert sent["when"] == "2026-11-30T15:00:00+09:00" and sent["when_kst"] == "2026-11-30 15:00:00 KST"
    status = history[3]
    assert (status["from"], status["to"], status["id"], status["undone_by"]) == ("ready", "sent", "r1", None)


def test_status_changes_undos_and_outcomes_are_in_the_chain(queue):
    found = chains(queue)
    undone = found["AMZ-UNDONE"]["history"]
    record = next(e for e in undone if e["type"] == "status")
    undo = next(e for e in undone if e["type"] == "undo")
    assert (record["id"], record["undone_by"], record["who"]) == ("r5", "u1", "dave")
    assert (undo["undoes"], undo["from"], undo["to"]) == ("r5", "sent", "ready")
    assert found["AMZ-UNDONE"]["first_sent_at"] is None
    late = found["CP-LATE"]
    assert late["outcome"] == "reversed" and late["deadline_computed"] is False
    assert [(e.get("to"), e.get("outcome")) for e in late["history"] if e["type"] == "status"] == [
        ("sent", None), ("under-review", None), ("closed", "reversed"),
    ]


def test_json_keeps_text_exact_and_escapes_every_control(queue, capsys):
    code, out, err = run(capsys, "AMZ-UNDONE", "CP-ONTIME", "--queue", str(queue))
    assert code == 0 and err == ""
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    data = json.loads(out)
    assert [c["id"] for c in data] == ["AMZ-UNDONE", "CP-ONTIME"]  # in the order asked
    message = data[0]["history"][0]["text"]
    assert message == "Buyer says: " + HOSTILE + "\nsecond line"  # exactly as received


def test_unknown_ids_are_named_and_the_rest_exported(queue, capsys):
    code, out, err = run(capsys, "NOPE-1", "CP-LATE", "../etc/passwd", "--queue", str(queue))
    assert code == 1
    assert "no case 'NOPE-1'" in err and "refusing case id '../etc/passwd'" in err
    assert [c["id"] for c in json.loads(out)] == ["CP-LATE"]


def test_all_since_and_a_broken_file(queue, capsys):
    (queue / "cases" / "BROKEN.json").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "--all", "--since", "2026-11-20", "--queue", str(queue))
    assert code == 1  # one case file could not be exported
    assert f"{queue / 'cases' / 'BROKEN.json'}:3: invalid JSON" in err and "Traceback" not in err
    ids = [c["id"] for c in json.loads(out)]
    assert ids == sorted(c["id"] for c in CASES if c["received_at"] >= "2026-11-20")
    assert "CP-OLD" not in ids and "CP-UNTIMED" not in ids and len(ids) == 6


def test_csv_is_one_row_per_entry_and_defuses_formulas(queue, capsys):
    code, out, _err = run(capsys, "CP-ONTIME", "AMZ-UNDONE", "CP-OLD", "--queue", str(queue), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["case_id"] for r in rows] == ["CP-ONTIME"] * 4 + ["AMZ-UNDONE"] * 3 + ["CP-OLD"]  # CP-OLD: no history, one row
    customer = rows[0]
    assert customer["text"] == "'=HYPERLINK(\"http://evil.example\",\"refund\")"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    sent = rows[2]
    assert (sent["type"], sent["sent_by"], sent["receipt"], sent["attachments"], sent["when"]) == (
        "sent", "alice", "RCPT-0001", "pod.pdf", "2026-11-30 15:00:00 KST")
    hostile = rows[4]["text"]
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert hostile == "Buyer says: <script>alert(1)</script> ␛]52;c;aGk=␇ bye\\x9b2J\nsecond line"  # the newline kept
    assert rows[5]["undone_by"] == "u1" and rows[6]["undoes"] == "r5"


def test_csv_cells_formula_starts():
    # CR is shown as a picture (␍) before the check: it starts no formula any more.
    assert [export.csv_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", 5, None)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "␍x", "a=b", "5", "",
    ]


def test_html_is_one_escaped_self_contained_printable_page(queue, capsys):
    code, out, _err = run(capsys, "--all", "--queue", str(queue), "--format", "html", "--title", "Evidence <b>Q4</b>")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "<script" not in out.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "␛]52;c;aGk=␇" in out
    assert "<title>Evidence &lt;b&gt;Q4&lt;/b&gt;</title>" in out
    for resource in ("src=", "href=", "<link", "@import", "url(", "http://", "https://"):
        if resource == "http://":
            assert out.count(resource) == 1  # only inside the escaped buyer formula, as text
            assert "&quot;http://evil.example&quot;" in out
        else:
            assert resource not in out
    assert "default-src 'none'" in out and "@media print" in out and "break-before: page" in out
    assert out.count('<section class="case"') == len(CASES)
    assert "<h2>CP-ONTIME — Return dispute 22000009480112</h2>" in out
    assert "receipt RCPT-0001" in out and "sent by alice" in out and "undone by u1" in out
    assert '<tr class="status undone">' in out


def test_output_is_written_atomically(queue, tmp_path, capsys, monkeypatch):
    target = tmp_path / "out" / "evidence.html"
    target.parent.mkdir()
    target.write_text("the previous export", encoding="utf-8")
    import replydesk.linting.atomicfile as atomicfile

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomicfile.os, "replace", no_space)
    code, out, err = run(capsys, "CP-LATE", "--queue", str(queue), "--format", "html", "--output", str(target))
    assert code == 2 and "cannot write" in err and "No space left on device" in err and out == ""
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert os.listdir(target.parent) == ["evidence.html"]  # no temp file left behind
    monkeypatch.undo()
    code, out, err = run(capsys, "CP-LATE", "--queue", str(queue), "--format", "html", "--output", str(target))
    assert code == 0 and out == "" and "exported 1 case(s)" in err
    assert "CP-LATE" in target.read_text(encoding="utf-8")
    code, _out, err = run(capsys, "CP-LATE", "--queue", str(queue), "--output", str(tmp_path / "missing" / "x.json"))
    assert code == 2 and "no such directory" in err and not (tmp_path / "missing").exists()


def test_usage_errors(queue, capsys):
    for args in ([], ["CP-LATE", "--all"], ["--all", "--since", "soon"], ["--all", "--format", "pdf"]):
        with pytest.raises(SystemExit) as exc:
            main(["export", *args, "--queue", str(queue)])
        assert exc.value.code == 2
    capsys.readouterr()
    code, _out, err = run(capsys, "--all", "--queue", str(queue / "nowhere"))
    assert code == 2 and "no such queue directory" in err


def test_a_real_process_exports_csv(queue, tmp_path):
    script = Path(sys.executable).with_name("replydesk")
    if not script.exists():
        pytest.skip("the replydesk console script is not installed beside this Python")
    env = dict(os.environ, REPLYDESK_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [str(script), "export", "CP-ONTIME", "NOPE", "--queue", str(queue), "--format", "csv"],
        capture_output=True, timeout=120, env=env,
    )
    assert proc.returncode == 1 and b"no case 'NOPE'" in proc.stderr and b"Traceback" not in proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout.decode("utf-8"), newline="")))
    assert rows[0][:3] == ["case_id", "platform", "kind"] and len(rows) == 5
    assert proc.stdout.count(b"\r\n") == 5  # RFC 4180 line ends


def test_the_desk_can_export_one_open_case(queue):
    case = QueueStore(queue, index_path=False).reload_case("CP-REVIEW")
    one = export.chain(case)
    assert export.chain(dict(case.raw)) == one  # a plain mapping gives the same chain
    page = export.to_html([one], title="CP-REVIEW")
    assert page.count('<section class="case"') == 1 and "Policy notice" in page
    assert json.loads(export.to_json([one]))[0]["id"] == "CP-REVIEW"
    assert export.to_csv([one]).count("\r\n") == 1 + len(one["history"])


def test_records_written_by_the_desk_itself():
    """The chain and the figures of a case worked through workflow.py as the desk does it, not hand-written."""
    from datetime import datetime, timedelta

    from replydesk.linting.context import KST
    from replydesk.tui.queue import stats, workflow

    t0 = datetime(2026, 12, 1, 11, 0, tzinfo=KST)  # CP-FUTURE's received_at
    data = dict(CASES[5], id="CP-DESK", status="ready", history=list(CASES[5]["history"]))
    data = workflow.mark_sent(data, "First reply.", "erin", t0 + timedelta(hours=1), receipt="RC-9", attachments=["a.pdf"])
    data = workflow.undo_last_status_change(data, "erin", t0 + timedelta(hours=1, minutes=2)).data  # not sent after all
    data = workflow.mark_sent(data, "Second reply.", "erin", t0 + timedelta(hours=3), receipt="RC-10", attachments=["b.pdf"])
    data = workflow.record_result(data, "closed", "erin", t0 + timedelta(days=2), outcome="partial")
    data = workflow.record_result(data, "closed", "erin", t0 + timedelta(days=3), outcome="accepted")
    c = export.chain(data)
    sends = [e for e in c["history"] if e["type"] == "sent"]
    assert [(e["text"], e["receipt"], e["attachments"]) for e in sends] == [("Second reply.", "RC-10", ["b.pdf"])]
    status = [e for e in c["history"] if e["type"] == "status"]
    assert [(e["to"], bool(e["undone_by"]), e.get("outcome"), e.get("outcome_was")) for e in status] == [
        ("sent", True, None, None), ("sent", False, None, None), ("closed", False, "partial", None),
        ("closed", False, "accepted", "partial"),
    ]
    assert c["first_sent_kst"] == "2026-12-01 14:00:00 KST" and c["outcome"] == "accepted"
    f = stats.compute([data], datetime(2026, 12, 5, tzinfo=KST), by="operator")
    assert list(f.groups) == ["erin"] and f.overall.closed == 1 and f.overall.outcomes == {"accepted": 1}
    assert f.overall.median_answer_seconds == 3 * 3600  # received 11:00; the send that stands went at 14:00
