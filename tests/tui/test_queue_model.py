"""The queue model without a terminal: case files, deadlines, sorting, filtering, locks, saves, journal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from replydesk.linting.loading import load_packs
from replydesk.tui.queue.atomic import atomic_write_text
from replydesk.tui.queue.cases import KST, CaseFileError, case_from_mapping, load_case
from replydesk.tui.queue.deadlines import Urgency, countdown, format_kst, urgency
from replydesk.tui.queue.location import ENV_VAR, demo_anchor, install_demo, resolve_queue
from replydesk.tui.queue.locks import Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.store import QueueError, QueueStore
from replydesk.tui.queue.view import QueueView, fuzzy_filter

PACKS = load_packs()


def case(**overrides) -> dict:
    data = {
        "id": "CP-1",
        "platform": "coupang",
        "kind": "return-dispute",
        "subject": "Return dispute",
        "received_at": "2024-05-18T14:30:00+09:00",
    }
    data.update(overrides)
    return data


# --- case files -----------------------------------------------------------------------------


def test_deadline_comes_from_the_pack_window_when_the_case_has_none():
    c = case_from_mapping(case(), PACKS)
    assert c.deadline == datetime(2024, 5, 20, 14, 30, tzinfo=KST)
    assert c.deadline_computed


def test_atoz_deadline_is_235959_kst_of_day_seven():
    c = case_from_mapping(case(platform="amazon", kind="atoz-review", received_at="2024-05-14T06:20:00Z"), PACKS)
    assert c.deadline == datetime(2024, 5, 21, 23, 59, 59, tzinfo=KST)


def test_cancellation_appeal_deadline_is_two_hours():
    c = case_from_mapping(case(kind="cancellation-appeal", received_at="2024-05-20T11:05:00+09:00"), PACKS)
    assert c.deadline == datetime(2024, 5, 20, 13, 5, tzinfo=KST)


def test_explicit_deadline_wins_over_the_window():
    c = case_from_mapping(case(deadline="2024-05-19T09:00:00+09:00"), PACKS)
    assert c.deadline == datetime(2024, 5, 19, 9, 0, tzinfo=KST)
    assert not c.deadline_computed


def test_time_without_offset_is_read_as_kst():
    c = case_from_mapping(case(received_at="2024-05-18T14:30:00"), PACKS)
    assert c.received_at == datetime(2024, 5, 18, 14, 30, tzinfo=KST)


def test_general_kind_without_window_has_no_deadline():
    c = case_from_mapping(case(kind="general"), PACKS)
    assert c.deadline is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"platform": "ebay"}, "unknown platform 'ebay'"),
        ({"kind": "refund"}, "unknown kind 'refund' for coupang"),
        ({"status": "done"}, "status must be one of new, drafting, ready, sent"),
        ({"received_at": "yesterday"}, "not an ISO 8601 date-time"),
        ({"id": "../etc/passwd"}, "id must be"),
        ({"order_ids": {"a": 1}}, "order_ids: must be a string, an integer or a list"),
    ],
)
def test_invalid_case_fields_are_rejected_with_the_reason(overrides, message):
    with pytest.raises(CaseFileError) as info:
        case_from_mapping(case(**overrides), PACKS)
    assert message in str(info.value)


def test_case_file_error_names_file_and_line(tmp_path):
    path = tmp_path / "CP-1.json"
    path.write_text(json.dumps(case(status="done"), indent=2), encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case(path, PACKS)
    text = path.read_text(encoding="utf-8").splitlines()
    assert info.value.line == next(i for i, line in enumerate(text, 1) if '"status"' in line)
    assert str(info.value).startswith(f"{path}:{info.value.line}: status must be")


def test_broken_json_reports_its_line(tmp_path):
    path = tmp_path / "CP-1.json"
    path.write_text('{\n  "id": "CP-1",\n  "platform": coupang\n}\n', encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case(path, PACKS)
    assert info.value.line == 3 and "invalid JSON" in info.value.message


def test_id_must_match_the_file_name(tmp_path):
    path = tmp_path / "CP-2.json"
    path.write_text(json.dumps(case()), encoding="utf-8")
    with pytest.raises(CaseFileError, match="does not match the file name"):
        load_case(path, PACKS)


def test_korean_and_chinese_subjects_load_and_are_searchable():
    c = case_from_mapping(case(subject="반품 분쟁 – 退货纠纷"), PACKS)
    assert "반품" in c.search_text and "退货" in c.search_text


def test_store_skips_unreadable_cases_and_reports_them(tmp_path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "CP-1.json").write_text(json.dumps(case()), encoding="utf-8")
    (tmp_path / "cases" / "CP-2.json").write_text("{", encoding="utf-8")
    report = QueueStore(tmp_path).load()
    assert [c.id for c in report.cases] == ["CP-1"]
    assert len(report.errors) == 1 and "CP-2.json:1" in str(report.errors[0])


def test_missing_queue_directory_is_one_clear_error(tmp_path):
    with pytest.raises(QueueError, match="no such queue directory"):
        QueueStore(tmp_path / "nope")


def test_set_status_keeps_other_keys_and_rewrites_atomically(tmp_path):
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "CP-1.json"
    path.write_text(json.dumps(case(notes="call the carrier", extra={"x": 1}), ensure_ascii=False), encoding="utf-8")
    store = QueueStore(tmp_path)
    updated = store.set_status("CP-1", "ready", "op1", datetime(2026, 12, 1, 5, 2, 5, tzinfo=timezone.utc))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["status"] == "ready" and data["notes"] == "call the carrier" and data["extra"] == {"x": 1}
    record = data["history"][-1]
    assert (record["event"], record["who"], record["when"], record["from"], record["to"]) == (
        "status", "op1", "2026-12-01T14:02:05+09:00", "new", "ready"
    )
    assert updated.status == "ready"
    assert not [p for p in (tmp_path / "cases").iterdir() if p.name.startswith(".")]


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "draft.txt"
    path.write_text("old", encoding="utf-8")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.txt"]


# --- countdowns -------------------------------------------------------------------------------

NOW = datetime(2024, 5, 20, 12, 0, tzinfo=KST)


@pytest.mark.parametrize(
    "delta, text, level",
    [
        (timedelta(days=2, hours=4, minutes=10), "2d04h", Urgency.NORMAL),
        (timedelta(hours=3, minutes=12), "3h12m", Urgency.NORMAL),
        (timedelta(hours=2), "2h00m", Urgency.SOON),
        (timedelta(minutes=12, seconds=5), "12m05s", Urgency.SOON),
        (timedelta(seconds=-1), "-0m01s", Urgency.OVERDUE),
        (timedelta(hours=-1, minutes=-45), "-1h45m", Urgency.OVERDUE),
        (timedelta(days=-3, hours=-3), "-3d03h", Urgency.OVERDUE),
    ],
)
def test_countdown_text_and_urgency(delta, text, level):
    assert countdown(NOW + delta, NOW) == text
    assert urgency(NOW + delta, NOW) is level
    assert len(text) <= 7


def test_no_deadline_reads_as_dashes():
    assert countdown(None, NOW) == "--" and urgency(None, NOW) is Urgency.NONE


def test_times_are_shown_in_kst_even_when_given_in_utc():
    assert format_kst(datetime(2024, 5, 20, 3, 0, tzinfo=timezone.utc)) == "2024-05-20 12:00 KST"


# --- sorting and filtering ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cases():
    from replydesk.tui.queue.location import demo_source

    return QueueStore(demo_source()).load().cases


def test_demo_queue_has_every_platform_and_kind_and_some_overdue(demo_cases):
    assert len(demo_cases) >= 20
    assert {c.platform for c in demo_cases} == {"coupang", "amazon", "tiktok", "shopee"}
    assert {c.kind for c in demo_cases} >= {
        "cancellation-appeal", "return-dispute", "notice-of-action", "chargeback", "atoz-review", "policy-notice", "general"
    }
    anchor = demo_anchor()
    assert sum(1 for c in demo_cases if urgency(c.deadline, anchor) is Urgency.OVERDUE) >= 3
    assert sum(1 for c in demo_cases if urgency(c.deadline, anchor) is Urgency.SOON) >= 2


def test_answered_cases_sink_below_open_ones_and_closed_ones_last(demo_cases):
    view = QueueView(demo_cases)
    answered = [c.answered for c in view.rows]
    first = answered.index(True)
    assert all(answered[first:]) and not any(answered[:first])
    statuses = [c.status for c in view.rows[first:]]
    assert statuses[statuses.index("closed"):] == ["closed"] * statuses.count("closed")
    open_deadlines = [c.deadline for c in view.rows if not c.answered and c.deadline]
    assert open_deadlines == sorted(open_deadlines)


def test_fuzzy_filter_needs_every_token(demo_cases):
    hits = fuzzy_filter("coupang retrn", demo_cases)
    assert hits and all(c.platform == "coupang" for c in hits)
    assert {c.kind for c in hits} == {"return-dispute"}


def test_ids_match_exactly_not_fuzzily(demo_cases):
    assert [c.id for c in fuzzy_filter("22000009480112", demo_cases)] == ["CP-240518-0003"]
    assert fuzzy_filter("22000009480113", demo_cases) == []


def test_filter_finds_korean_and_chinese_subjects(demo_cases):
    assert [c.id for c in fuzzy_filter("반품", demo_cases)] == ["CP-240518-0004"]
    assert {c.id for c in fuzzy_filter("退货", demo_cases)} == {"SP-240518-0022"}


def test_facets_cycle_through_values_and_back_to_all(demo_cases):
    view = QueueView(demo_cases)
    seen = [view.cycle_facet("platform") for _ in range(5)]
    assert seen == ["amazon", "coupang", "shopee", "tiktok", None]
    assert len(view.rows) == len(demo_cases)


# --- locks ----------------------------------------------------------------------------------------


def test_second_operator_is_refused_and_sees_the_holder(tmp_path):
    alice = Operator("alice", "h", os.getpid(), "a")
    bob = Operator("bob", "h", os.getpid(), "b")
    assert Locks(tmp_path, alice).acquire("C1").acquired
    outcome = Locks(tmp_path, bob).acquire("C1")
    assert not outcome.acquired and outcome.holder.who == "alice" and outcome.holder.pid == os.getpid()
    assert not Locks(tmp_path, bob).release("C1")  # never someone else's
    assert Locks(tmp_path, alice).release("C1")
    assert Locks(tmp_path, bob).acquire("C1").acquired


def test_lock_of_a_dead_pid_on_this_host_is_stale_and_taken_over(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    ghost = Operator("carol", "h", proc.pid, "c")
    alice = Operator("alice", "h", os.getpid(), "a")
    assert Locks(tmp_path, ghost).acquire("C1").acquired
    outcome = Locks(tmp_path, alice).acquire("C1")
    assert outcome.acquired and outcome.took_over.who == "carol"


def test_lock_from_another_host_is_never_assumed_stale(tmp_path):
    remote = Operator("erin", "other-host", 999_999_999, "e")
    assert Locks(tmp_path, remote).acquire("C1").acquired
    outcome = Locks(tmp_path, Operator("alice", "h", os.getpid(), "a")).acquire("C1")
    assert not outcome.acquired and outcome.holder.host == "other-host"


def test_lock_file_records_who_host_pid_and_since(tmp_path):
    moment = datetime(2024, 5, 20, 3, 0, tzinfo=timezone.utc)
    Locks(tmp_path, Operator("alice", "h", 4242, "a"), lambda: moment).acquire("C1")
    data = json.loads((tmp_path / "C1.lock").read_text(encoding="utf-8"))
    assert (data["who"], data["host"], data["pid"], data["since"]) == ("alice", "h", 4242, "2024-05-20T03:00:00+00:00")


# --- journal ---------------------------------------------------------------------------------------


def test_journal_round_trip_and_clear(tmp_path):
    op = Operator("alice", "h", 1, "a")
    journal = Journal(tmp_path, op, lambda: datetime(2024, 5, 20, 3, 0, tzinfo=timezone.utc))
    journal.write("C1", "반품 text 退货", base_text="")
    rec = journal.read("C1")
    assert rec.text == "반품 text 退货" and rec.who == "alice"
    assert "2024-05-20 12:00:00 KST" in rec.describe()
    journal.clear("C1")
    assert journal.read("C1") is None


def test_discarding_recovered_text_sets_it_aside_not_away(tmp_path):
    journal = Journal(tmp_path, Operator("alice", "h", 1, "a"))
    journal.write("C1", "keep me", base_text="")
    kept = journal.discard("C1")
    assert journal.read("C1") is None
    assert json.loads(kept.read_text(encoding="utf-8"))["text"] == "keep me"


def test_corrupt_journal_is_set_aside(tmp_path):
    journal = Journal(tmp_path, Operator("alice", "h", 1, "a"))
    (tmp_path / "C1.json").write_text("{not json", encoding="utf-8")
    assert journal.read("C1") is None
    assert list((tmp_path / "discarded").glob("C1.*.corrupt.json"))


# --- where the queue is -------------------------------------------------------------------------------


def test_queue_argument_beats_environment(tmp_path):
    loc = resolve_queue(str(tmp_path / "a"), {ENV_VAR: str(tmp_path / "b")})
    assert loc.path == tmp_path / "a" and loc.source == "argument"
    loc = resolve_queue(None, {ENV_VAR: str(tmp_path / "b")})
    assert loc.path == tmp_path / "b" and loc.source == "environment"


def test_first_run_installs_the_demo_with_times_shifted_to_now(tmp_path, monkeypatch):
    monkeypatch.setattr("replydesk.tui.queue.location.user_queue_dir", lambda: tmp_path / "user")
    now = demo_anchor() + timedelta(days=100, minutes=30, seconds=20)
    loc = resolve_queue(None, {}, now=now)
    assert loc.installed_demo
    store = QueueStore(loc.path)
    shifted = {c.id: c for c in store.load().cases}
    original = {c.id: c for c in QueueStore(__import__("replydesk.tui.queue.location", fromlist=["x"]).demo_source()).load().cases}
    for case_id, c in original.items():
        assert shifted[case_id].received_at - c.received_at == timedelta(days=100, minutes=30)
    # the countdowns an operator sees on first run match the ones the demo was written for
    assert countdown(shifted["CP-240520-0001"].deadline, now) == countdown(original["CP-240520-0001"].deadline, demo_anchor() + timedelta(seconds=20))
    again = resolve_queue(None, {}, now=now)
    assert not again.installed_demo


def test_install_demo_never_overwrites_an_operators_case(tmp_path):
    install_demo(tmp_path, shift=False)
    path = tmp_path / "cases" / "CP-240520-0001.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["status"] = "sent"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert install_demo(tmp_path, shift=False) == 0
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "sent"


# --- the per-user case index ---------------------------------------------------------------------


def test_index_serves_unchanged_files_and_rereads_edited_ones(tmp_path):
    (tmp_path / "q" / "cases").mkdir(parents=True)
    path = tmp_path / "q" / "cases" / "CP-1.json"
    path.write_text(json.dumps(case(subject="first")), encoding="utf-8")
    index = tmp_path / "index.json"
    store = QueueStore(tmp_path / "q", index_path=index)
    assert [c.subject for c in store.load().cases] == ["first"]
    store.save_index()
    assert json.loads(index.read_text(encoding="utf-8"))["cases"]["CP-1.json"][2]["subject"] == "first"

    # a second desk reads from the index: prove it by planting a different subject in it
    data = json.loads(index.read_text(encoding="utf-8"))
    data["cases"]["CP-1.json"][2]["subject"] = "from the index"
    index.write_text(json.dumps(data), encoding="utf-8")
    assert [c.subject for c in QueueStore(tmp_path / "q", index_path=index).load().cases] == ["from the index"]

    # an edit (new mtime/size) is read from the file again
    path.write_text(json.dumps(case(subject="edited by another tool")), encoding="utf-8")
    assert [c.subject for c in QueueStore(tmp_path / "q", index_path=index).load().cases] == ["edited by another tool"]


def test_index_forgets_deleted_files_and_survives_corruption(tmp_path):
    (tmp_path / "q" / "cases").mkdir(parents=True)
    for i in (1, 2):
        (tmp_path / "q" / "cases" / f"CP-{i}.json").write_text(json.dumps(case(id=f"CP-{i}")), encoding="utf-8")
    index = tmp_path / "index.json"
    store = QueueStore(tmp_path / "q", index_path=index)
    store.load()
    store.save_index()
    (tmp_path / "q" / "cases" / "CP-2.json").unlink()
    store2 = QueueStore(tmp_path / "q", index_path=index)
    assert [c.id for c in store2.load().cases] == ["CP-1"]
    store2.save_index()
    assert list(json.loads(index.read_text(encoding="utf-8"))["cases"]) == ["CP-1.json"]
    index.write_text("{garbage", encoding="utf-8")
    assert [c.id for c in QueueStore(tmp_path / "q", index_path=index).load().cases] == ["CP-1"]
