"""Files planted in a shared queue: symlinks to other people's files, FIFOs, devices.

Anyone who can write to the queue can put `drafts/<id>.txt -> ~/.ssh/id_rsa`
there; the desk used to read the key into the editor and autosave it into
`.recovery/`, which the whole group can read. A FIFO in a draft's or a
case's place blocked `open()` forever and froze the desk. Each is now
refused with a message naming the file, and nothing is read from, or
written through, a link.
"""
from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from replydesk.linting.loading import load_packs
from replydesk.tui.queue.cases import CaseFileError, load_case
from replydesk.tui.queue.locks import Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.store import QueueStore

PACKS = load_packs()
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
pytestmark = pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW (POSIX)")


def case_file(case_id: str) -> dict:
    return {
        "id": case_id,
        "platform": "coupang",
        "kind": "return-dispute",
        "subject": "Return dispute",
        "received_at": "2024-05-18T14:30:00+09:00",
    }


@pytest.fixture
def queue(tmp_path) -> Path:
    root = tmp_path / "queue"
    for sub in ("cases", "drafts", ".locks", ".recovery"):
        (root / sub).mkdir(parents=True)
    for case_id in ("CP-1", "CP-2"):
        (root / "cases" / f"{case_id}.json").write_text(json.dumps(case_file(case_id)), encoding="utf-8")
    return root


@pytest.fixture
def secret(tmp_path) -> Path:
    home = tmp_path / "victim" / ".ssh"
    home.mkdir(parents=True)
    key = home / "id_rsa"
    key.write_bytes(SECRET)
    os.chmod(key, 0o600)
    return key


def unchanged(path: Path) -> bool:
    return path.read_bytes() == SECRET and stat.S_IMODE(path.stat().st_mode) == 0o600


