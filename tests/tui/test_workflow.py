"""The work done on a case as history records: assignment, status changes, sending, undo (queue/workflow.py, store)."""
from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest

from replydesk.linting.loading import load_packs
from replydesk.tui.queue import workflow
from replydesk.tui.queue.cases import CaseFileError, case_from_mapping
from replydesk.tui.queue.store import QueueStore

PACKS = load_packs()
NOON = datetime(2026, 12, 1, 3, 0, 0, tzinfo=timezone.utc)  # 12:00 KST


def case(**overrides) -> dict:
    data = {
        "id": "CP-1",
        "platform": "coupang",
        "kind": "return-dispute",
        "subject": "Return dispute",
        "received_at": "2026-12-01T09:00:00+09:00",
        "history": [{"who": "platform", "when": "2026-12-01T09:00:00+09:00", "text": "Return request R-1 for order 3000111222."}],
    }
    data.update(overrides)
    return data


def store_with(tmp_path, data: dict) -> QueueStore:
    (tmp_path / "cases").mkdir()
    (tmp_path / "drafts").mkdir()
    (tmp_path / "cases" / f"{data['id']}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return QueueStore(tmp_path, index_path=False)


def read(tmp_path, case_id="CP-1") -> dict:
    return json.loads((tmp_path / "cases" / f"{case_id}.json").read_text(encoding="utf-8"))


# --- records ------------------------------------------------------------------------------


def test_assignment_is_recorded_with_who_and_when_in_kst():
    data = workflow.assign(case(), "op2", "op1", NOON)
    assert data["assignee"] == "op2"
    record = data["history"][-1]
    assert {k: record[k] for k in ("event", "who", "when", "from", "to", "text")} == {
        "event": "assigned",
        "who": "op1",
        "when": "2026-12-01T12:00:00+09:00",
        "from": None,
        "to": "op2",
        "text": "op1 assigned the case to op2",
    }
    mine = workflow.assign(data, "op1", "op1", NOON)
    assert mine["history"][-1]["text"] == "op1 took the case (was op2)"
    assert workflow.assign(mine, None, "op1", NOON)["history"][-1]["text"] == "op1 unassigned the case (was op1)"
    assert workflow.assign(mine, "op1", "op1", NOON) is mine  # already theirs: nothing recorded


def test_a_status_change_is_recorded_and_the_same_status_records_nothing():
    data = workflow.change_status(case(), "ready", "op1", NOON)
    assert data["status"] == "ready"
    assert data["history"][-1]["text"] == "op1 marked the case ready (was new)"
    assert workflow.change_status(data, "ready", "op2", NOON) is data
    with pytest.raises(ValueError, match="unknown status"):
        workflow.change_status(data, "done", "op1", NOON)


def test_the_linter_reads_the_messages_and_skips_the_desks_records():
    data = workflow.change_status(workflow.assign(case(), "op2", "op1", NOON), "ready", "op1", NOON)
    ctx = case_from_mapping(data, PACKS).context
    assert len(ctx.history) == 3
    assert [m.who for m in ctx.messages()] == ["platform"]
    assert ctx.notice_text(frozenset({"seller"})) == "Return request R-1 for order 3000111222."


def test_mark_sent_freezes_the_text_as_the_sellers_message_beside_the_status_record():
    data = workflow.mark_sent(workflow.change_status(case(), "ready", "op1", NOON), "Dear reviewer, …", "op2", NOON)
    message, record = data["history"][-2:]
    assert data["status"] == "sent"
    assert (message["who"], message["text"], message["sent_by"], message["record"]) == ("seller", "Dear reviewer, …", "op2", record["id"])
    assert record["text"] == "op2 marked the case sent (was ready)"
    ctx = case_from_mapping(data, PACKS).context
    assert ctx.sent_replies(frozenset({"seller"})) == ("Dear reviewer, …",)  # TPL002 sees it in a follow-up
    with pytest.raises(ValueError, match="empty"):
        workflow.mark_sent(case(), "  \n", "op2", NOON)


def test_undo_goes_back_one_change_at_a_time_and_is_recorded():
    data = workflow.change_status(case(), "drafting", "op1", NOON)
    data = workflow.change_status(data, "ready", "op1", NOON + timedelta(minutes=5))
    undone = workflow.undo_last_status_change(data, "op2", NOON + timedelta(minutes=6))
    assert undone.data["status"] == "drafting" and undone.sent_text is None
    assert undone.data["history"][-1]["event"] == "undo"
    assert undone.data["history"][-1]["text"] == "op2 undid “op1 marked the case ready (was drafting)” (back to drafting)"
    again = workflow.undo_last_status_change(undone.data, "op2", NOON)
    assert again.data["status"] == "new"
    with pytest.raises(workflow.NothingToUndo, match="no status change"):
        workflow.undo_last_status_change(again.data, "op2", NOON)


def test_undo_refuses_when_the_status_moved_on_outside_the_desk():
    data = workflow.change_status(case(), "ready", "op1", NOON)
    data["status"] = "drafting"  # a tool rewrote the file
    with pytest.raises(workflow.NothingToUndo, match="drafting now, not ready"):
        workflow.undo_last_status_change(data, "op1", NOON)


def test_undoing_a_send_takes_the_text_out_of_the_messages():
    sent = workflow.mark_sent(case(status="ready"), "the reply", "op1", NOON)
    undone = workflow.undo_last_status_change(sent, "op1", NOON)
    assert undone.sent_text == "the reply" and undone.data["status"] == "ready"
    assert not [m for m in undone.data["history"] if m.get("sent_by")]
    assert workflow.last_sent(undone.data) is None and workflow.last_sent(sent)["text"] == "the reply"


# --- through the store ----------------------------------------------------------------------


def test_mark_sent_clears_the_draft_and_undo_puts_it_back(tmp_path):
    store = store_with(tmp_path, case(status="ready"))
    store.save_draft("CP-1", "Dear reviewer, the return R-1 …", expected=None)
    sent = store.mark_sent("CP-1", "Dear reviewer, the return R-1 …", "op1", NOON)
    assert sent.status == "sent" and not store.draft_exists("CP-1")
    assert read(tmp_path)["history"][-2]["text"] == "Dear reviewer, the return R-1 …"
    back, undone = store.undo_status("CP-1", "op1", NOON)
    assert back.status == "ready" and undone.record["to"] == "sent"
    assert store.read_draft("CP-1") == "Dear reviewer, the return R-1 …"


def test_mark_sent_keeps_a_draft_that_is_not_the_sent_text(tmp_path):
    store = store_with(tmp_path, case(status="ready"))
    store.save_draft("CP-1", "someone's newer text", expected=None)
    store.mark_sent("CP-1", "the reply as it went out", "op1", NOON)
    assert store.read_draft("CP-1") == "someone's newer text"


def test_assignee_must_be_a_name(tmp_path):
    with pytest.raises(CaseFileError, match="assignee must be an operator's name"):
        case_from_mapping(case(assignee="op\x1b1"), PACKS)
    assert case_from_mapping(case(assignee=" op2 "), PACKS).assignee == "op2"


def _assign_many(root: str, who: str, count: int) -> None:
    store = QueueStore(root, index_path=False)
    for i in range(count):
        store.assign("CP-1", f"{who}-{i}", who, NOON)


def test_two_processes_changing_one_case_at_once_lose_no_record(tmp_path):
    store_with(tmp_path, case())
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_assign_many, args=(str(tmp_path), who, 25)) for who in ("op1", "op2")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    records = [m for m in read(tmp_path)["history"] if m.get("event") == "assigned"]
    assert len(records) == 50  # without the writers' flock, concurrent re-read/write pairs drop some
    assert {r["who"] for r in records} == {"op1", "op2"}