def within(seconds: float, fn):
    """fn() in a daemon thread; fail (not hang the run) if it has not returned in time."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still blocked after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_a_symlinked_draft_is_refused_unread_and_never_written_through(queue, secret):
    draft = queue / "drafts" / "CP-1.txt"
    draft.symlink_to(secret)
    store = QueueStore(queue, packs=PACKS, index_path=False)
    with pytest.raises(CaseFileError) as info:
        store.read_draft("CP-1")
    assert str(draft) in str(info.value) and "symbolic link" in str(info.value)
    assert "PRIVATE KEY" not in str(info.value)
    with pytest.raises(CaseFileError, match="symbolic link"):
        store.save_draft("CP-1", "overwritten")
    with pytest.raises(CaseFileError, match="symbolic link"):
        store.save_draft("CP-1", "overwritten", expected=None)
    assert unchanged(secret) and draft.is_symlink()


def test_a_symlinked_case_file_is_reported_not_loaded(queue, secret, tmp_path):
    elsewhere = tmp_path / "victim" / "CP-3.json"
    elsewhere.write_text(json.dumps(dict(case_file("CP-3"), subject="private")), encoding="utf-8")
    link = queue / "cases" / "CP-3.json"
    link.symlink_to(elsewhere)
    store = QueueStore(queue, packs=PACKS, index_path=False)
    report = store.load()
    assert sorted(c.id for c in report.cases) == ["CP-1", "CP-2"]
    assert [(Path(e.path), "symbolic link" in e.message) for e in report.errors] == [(link, True)]
    with pytest.raises(CaseFileError, match="symbolic link"):
        load_case(link, PACKS)
    with pytest.raises(CaseFileError, match="symbolic link"):
        store.write_case(case_file("CP-3"))
    assert json.loads(elsewhere.read_text(encoding="utf-8"))["subject"] == "private"


def test_a_symlinked_lock_is_refused_not_read_not_written_through_not_removed(queue, secret):
    lock = queue / ".locks" / "CP-1.lock"
    lock.symlink_to(secret)
    locks = Locks(queue / ".locks", Operator("alice", "h", os.getpid(), "a"))
    with pytest.raises(CaseFileError, match="symbolic link") as info:
        locks.read("CP-1")
    assert str(lock) in str(info.value)
    with pytest.raises(CaseFileError, match="symbolic link"):
        locks.acquire("CP-1")
    assert locks.release("CP-1") is False
    assert "CP-1" not in locks.all()
    assert unchanged(secret) and lock.is_symlink()
    assert [p.name for p in (queue / ".locks").iterdir()] == ["CP-1.lock"]  # no temp file left


def test_a_symlinked_journal_is_refused_and_writing_the_journal_never_goes_through_it(queue, secret, tmp_path):
    planted = tmp_path / "victim" / "journal.json"
    planted.write_text(json.dumps({"text": "planted text", "saved_at": "2024-05-20T03:00:00+00:00"}), encoding="utf-8")
    entry = queue / ".recovery" / "CP-1.json"
    entry.symlink_to(planted)
    journal = Journal(queue / ".recovery", Operator("alice", "h", 1, "a"))
    with pytest.raises(CaseFileError, match="symbolic link") as info:
        journal.read("CP-1")
    assert str(entry) in str(info.value) and "planted text" not in str(info.value)
    # The link to the key: writing the journal replaces the link itself, never the key.
    entry.unlink()
    entry.symlink_to(secret)
    journal.write("CP-1", "typed", base_text="")
    assert unchanged(secret)
    assert not entry.is_symlink() and json.loads(entry.read_text(encoding="utf-8"))["text"] == "typed"


def test_a_fifo_in_place_of_a_draft_or_a_case_does_not_block(queue):
    os.mkfifo(queue / "drafts" / "CP-1.txt")
    os.mkfifo(queue / "cases" / "CP-9.json")
    os.mkfifo(queue / ".locks" / "CP-2.lock")
    os.mkfifo(queue / ".recovery" / "CP-2.json")
    store = QueueStore(queue, packs=PACKS, index_path=False)
    with pytest.raises(CaseFileError, match="FIFO"):
        within(5, lambda: store.read_draft("CP-1"))
    report = within(5, store.load)
    assert sorted(c.id for c in report.cases) == ["CP-1", "CP-2"]
    assert ["FIFO" in e.message for e in report.errors] == [True]
    with pytest.raises(CaseFileError, match="FIFO"):
        within(5, lambda: load_case(queue / "cases" / "CP-9.json", PACKS))
    op = Operator("alice", "h", os.getpid(), "a")
    with pytest.raises(CaseFileError, match="FIFO"):
        within(5, lambda: Locks(queue / ".locks", op).read("CP-2"))
    with pytest.raises(CaseFileError, match="FIFO"):
        within(5, lambda: Journal(queue / ".recovery", op).read("CP-2"))


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_in_place_of_a_draft_is_refused(queue):
    os.mknod(queue / "drafts" / "CP-1.txt", 0o666 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
    store = QueueStore(queue, packs=PACKS, index_path=False)
    with pytest.raises(CaseFileError, match="device"):
        within(5, lambda: store.read_draft("CP-1"))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("CP-3", '{"id": "CP-3", "x": ' + "[" * 5000 + "]" * 5000 + "}", "too deep to read"),
        ("CP-4", '{"id": "CP-4", "x": ' + "9" * 5000 + "}", "invalid JSON"),
        ("CP-5", json.dumps(dict(case_file("CP-5"), kind="cancellation-appeal", received_at="9999-12-31T23:00:00+09:00")),
         "past the year 9999"),
    ],
    ids=["nested-5000", "5000-digit-number", "year-9999-window"],
)
def test_a_case_file_that_breaks_the_parser_is_one_error_and_the_queue_loads(queue, name, content, message):
    """Deep nesting (RecursionError), a 5,000-digit number (ValueError) and a window past 9999
    (OverflowError) used to end the whole queue load with a traceback."""
    path = queue / "cases" / f"{name}.json"
    path.write_text(content, encoding="utf-8")
    report = QueueStore(queue, packs=PACKS, index_path=False).load()
    assert sorted(c.id for c in report.cases) == ["CP-1", "CP-2"]
    assert [Path(e.path) for e in report.errors] == [path]
    assert message in report.errors[0].message


@pytest.mark.parametrize("content", ["[" * 5000 + "]" * 5000, "[]", '"text"'], ids=["nested-5000", "a-list", "a-string"])
def test_a_lock_or_journal_that_is_not_a_desk_s_json_object_is_handled_not_raised(queue, content):
    """A planted `.locks/<id>.lock` or `.recovery/<id>.json` holding deep nesting or a JSON list used
    to raise RecursionError / AttributeError out of the desk's open-case path."""
    (queue / ".locks" / "CP-1.lock").write_text(content, encoding="utf-8")
    (queue / ".recovery" / "CP-1.json").write_text(content, encoding="utf-8")
    op = Operator("me", "host", os.getpid(), "t")
    Locks(queue / ".locks", op).read("CP-1")  # read as unreadable: no exception
    assert Journal(queue / ".recovery", op).read("CP-1") is None  # set aside as corrupt


def test_an_unlistable_cases_folder_is_an_error_in_the_report_not_a_traceback(queue):
    """`os.scandir` on a cases/ folder the operator cannot read used to raise out of the
    desk's start-up (QueueStore.load runs in ReplydeskApp.__init__)."""
    import unittest.mock

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    with unittest.mock.patch("replydesk.tui.queue.store.os.scandir", denied):
        report = QueueStore(queue, packs=PACKS, index_path=False).load()
    assert report.cases == [] and len(report.errors) == 1
    assert "cannot list the case files: Permission denied" in report.errors[0].message
